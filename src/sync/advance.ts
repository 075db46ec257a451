/**
 * Where a stream goes after a page: the next cursor in the window, the next window, or
 * "caught up". Pure, so every boundary case is tested without I/O.
 * @module
 */
import type { SyncMode, SyncStateDoc } from "../db/sync_state.ts";
import type { DateWindow, Position, Source } from "../sources/source.ts";
import { firstWindow, nextWindow } from "../sources/windows.ts";

/** A stream's position after a page. */
export interface Advanced {
  /** `null` once caught up. */
  readonly position: Position | null;
  readonly watermark: Date | null;
  readonly mode: SyncMode;
}

/**
 * The position after a page at `window` whose answer pointed to `next` (`null`: window done).
 * Completing a window raises the watermark to its end; the main stream turns incremental
 * once it reaches `upper` (the run's start, or a range's end).
 *
 * @example
 * ```ts
 * import type { SyncStateDoc } from "../db/sync_state.ts";
 * declare const state: SyncStateDoc; // as loadState read it
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * const source = { windowMs: 6 * 3_600_000, overlapMs: 1_800_000 };
 * advance(state, window, null, new Date(), source).position; // the next window, or null
 * ```
 */
export function advance(
  state: Pick<SyncStateDoc, "watermark" | "mode" | "kind">,
  window: DateWindow,
  next: Position | null,
  upper: Date,
  source: Pick<Source, "windowMs" | "overlapMs">,
): Advanced {
  if (next) return { position: next, watermark: state.watermark, mode: state.mode };
  const watermark = !state.watermark || window.to > state.watermark ? window.to : state.watermark;
  const after = nextWindow(window, upper, source.windowMs, source.overlapMs);
  if (after) return { position: { window: after, cursor: null }, watermark, mode: state.mode };
  return { position: null, watermark, mode: state.kind === "main" ? "incremental" : state.mode };
}

/**
 * Where a run starts when the stream has no window in progress. The main stream: its range
 * start the first time, else the watermark minus the lookback (late releases), never before
 * the range start. A range backfill: always its start — running a finished range again
 * re-reads all of it, which is what an operator asking for it again wants.
 */
export function startPosition(
  state: Pick<SyncStateDoc, "watermark" | "rangeFrom" | "kind">,
  upper: Date,
  lookbackMs: number,
  source: Pick<Source, "windowMs" | "overlapMs">,
): Position {
  const start = state.watermark && state.kind === "main"
    ? new Date(Math.max(state.rangeFrom.getTime(), state.watermark.getTime() - lookbackMs))
    : state.rangeFrom;
  return { window: firstWindow(start, upper, source.windowMs, source.overlapMs), cursor: null };
}

/** What {@linkcode shareDone} reads of a stream's state. */
export type ProgressState = Pick<
  SyncStateDoc,
  "kind" | "mode" | "rangeFrom" | "rangeTo" | "window" | "watermark"
>;

/**
 * Share of a stream's date range done, 0–1: the one formula behind the sync CLI's progress
 * line and the share `GET /status` and the dashboard show. It is (position − rangeFrom) /
 * (end − rangeFrom), where the position is the later of the current window's start and the
 * watermark, and the end is `rangeTo` or `now` (epoch ms). A main stream in incremental mode
 * is done, and so is a range read to its end.
 *
 * @example
 * ```ts
 * import { shareDone } from "./advance.ts";
 * const rangeFrom = new Date("2026-01-01T00:00:00Z");
 * const window = { from: new Date("2026-01-06T00:00:00Z"), to: new Date("2026-01-06T06:00:00Z") };
 * const state = { kind: "main", mode: "backfill", rangeFrom, rangeTo: null, window } as const;
 * shareDone({ ...state, watermark: null }, Date.parse("2026-01-11T00:00:00Z")); // 0.5
 * ```
 */
export function shareDone(state: ProgressState, now: number): number {
  if (state.kind === "main" && state.mode === "incremental") return 1;
  // a range read to its end (an open-ended one ends at its last run's now): done
  if (state.kind === "range" && state.window === null && state.watermark !== null) return 1;
  const from = state.rangeFrom.getTime();
  const end = state.rangeTo?.getTime() ?? now;
  if (end <= from) return 1;
  const position = Math.max(
    state.window?.from.getTime() ?? from,
    state.watermark?.getTime() ?? from,
  );
  return Math.min(1, Math.max(0, (position - from) / (end - from)));
}
