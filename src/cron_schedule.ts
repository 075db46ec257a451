/**
 * Cron schedules as `Deno.cron` reads them: five fields (minute, hour, day of month, month,
 * day of week), UTC. Pure: parses and checks an expression and works out the shortest gap
 * between two ticks, so the configuration can refuse a run budget that does not fit the
 * interval. The cron *handler* is in `sync/cron_handler.ts`.
 *
 * @example
 * ```ts
 * import { cronIntervalMs, parseCron } from "./cron_schedule.ts";
 * const schedule = parseCron("0 * * * *");
 * if (schedule) cronIntervalMs(schedule); // 3600000
 * ```
 * @module
 */

/** A parsed schedule: the values each field allows. */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0–6, Sunday = 0 (7 is read as Sunday too). */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Whether day of month / day of week were `*` (cron ORs the two when both are restricted). */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

/** How the form is described in error messages. */
export const CRON_FORM =
  "a 5-field cron expression (UTC) such as 0 * * * * — minute hour day-of-month month " +
  "day-of-week, each a number, *, a range a-b, a list a,b or a step */n";

const FIELDS: readonly { min: number; max: number }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 7 },
];

function parseField(text: string, min: number, max: number): Set<number> | null {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/**
 * Parses a 5-field cron expression; `null` when it is not one (see {@linkcode CRON_FORM}).
 *
 * @example
 * ```ts
 * parseCron("*\/15 * * * *")?.minutes.size; // 4
 * parseCron("every hour"); // null
 * ```
 */
export function parseCron(expression: string): CronSchedule | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const sets = parts.map((p, i) => parseField(p, FIELDS[i].min, FIELDS[i].max));
  if (sets.some((s) => s === null)) return null;
  const [minutes, hours, daysOfMonth, months, dow] = sets as Set<number>[];
  const daysOfWeek = new Set([...dow].map((d) => d % 7));
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    anyDayOfMonth: parts[2] === "*",
    anyDayOfWeek: parts[4] === "*",
  };
}

function dayMatches(s: CronSchedule, day: Date): boolean {
  if (!s.months.has(day.getUTCMonth() + 1)) return false;
  const dom = s.daysOfMonth.has(day.getUTCDate());
  const dow = s.daysOfWeek.has(day.getUTCDay());
  if (s.anyDayOfMonth && s.anyDayOfWeek) return true;
  if (s.anyDayOfMonth) return dow;
  if (s.anyDayOfWeek) return dom;
  return dom || dow;
}

/**
 * The shortest gap between two consecutive ticks, in ms, over the ~2 years after `from`
 * (a schedule that ticks at most once in that span gets the span). A run must fit in it.
 *
 * @example
 * ```ts
 * cronIntervalMs(parseCron("0 *\/6 * * *")!); // 21600000
 * ```
 */
export function cronIntervalMs(schedule: CronSchedule, from = Date.UTC(2026, 0, 1)): number {
  const DAY = 86_400_000;
  const start = Math.floor(from / DAY) * DAY;
  const days = 2 * 366;
  const minutes = [...schedule.minutes].sort((a, b) => a - b);
  const hours = [...schedule.hours].sort((a, b) => a - b);
  let previous: number | null = null;
  let shortest = days * DAY;
  for (let d = 0; d < days; d++) {
    const day = start + d * DAY;
    if (!dayMatches(schedule, new Date(day))) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = day + h * 3_600_000 + m * 60_000;
        if (previous !== null) shortest = Math.min(shortest, t - previous);
        previous = t;
      }
    }
    if (shortest === 60_000) break; // cannot get shorter
  }
  return shortest;
}

/**
 * The first tick strictly after `from` (epoch ms), within about 2 years; `null` when none.
 *
 * @example
 * ```ts
 * nextCronTick(parseCron("0 * * * *")!, Date.UTC(2026, 0, 1, 10, 30)); // Date.UTC(2026, 0, 1, 11)
 * ```
 */
export function nextCronTick(schedule: CronSchedule, from: number): number | null {
  const DAY = 86_400_000;
  const start = Math.floor(from / DAY) * DAY;
  const minutes = [...schedule.minutes].sort((a, b) => a - b);
  const hours = [...schedule.hours].sort((a, b) => a - b);
  for (let d = 0; d < 2 * 366; d++) {
    const day = start + d * DAY;
    if (!dayMatches(schedule, new Date(day))) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = day + h * 3_600_000 + m * 60_000;
        if (t > from) return t;
      }
    }
  }
  return null;
}
