/**
 * The `instances` collection: one small document per process started on Deno Deploy, naming
 * the Deno KV database it opened. MongoDB is shared by every instance, so two instances of one
 * deployment that name different KV databases prove that KV is not shared (Deploy's silent
 * per-instance fallback when no KV database is assigned). Documents expire after a day (TTL
 * index in `src/db/indexes.ts`).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kvId = "kv-1", deploymentId = "dep-1", timeline = null, seenAt = new Date();
 * const since = new Date(Date.now() - 3_600_000);
 * await recordInstance(db, { _id: crypto.randomUUID(), kvId, deploymentId, timeline, seenAt });
 * const peers = await instancesOf(db, deploymentId, since);
 * ```
 * @module
 */
import type { Collection, Db } from "mongodb";

/** One process as it recorded itself. */
export interface InstanceDoc {
  /** Random id of the process. */
  readonly _id: string;
  /** Identity of the Deno KV database the process opened (see `src/sync/kv_probe.ts`). */
  readonly kvId: string;
  /** `DENO_DEPLOYMENT_ID`: one configuration set (build, context, variables, database). */
  readonly deploymentId: string;
  /** `DENO_TIMELINE`, when Deploy sets it. */
  readonly timeline: string | null;
  readonly seenAt: Date;
}

/** Instances listed per check: enough to see a disagreement, bounded whatever the traffic. */
const LIMIT = 50;

/** The collection, typed. */
export function instancesCollection(db: Db): Collection<InstanceDoc> {
  return db.collection<InstanceDoc>("instances");
}

/** Records (or refreshes) a process; one write. */
export async function recordInstance(db: Db, doc: InstanceDoc): Promise<void> {
  const { _id, ...fields } = doc;
  await instancesCollection(db).updateOne({ _id }, { $set: fields }, { upsert: true });
}

/** Instances of one deployment seen since `since`, newest first (at most 50). */
export function instancesOf(db: Db, deploymentId: string, since: Date): Promise<InstanceDoc[]> {
  return instancesCollection(db).find({ deploymentId, seenAt: { $gte: since } })
    .sort({ seenAt: -1 }).limit(LIMIT).toArray();
}
