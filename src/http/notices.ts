/**
 * The dashboard's view of the notices themselves: how many were published per day over the
 * last days (by release date, UTC days) and the newest ones stored. Counting is one indexed
 * `countDocuments` per day and source — a handful of cheap queries that every MongoDB (and the
 * embedded test server) answers the same way.
 *
 * @example
 * ```ts
 * const days = await noticesPerDay(db, ["fts", "cf"], 30, Date.now());
 * days.at(-1); // { day: "2026-11-28", counts: { fts: 12, cf: 40 } }
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId } from "../config.ts";
import { contractsCollection } from "../db/contracts.ts";

/** One day of the chart. */
export interface DayCount {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  readonly counts: Readonly<Partial<Record<SourceId, number>>>;
}

const DAY = 86_400_000;

/**
 * Notices per UTC day by release date, for the `days` days up to and including today,
 * oldest first.
 *
 * @example
 * ```ts
 * (await noticesPerDay(db, ["fts"], 30, Date.now())).length; // 30
 * ```
 */
export async function noticesPerDay(
  db: Db,
  sources: readonly SourceId[],
  days: number,
  now: number,
): Promise<DayCount[]> {
  const today = Math.floor(now / DAY) * DAY;
  const starts = Array.from({ length: days }, (_, i) => today - (days - 1 - i) * DAY);
  return await Promise.all(starts.map(async (start) => {
    const entries = await Promise.all(sources.map(async (source) =>
      [
        source,
        await contractsCollection(db).countDocuments({
          releaseDate: { $gte: new Date(start), $lt: new Date(start + DAY) },
          source,
        }),
      ] as const
    ));
    return { day: new Date(start).toISOString().slice(0, 10), counts: Object.fromEntries(entries) };
  }));
}

/** A notice as the dashboard lists it. */
export interface NoticeLine {
  readonly source: SourceId;
  readonly noticeId: string;
  readonly title: string | null;
  readonly buyerName: string | null;
  readonly noticeType: string | null;
  readonly stage: string;
  readonly releaseDate: Date;
  readonly valueMax: number | null;
  readonly currency: string | null;
  readonly url: string | null;
}

/**
 * The newest notices by release date.
 *
 * @example
 * ```ts
 * (await latestNotices(db, 10))[0]?.title;
 * ```
 */
export async function latestNotices(db: Db, limit: number): Promise<NoticeLine[]> {
  const projection = {
    source: 1,
    noticeId: 1,
    title: 1,
    buyerName: 1,
    noticeType: 1,
    stage: 1,
    releaseDate: 1,
    valueMax: 1,
    currency: 1,
    url: 1,
  };
  const docs = await contractsCollection(db).find({}, { projection }).sort({ releaseDate: -1 })
    .limit(limit).toArray();
  return docs.map((d) => ({
    source: d.source,
    noticeId: d.noticeId,
    title: d.title,
    buyerName: d.buyerName,
    noticeType: d.noticeType,
    stage: d.stage,
    releaseDate: d.releaseDate,
    valueMax: d.valueMax,
    currency: d.currency,
    url: d.url,
  }));
}
