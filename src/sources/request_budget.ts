/**
 * A rolling-window request budget ("at most N requests per P ms"), shared by everyone who
 * talks to one API from this process, so concurrent callers cannot exceed it together.
 *
 * Slots are reserved synchronously: a caller learns at once when it may send, and the next
 * caller queues behind it. A throttling answer from the server pauses the whole budget.
 *
 * @example
 * ```ts
 * import { RequestBudget } from "./request_budget.ts";
 * import { systemClock } from "../clock.ts";
 * const budget = new RequestBudget({ requests: 12, perMs: 120_000 }, systemClock);
 * const slot = budget.reserve(Date.now() + 60_000);
 * const url = "https://api.example.org/api/1.0/ocdsReleasePackages";
 * if (slot !== null) { await systemClock.sleep(slot - systemClock.now()); await fetch(url); }
 * ```
 * @module
 */
import type { Clock } from "../clock.ts";

/** `requests` per rolling `perMs`. */
export interface Rate {
  readonly requests: number;
  readonly perMs: number;
}

/**
 * Extra spacing after the window: our send time and the server's arrival time differ by the
 * network latency, which can differ between two requests.
 */
const SAFETY_MS = 1_000;

/** One process-wide budget per API. */
export class RequestBudget {
  /** Start times (reserved or past) of the most recent requests, oldest first. */
  readonly #starts: number[] = [];
  #pausedUntil = 0;

  constructor(readonly rate: Rate, readonly clock: Clock) {}

  /**
   * Reserves the earliest start time that keeps within the budget and returns it (epoch ms,
   * maybe `now`), or `null` without reserving when that time is after `deadline`.
   */
  reserve(deadline: number): number | null {
    const now = this.clock.now();
    // forget starts that can no longer count against a request sent now or later
    while (this.#starts.length > 0 && this.#starts[0] <= now - this.rate.perMs) {
      this.#starts.shift();
    }
    let at = Math.max(now, this.#pausedUntil);
    const n = this.#starts.length;
    if (n >= this.rate.requests) {
      // the request `requests` places back must have left the window before this one starts
      at = Math.max(at, this.#starts[n - this.rate.requests] + this.rate.perMs + SAFETY_MS);
    }
    if (at > deadline) return null;
    this.#starts.push(at);
    return at;
  }

  /** Holds every caller until `untilMs` (after a throttling answer). */
  pauseUntil(untilMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, untilMs);
  }

  /** When the budget is paused until (epoch ms; in the past when not paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }
}

const shared = new WeakMap<Clock, Map<string, RequestBudget>>();

/**
 * The process-wide budget of one API (by `key`, e.g. source id and origin) on one clock;
 * created on first use with `rate`.
 *
 * @example
 * ```ts
 * import { systemClock } from "../clock.ts";
 * const budget = sharedBudget("fts https://api.example.org",
 *   { requests: 12, perMs: 120_000 }, systemClock);
 * ```
 */
export function sharedBudget(key: string, rate: Rate, clock: Clock): RequestBudget {
  let byKey = shared.get(clock);
  if (!byKey) shared.set(clock, byKey = new Map());
  let budget = byKey.get(key);
  if (!budget || budget.rate.requests !== rate.requests || budget.rate.perMs !== rate.perMs) {
    byKey.set(key, budget = new RequestBudget(rate, clock));
  }
  return budget;
}
