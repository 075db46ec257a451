/**
 * One word per source for people and monitors — `ok`, `lagging` or `failing` — with the
 * reason. Pure; the thresholds follow the cron interval `I` (`SYNC_CRON`):
 *
 * 1. `failing` when the stream's position lies in the future (a start date in the future was
 *    once configured): it would read nothing and look caught up forever;
 * 2. `failing` when the newest run of the main stream that did something (a `lease-held`
 *    run did nothing) ended in `error`;
 * 3. `failing` when no run has succeeded for more than 3·I (counting from the stream's
 *    creation when none ever has) — the cron is not running or every run fails;
 * 4. `lagging` when that newest run was stopped by the API's throttling (until when);
 * 5. `lagging` when the stream has never run (the first tick has not come yet);
 * 6. `lagging` while the first backfill is under way (with its share done);
 * 7. `lagging` when the lag (now − watermark) exceeds 2·I — normal lag stays below about I;
 * 8. `ok` otherwise.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * judge({ now, intervalMs: 3_600_000, state: null, runs: [] }).verdict; // "lagging"
 * ```
 * @module
 */
import type { RunDoc } from "../db/runs.ts";
import { futurePosition, type SyncStateDoc } from "../db/sync_state.ts";

/** The one-word verdict. */
export type Verdict = "ok" | "waiting" | "lagging" | "failing";

/** A verdict and why. */
export interface Judgement {
  readonly verdict: Verdict;
  readonly reason: string;
}

/** What {@linkcode judge} looks at. */
export interface JudgeInput {
  readonly now: number;
  /** Shortest gap between cron ticks, ms. */
  readonly intervalMs: number;
  /** The main stream's state, `null` when it never ran. */
  readonly state:
    | (
      & Pick<SyncStateDoc, "mode" | "watermark" | "lastSuccessAt" | "createdAt" | "lastError">
      & Partial<Pick<SyncStateDoc, "rangeFrom" | "window" | "throttledUntil">>
    )
    | null;
  /** The main stream's newest runs, newest first. */
  readonly runs: readonly (
    & Pick<RunDoc, "outcome" | "endedAt" | "error">
    & Partial<Pick<RunDoc, "throttledUntil">>
  )[];
  /** Share of the backfill range done, 0–1 (for the reason). */
  readonly progress?: number;
  /**
   * When the first run is due (epoch ms): a source that never ran is `waiting` until then
   * (plus one interval for the run itself), not lagging. Unknown: lagging at once.
   */
  readonly firstRunDueAt?: number;
}

/** Verdicts from best to worst. */
export const VERDICTS: readonly Verdict[] = ["ok", "waiting", "lagging", "failing"];

/**
 * The worst of several verdicts (`ok` for none).
 *
 * @example
 * ```ts
 * worst(["ok", "lagging"]); // "lagging"
 * ```
 */
export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>(
    (a, b) => VERDICTS.indexOf(b) > VERDICTS.indexOf(a) ? b : a,
    "ok",
  );
}

/**
 * A duration for people: `45s`, `12m`, `3h 5m`, `2d 4h`.
 *
 * @example
 * ```ts
 * humanDuration(3_900_000); // "1h 5m"
 * ```
 */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Judges one source by the rules in the module doc.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { recentRuns } from "../db/runs.ts";
 * import { loadState } from "../db/sync_state.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const now = Date.now(), intervalMs = 3_600_000;
 * const state = await loadState(db, "fts");
 * const runs = await recentRuns(db, "fts", 10);
 * const j = judge({ now, intervalMs, state, runs });
 * `${j.verdict}: ${j.reason}`;
 * ```
 */
export function judge(input: JudgeInput): Judgement {
  const { now, intervalMs, state, runs } = input;
  const every = humanDuration(intervalMs);
  const future = state && futurePosition(state, now);
  if (future) {
    return {
      verdict: "failing",
      reason: `the stream's position (${iso(future)}) is in the future, so it would read ` +
        "nothing: a start date in the future was configured; the next run starts it again " +
        "from the start date",
    };
  }
  const decisive = runs.find((r) => r.outcome !== "lease-held");
  if (decisive?.outcome === "error") {
    return {
      verdict: "failing",
      reason: `the last run failed ${humanDuration(now - decisive.endedAt.getTime())} ago: ${
        decisive.error ?? "no message"
      }`,
    };
  }
  const due = input.firstRunDueAt;
  if (state === null && runs.length === 0 && due !== undefined && now < due + intervalMs) {
    return {
      verdict: "waiting",
      reason: `no data yet — the first run is due at ${
        new Date(due).toISOString().slice(0, 16).replace("T", " ")
      }Z (cron every ${every})`,
    };
  }
  if (state === null) {
    return {
      verdict: "lagging",
      reason: `not synced yet: the first run starts at the next cron tick (every ${every})`,
    };
  }
  const since = (state.lastSuccessAt ?? state.createdAt).getTime();
  if (now - since > 3 * intervalMs) {
    return {
      verdict: "failing",
      reason: state.lastSuccessAt
        ? `no successful run for ${humanDuration(now - since)} (the cron runs every ${every})`
        : `no successful run since the stream began ${humanDuration(now - since)} ago`,
    };
  }
  const throttledUntil = decisive?.outcome === "throttled"
    ? decisive.throttledUntil ?? state.throttledUntil ?? null
    : null;
  if (decisive?.outcome === "throttled") {
    const until = throttledUntil
      ? throttledUntil.getTime() > now
        ? `until ${iso(throttledUntil)} (${humanDuration(throttledUntil.getTime() - now)} from now)`
        : `until ${iso(throttledUntil)}`
      : "for longer than the run had";
    return {
      verdict: "lagging",
      reason: `throttled by the API ${until}; the next run after that resumes from the cursor`,
    };
  }
  if (state.mode === "backfill") {
    const done = input.progress === undefined ? "" : `: ${(input.progress * 100).toFixed(1)}% done`;
    return { verdict: "lagging", reason: `backfilling from the start date${done}` };
  }
  const lag = state.watermark ? now - state.watermark.getTime() : Infinity;
  if (lag > 2 * intervalMs) {
    return {
      verdict: "lagging",
      reason: `${humanDuration(lag)} behind, more than twice the cron interval (${every})`,
    };
  }
  return { verdict: "ok", reason: `caught up: ${humanDuration(lag)} behind` };
}
