/**
 * Date windows: planning consecutive, overlapping windows between two instants, and writing
 * a window the way the APIs read it.
 *
 * Both APIs get Europe/London wall-clock times `YYYY-MM-DDTHH:MM:SS` (no zone):
 * - FTS reads `updatedFrom`/`updatedTo` as UK local time (GUIDE §2, one author's test).
 * - CF's `publishedFrom`/`publishedTo` are "ISO 8601"; the one real request we have sends
 *   this same zone-less form, and CF answers in UK local time (GUIDE §3). Whether CF reads a
 *   zone-less time as UTC or as UK local is unconfirmed: the two differ by at most one hour,
 *   which the CF overlap (default 1 h) covers between consecutive windows.
 *
 * Around a clock change (last Sunday of March and of October) a wall-clock time can be
 * missing (01:00–02:00 in March) or ambiguous (01:00–02:00 twice in October), and a server
 * reading it in the other offset would shift one edge by an hour. So a window whose span
 * (± 1 h) contains a change is sent widened by one hour at both ends: some releases come
 * twice, none is lost (the engine deduplicates by key).
 *
 * @example
 * ```ts
 * import { apiWindow, planWindows } from "./windows.ts";
 * const windows = planWindows(new Date("2026-03-28T00:00:00Z"), new Date("2026-03-30T00:00:00Z"),
 *   6 * 3_600_000, 1_800_000);
 * apiWindow(windows[0]); // { from: "2026-03-28T00:00:00", to: "2026-03-28T06:00:00", widened: false }
 * ```
 * @module
 */
import type { DateWindow } from "./source.ts";

const HOUR = 3_600_000;

function checkLengths(windowMs: number, overlapMs: number): void {
  if (!(windowMs > 0) || !(overlapMs >= 0) || overlapMs >= windowMs) {
    // with overlap >= window the next window would not move forward: planning would loop
    throw new RangeError(
      `Window ${windowMs} ms and overlap ${overlapMs} ms: need window > overlap >= 0.`,
    );
  }
}

/**
 * The first window of a backfill: `[start, min(start + windowMs, now))`. When `start` is not
 * before `now`, the window is empty (`from == to`) and {@linkcode nextWindow} answers `null`.
 *
 * @example
 * ```ts
 * firstWindow(new Date("2026-01-01T00:00:00Z"), new Date(), 6 * 3_600_000, 1_800_000);
 * // { from: 2026-01-01T00:00:00Z, to: 2026-01-01T06:00:00Z }
 * ```
 */
export function firstWindow(
  start: Date,
  now: Date,
  windowMs: number,
  overlapMs: number,
): DateWindow {
  checkLengths(windowMs, overlapMs);
  const from = start.getTime();
  const to = Math.max(from, Math.min(from + windowMs, now.getTime()));
  return { from: new Date(from), to: new Date(to) };
}

/**
 * The window after `prev`, or `null` when caught up (`prev.to >= now`). It starts `overlapMs`
 * before `prev.to`, so a release at the boundary is in both, and ends at
 * `min(from + windowMs, now)`.
 *
 * @example
 * ```ts
 * const w = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-01-01T06:00:00Z") };
 * nextWindow(w, new Date("2026-02-01T00:00:00Z"), 6 * 3_600_000, 1_800_000);
 * // { from: 2026-01-01T05:30:00Z, to: 2026-01-01T11:30:00Z }
 * ```
 */
export function nextWindow(
  prev: DateWindow,
  now: Date,
  windowMs: number,
  overlapMs: number,
): DateWindow | null {
  checkLengths(windowMs, overlapMs);
  if (prev.to.getTime() >= now.getTime()) return null;
  const from = prev.to.getTime() - overlapMs;
  const to = Math.min(from + windowMs, now.getTime());
  return { from: new Date(from), to: new Date(to) };
}

/**
 * Every window from `from` up to `to`, each overlapping the one before by `overlapMs`.
 *
 * @example
 * ```ts
 * planWindows(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T12:00:00Z"),
 *   6 * 3_600_000, 1_800_000).length; // 3: 00:00–06:00, 05:30–11:30, 11:00–12:00
 * ```
 */
export function planWindows(
  from: Date,
  to: Date,
  windowMs: number,
  overlapMs: number,
): DateWindow[] {
  const windows = [firstWindow(from, to, windowMs, overlapMs)];
  for (;;) {
    const next = nextWindow(windows[windows.length - 1], to, windowMs, overlapMs);
    if (next === null) return windows;
    windows.push(next);
  }
}

const londonFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function londonParts(epochMs: number): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of londonFormat.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return parts;
}

/**
 * Europe/London wall-clock time of an instant, as `YYYY-MM-DDTHH:MM:SS` (seconds truncated).
 *
 * @example
 * ```ts
 * londonWallClock(new Date("2026-07-01T12:00:00Z")); // "2026-07-01T13:00:00" (BST)
 * londonWallClock(new Date("2026-01-01T12:00:00Z")); // "2026-01-01T12:00:00" (GMT)
 * ```
 */
export function londonWallClock(instant: Date): string {
  const p = londonParts(instant.getTime());
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/**
 * Offset of Europe/London from UTC at an instant, in ms (0 in winter, 3 600 000 in summer).
 *
 * @example
 * ```ts
 * londonOffsetMs(new Date("2026-07-01T00:00:00Z")); // 3600000
 * ```
 */
export function londonOffsetMs(instant: Date): number {
  const t = Math.floor(instant.getTime() / 1000) * 1000;
  const p = londonParts(t);
  const wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wall - t;
}

/**
 * Reads a Europe/London wall-clock time (`YYYY-MM-DDTHH:MM:SS`, optional fraction) as an
 * instant; an explicit `Z` or `±HH:MM` suffix is honoured instead. An ambiguous time (the
 * repeated hour in October) reads as the earlier instant (BST) unless `ambiguous` is
 * `"later"`; a missing one (March) as GMT. Returns `null` when the text is not of that form.
 * Used by the replay server.
 *
 * @example
 * ```ts
 * parseLondonWallClock("2026-07-01T13:00:00")?.toISOString(); // "2026-07-01T12:00:00.000Z"
 * ```
 */
export function parseLondonWallClock(
  text: string,
  ambiguous: "earlier" | "later" = "earlier",
): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/
    .exec(text);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(wall)) return null;
  if (m[7] !== undefined) {
    if (m[7] === "Z") return new Date(wall);
    const sign = m[7][0] === "-" ? -1 : 1;
    return new Date(wall - sign * (+m[7].slice(1, 3) * HOUR + +m[7].slice(4, 6) * 60_000));
  }
  // try both offsets London can have; the first whose instant formats back to `wall` wins
  for (const offset of ambiguous === "earlier" ? [HOUR, 0] : [0, HOUR]) {
    const candidate = wall - offset;
    if (londonOffsetMs(new Date(candidate)) === offset) return new Date(candidate);
  }
  return new Date(wall); // inside the March gap: no such wall time, read it as GMT
}

/** A window as the API parameters carry it. */
export interface ApiWindow {
  /** Wall-clock `YYYY-MM-DDTHH:MM:SS`, Europe/London. */
  readonly from: string;
  readonly to: string;
  /** `true` when widened by an hour at both ends because of a nearby clock change. */
  readonly widened: boolean;
}

/**
 * Whether Europe/London changes its clock within `[from − 1 h, to + 1 h]`. Offsets are
 * compared at both ends only: that is exact for windows shorter than the ~5 months between
 * two changes.
 *
 * @example
 * ```ts
 * spansClockChange({ from: new Date("2026-03-29T00:00:00Z"), to: new Date("2026-03-29T06:00:00Z") });
 * // true: clocks go forward at 01:00 UTC on 29 March 2026
 * ```
 */
export function spansClockChange(window: DateWindow): boolean {
  return londonOffsetMs(new Date(window.from.getTime() - HOUR)) !==
    londonOffsetMs(new Date(window.to.getTime() + HOUR));
}

/**
 * A window as both APIs' date parameters: Europe/London wall clock, `from` rounded down and
 * `to` rounded up to the second, widened by an hour at both ends near a clock change.
 *
 * @example
 * ```ts
 * apiWindow({ from: new Date("2026-07-01T00:00:00Z"), to: new Date("2026-07-01T06:00:00Z") });
 * // { from: "2026-07-01T01:00:00", to: "2026-07-01T07:00:00", widened: false }
 * ```
 */
export function apiWindow(window: DateWindow): ApiWindow {
  const widened = spansClockChange(window);
  const pad = widened ? HOUR : 0;
  const from = Math.floor((window.from.getTime() - pad) / 1000) * 1000;
  const to = Math.ceil((window.to.getTime() + pad) / 1000) * 1000;
  return {
    from: londonWallClock(new Date(from)),
    to: londonWallClock(new Date(to)),
    widened,
  };
}

/**
 * A short readable label of a window for messages: `2026-03-29T00:00:00Z–2026-03-29T06:00:00Z`.
 *
 * @example
 * ```ts
 * windowLabel({ from: new Date(0), to: new Date(3_600_000) });
 * // "1970-01-01T00:00:00Z–1970-01-01T01:00:00Z"
 * ```
 */
export function windowLabel(window: DateWindow): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${iso(window.from)}–${iso(window.to)}`;
}
