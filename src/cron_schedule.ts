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
  /** As JavaScript's `getUTCDay()` counts them: 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Whether day of month / day of week were `*` (cron ORs the two when both are restricted). */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

/** How the form is described in error messages. */
export const CRON_FORM =
  "a 5-field cron expression (UTC) such as 0 * * * * — minute (0-59) hour (0-23) " +
  "day-of-month (1-31) month (1-12) day-of-week (1-7, 1 = Sunday), each a number, *, a " +
  "range a-b, a list a,b or a step */n smaller than the field's count of values";

/**
 * The fields as Deno.cron reads them (checked against Deno 2.9's own parser, which panics or
 * throws on what it refuses): day of week is 1–7 with 1 = Sunday (0 is refused), and a step
 * must be smaller than the number of values of its field (`*\/60` minutes is refused).
 */
const FIELDS: readonly { name: string; min: number; max: number }[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12 },
  { name: "day of week", min: 1, max: 7 },
];

/** Longest day of each month (February 29: a leap year comes every four years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const PART = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,3}))?$/;

function parseField(
  text: string,
  field: typeof FIELDS[number],
): Set<number> | string {
  const { name, min, max } = field;
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = PART.exec(part);
    if (!m) return `the ${name} field "${part}" is not a number, *, a-b, a,b or */n`;
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to) {
      return `the ${name} field "${part}" is outside ${min}-${max}`;
    }
    if (step < 1 || step > max - min) {
      return `the ${name} field "${part}" has a step outside 1-${max - min}`;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** A schedule, or what is wrong with the expression (for a person). */
export type CronCheck =
  | { readonly ok: true; readonly schedule: CronSchedule }
  | { readonly ok: false; readonly problem: string };

/**
 * Parses and checks a 5-field cron expression: its fields (see {@linkcode CRON_FORM}) and
 * that it can fire at all (`0 0 31 2 *` never does, and makes Deno panic).
 *
 * @example
 * ```ts
 * checkCron("0 0 31 2 *"); // { ok: false, problem: "it never fires: …" }
 * ```
 */
export function checkCron(expression: string): CronCheck {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    return { ok: false, problem: `it has ${parts.length} fields, not 5` };
  }
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const set = parseField(parts[i], FIELDS[i]);
    if (typeof set === "string") return { ok: false, problem: set };
    sets.push(set);
  }
  const [minutes, hours, daysOfMonth, months, dow] = sets;
  const schedule: CronSchedule = {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: new Set([...dow].map((d) => d - 1)),
    anyDayOfMonth: parts[2] === "*",
    anyDayOfWeek: parts[4] === "*",
  };
  // A restricted day of week is ORed with the day of month, and every weekday comes in
  // every month; otherwise some allowed day must exist in some allowed month.
  const canFire = !schedule.anyDayOfWeek ||
    [...months].some((m) => [...daysOfMonth].some((d) => d <= MONTH_DAYS[m - 1]));
  if (!canFire) {
    return { ok: false, problem: "it never fires: no month in it has any of its days" };
  }
  return { ok: true, schedule };
}

/**
 * Parses a 5-field cron expression; `null` when it is not one or can never fire (see
 * {@linkcode checkCron} for why).
 *
 * @example
 * ```ts
 * parseCron("*\/15 * * * *")?.minutes.size; // 4
 * parseCron("every hour"); // null
 * ```
 */
export function parseCron(expression: string): CronSchedule | null {
  const check = checkCron(expression);
  return check.ok ? check.schedule : null;
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
