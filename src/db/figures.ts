/**
 * The dashboard's figures counted from what is stored, once: for a main stream whose state
 * predates the figures the sync keeps (`totals.notices`, `days`), so an upgraded deployment
 * starts from the notices it already holds. Afterwards the figures move with the cursor only.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const start = await countStoredFigures(db, "fts", Date.now());
 * start.notices; // notices of the source stored so far
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId } from "../config.ts";
import { contractsCollection } from "./contracts.ts";
import { DAYS_KEPT } from "./sync_state.ts";

const DAY = 86_400_000;

/**
 * Notices of `source` stored, and those of the last {@linkcode DAYS_KEPT} days by UTC day of
 * their release date. Two reads: a count, and the release dates of the recent days (indexed).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * await countStoredFigures(db, "cf", Date.now()); // { notices: 1200, days: { "2026-11-30": 41, … } }
 * ```
 */
export async function countStoredFigures(
  db: Db,
  source: SourceId,
  now: number,
): Promise<{ notices: number; days: Record<string, number> }> {
  const oldest = new Date(Math.floor(now / DAY) * DAY - (DAYS_KEPT - 1) * DAY);
  const days: Record<string, number> = {};
  const [notices] = await Promise.all([
    contractsCollection(db).countDocuments({ source }),
    (async () => {
      const recent = contractsCollection(db).find(
        { source, releaseDate: { $gte: oldest } },
        { projection: { _id: 0, releaseDate: 1 } },
      );
      for await (const { releaseDate } of recent) {
        const day = releaseDate.toISOString().slice(0, 10);
        days[day] = (days[day] ?? 0) + 1;
      }
    })(),
  ]);
  return { notices, days };
}
