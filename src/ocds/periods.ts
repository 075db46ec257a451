/**
 * Contract periods: the earliest start and latest end of the most specific group of periods
 * that has any (signed contracts, then awards, then the tender, then its lots), the length in
 * days as published, and an end derived from start + length when none is published.
 *
 * @example
 * ```ts
 * import { spanOf } from "./periods.ts";
 * spanOf([{ startDate: new Date("2026-01-01T00:00:00Z"), durationInDays: 30 }]);
 * // { start: 2026-01-01, end: 2026-01-31, durationDays: 30 }
 * ```
 * @module
 */
import type { OcdsPeriod, OcdsRelease } from "./release.ts";

const DAY_MS = 86_400_000;

/** A contract's period as stored. */
export interface ContractSpan {
  readonly start: Date | null;
  readonly end: Date | null;
  readonly durationDays: number | null;
}

/**
 * The span of a group of periods: earliest start, latest end, longest published duration;
 * when no end is published but a start and a duration are, the end is start + duration.
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function spanOf(group: readonly (OcdsPeriod | undefined)[]): ContractSpan {
  let start: number | null = null, end: number | null = null, days: number | null = null;
  for (const p of group) {
    if (p === undefined) continue;
    const s = p.startDate?.getTime(), e = p.endDate?.getTime(), d = p.durationInDays;
    if (s !== undefined && (start === null || s < start)) start = s;
    if (e !== undefined && (end === null || e > end)) end = e;
    if (d !== undefined && (days === null || d > days)) days = d;
  }
  // durationInDays is capped at 100 years by the reader, so the sum stays a valid date.
  if (end === null && start !== null && days !== null) end = start + days * DAY_MS;
  return {
    start: start === null ? null : new Date(start),
    end: end === null ? null : new Date(end),
    durationDays: days,
  };
}

/**
 * The contract period of a release (see the module doc). The duration comes from the same
 * group when it has one, else from the first group that publishes one (the tender's, else the
 * lots' — the longest lot), so a tender's dates and a lot's duration are both kept.
 *
 * @example
 * ```ts
 * import { contractSpan } from "./periods.ts";
 * contractSpan({ awards: [], contracts: [], tender: undefined }); // { start: null, end: null, durationDays: null }
 * ```
 */
export function contractSpan(
  r: Pick<OcdsRelease, "tender" | "awards" | "contracts">,
): ContractSpan {
  // Most specific first: a signed contract, then what was awarded, then what was tendered.
  const groups: (OcdsPeriod | undefined)[][] = [
    r.contracts.map((c) => c.period),
    r.awards.map((a) => a.contractPeriod),
    [r.tender?.contractPeriod],
    (r.tender?.lots ?? []).map((l) => l.contractPeriod),
  ];
  const spans = groups.map(spanOf);
  const dated = spans.find((s) => s.start !== null || s.end !== null);
  const durationDays = dated?.durationDays ??
    spans.find((s) => s.durationDays !== null)?.durationDays ?? null;
  if (dated === undefined) {
    return { start: null, end: null, durationDays };
  }
  if (dated.end === null && dated.start !== null && durationDays !== null) {
    return { ...dated, end: new Date(dated.start.getTime() + durationDays * DAY_MS), durationDays };
  }
  return { ...dated, durationDays };
}
