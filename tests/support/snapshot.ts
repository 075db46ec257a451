/**
 * A canonical view of what the sync stored, to compare two databases: every contract, buyer,
 * procurement and sync state, sorted, without the fields that only record *when* something ran.
 *
 * @example
 * ```ts
 * assertEquals(await snapshot(dbA), await snapshot(dbB));
 * ```
 * @module
 */
import type { Db } from "mongodb";

/** Fields that hold run timestamps or run identities, ignored in comparisons. */
const RUN_FIELDS = new Set([
  "_id",
  "firstSeenAt",
  "updatedAt",
  "countedAt",
  "createdAt",
  "lastRunId",
  "lastSuccessAt",
  "fence",
  // which attempt of which page first stored a notice: a run identity (a remap stores none)
  "firstSeenPage",
]);

function strip(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !RUN_FIELDS.has(k)));
}

/** The collections a snapshot can hold. */
export type SnapshotPart = "contracts" | "buyers" | "procurements" | "sync_state";

/** What the sync stored, canonical. `parts` limits it (e.g. to data without sync state). */
export async function snapshot(
  db: Db,
  parts: readonly SnapshotPart[] = ["contracts", "buyers", "procurements", "sync_state"],
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const part of parts) {
    const docs = await db.collection(part).find({}).toArray();
    const key = (d: Record<string, unknown>) =>
      part === "contracts"
        ? `${d.source}|${d.noticeId}`
        : part === "buyers"
        ? String(d.orgId)
        : part === "procurements"
        ? `${d.source}|${d.ocid}`
        : String(d._id);
    docs.sort((a, b) => key(a).localeCompare(key(b)));
    out[part] = docs.map((d) => ({ key: key(d), ...strip(d) }));
  }
  return out;
}

/** A short SHA-256 of a snapshot, for logs and long comparisons. */
export async function snapshotHash(db: Db): Promise<string> {
  const text = JSON.stringify(await snapshot(db));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
