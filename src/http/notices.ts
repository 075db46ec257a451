/**
 * The dashboard's view of the notices themselves: the newest ones stored (one indexed query),
 * and the shape of a chart day (the counts come from the sync's own figures, see
 * `dashboard_data.ts`).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await latestNotices(db, 12))[0]?.title;
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
 * The newest notices by release date; `since` bounds the read to recent release dates (the
 * dashboard knows from its figures how far back `limit` notices reach, so the read stays small
 * whatever the collection's size, even on a server that sorts without the index).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await latestNotices(db, 10))[0]?.title;
 * ```
 */
export async function latestNotices(
  db: Db,
  limit: number,
  since: Date | null = null,
): Promise<NoticeLine[]> {
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
  const filter = since ? { releaseDate: { $gte: since } } : {};
  const docs = await contractsCollection(db).find(filter, { projection })
    .sort({ releaseDate: -1 }).limit(limit).toArray();
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
