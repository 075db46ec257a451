/**
 * Time as a dependency. Everything that reads the time or waits takes a {@linkcode Clock},
 * so tests run hours of rate limits and backoff in milliseconds.
 *
 * @example
 * ```ts
 * import { manualClock, systemClock } from "./clock.ts";
 * await systemClock.sleep(10);
 * const clock = manualClock(Date.parse("2026-03-29T00:00:00Z"));
 * await clock.sleep(120_000); // returns at once; clock.now() moved 2 minutes
 * ```
 * @module
 */

/** Reads the time and waits. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds on this clock, or as soon as `signal` aborts (it never
   * rejects: a caller that passed a signal checks it afterwards).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: `Date.now()` and `setTimeout`.
 *
 * @example
 * ```ts
 * const started = systemClock.now();
 * await systemClock.sleep(5);
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
});

/** A clock that only moves when someone sleeps on it or calls `advance`. */
export interface ManualClock extends Clock {
  /** Moves the time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time; never moves it backwards. */
  set(epochMs: number): void;
}

/**
 * A virtual clock for tests. `sleep(ms)` yields to the event loop once, then moves the time
 * to (at least) the moment the sleep was due, so concurrent sleepers do not add up: two
 * callers each sleeping 10 s from t move the clock to t + 10 s, like real time would.
 *
 * @example
 * ```ts
 * const clock = manualClock(0);
 * await Promise.all([clock.sleep(10_000), clock.sleep(10_000)]);
 * clock.now(); // 10000
 * ```
 */
export function manualClock(startMs = 0): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      const due = t + Math.max(0, ms);
      // a macrotask, so the waiting code really is suspended like with a timer
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      if (!signal?.aborted) t = Math.max(t, due);
    },
    advance: (ms: number) => {
      t += Math.max(0, ms);
    },
    set: (epochMs: number) => {
      t = Math.max(t, epochMs);
    },
  };
}
