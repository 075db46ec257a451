/**
 * UK civil time without a time-zone database: the UK keeps GMT in winter and BST (GMT+1)
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October
 * (the rule since 1996). Pure arithmetic, so the mapper stays fast and total.
 *
 * @example
 * ```ts
 * import { endOfUkDay } from "./uk_time.ts";
 * endOfUkDay("2026-06-19").toISOString(); // "2026-06-19T22:59:59.000Z" (BST)
 * endOfUkDay("2026-12-01").toISOString(); // "2026-12-01T23:59:59.000Z" (GMT)
 * ```
 * @module
 */

/** Day of the month of the last Sunday of `month` (0-based) in `year`. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * Whether UK clocks read BST at the end (23:59:59) of the calendar day `y-m-d` (month
 * 1-based). The last Sunday of March ends in BST; the last Sunday of October ends in GMT.
 *
 * @example
 * ```ts
 * import { bstAtEndOfDay } from "./uk_time.ts";
 * bstAtEndOfDay(2026, 3, 29); // true (the clocks went forward that morning)
 * ```
 */
export function bstAtEndOfDay(year: number, month: number, day: number): boolean {
  if (month < 3 || month > 10) return false;
  if (month > 3 && month < 10) return true;
  if (month === 3) return day >= lastSunday(year, 2);
  return day < lastSunday(year, 9);
}

/**
 * 23:59:59 UK time on the calendar day `YYYY-MM-DD` (an already validated date), as an
 * instant.
 *
 * @example
 * ```ts
 * import { endOfUkDay } from "./uk_time.ts";
 * endOfUkDay("2026-10-25").toISOString(); // "2026-10-25T23:59:59.000Z" (back to GMT)
 * ```
 */
export function endOfUkDay(day: string): Date {
  const y = Number(day.slice(0, 4)), m = Number(day.slice(5, 7)), d = Number(day.slice(8, 10));
  const offsetHours = bstAtEndOfDay(y, m, d) ? 1 : 0;
  return new Date(Date.UTC(y, m - 1, d, 23 - offsetHours, 59, 59));
}
