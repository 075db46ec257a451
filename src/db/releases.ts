/**
 * The `releases` collection: every release the sync reads, kept as it arrived, so a mapping
 * change can be applied to what is stored (`deno task remap`) instead of fetching again — at
 * FTS's 12 requests per 2 minutes, re-reading 90 days takes hours.
 *
 * One document per release, keyed by `{source, releaseId}` (as `_id` `"{source}:{releaseId}"`,
 * so the key needs no second index): the release's JSON text compressed with
 * `CompressionStream("deflate")` (zlib: its Adler-32 checksum catches a corrupted body) as BSON
 * binary, with the notice id, ocid, release date, both byte sizes and the mapping version that
 * last read it. The text is `JSON.stringify` of the parsed release: the sources parse a whole
 * page at once (and repair known invalid numbers), so no per-release original text exists
 * without a second pass over the page.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = JSON.parse(await Deno.readTextFile("fts_page.json"));
 * const releases: unknown[] = page.releases;
 * const written = await writeReleases(db, "fts", releases, new Date());
 * written.inserted; // releases stored for the first time
 * ```
 * @module
 */
import { Binary } from "mongodb";
import type { AnyBulkWriteOperation, Collection, Db, Filter } from "mongodb";
import type { SourceId } from "../config.ts";
import { MAPPING_VERSION } from "../ocds/documents.ts";
import { noticeIdOf } from "../ocds/notice.ts";
import { isRecord, MAX_ID, parseIsoDate } from "../ocds/read.ts";

/** A stored raw release. */
export interface ReleaseDoc {
  /** `{source}:{releaseId}`. */
  readonly _id: string;
  readonly source: SourceId;
  readonly releaseId: string;
  /** The notice the release belongs to (see `noticeIdOf`), `null` when unreadable. */
  readonly noticeId: string | null;
  readonly ocid: string | null;
  /** The release `date`, `null` when it is not an ISO 8601 date. */
  readonly date: Date | null;
  /** The JSON text, compressed (see `encoding`). */
  readonly body: Binary;
  readonly encoding: "deflate";
  /** UTF-8 bytes of the JSON text. */
  readonly rawBytes: number;
  /** Bytes of `body`. */
  readonly storedBytes: number;
  /** The `MAPPING_VERSION` that last mapped this release (the sync's or a remap's). */
  readonly mappingVersion: number;
  readonly firstSeenAt: Date;
}

/** What writing one page of releases did. */
export interface ReleaseWrite {
  /** Releases in the page's bulk write. */
  readonly written: number;
  /** Stored for the first time. */
  readonly inserted: number;
  /** Stored before with different content, replaced. */
  readonly changed: number;
  /** Not storable: no usable `id` (the mapper quarantines those with their text). */
  readonly skipped: number;
}

/** A compressed release above this size is not kept (a BSON document holds at most 16 MiB). */
export const MAX_STORED_BYTES = 8 * 1024 * 1024;

/** The collection, typed. */
export function releasesCollection(db: Db): Collection<ReleaseDoc> {
  return db.collection<ReleaseDoc>("releases");
}

/** A release's `_id`. */
export function releaseKey(source: SourceId, releaseId: string): string {
  return `${source}:${releaseId}`;
}

async function pipe(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Compresses a release's JSON text.
 *
 * @example
 * ```ts
 * const body = await compressText('{"id":"1"}');
 * ```
 */
export function compressText(text: string): Promise<Uint8Array> {
  return pipe(new TextEncoder().encode(text), new CompressionStream("deflate"));
}

/** The identifying fields of an untrusted release, read without mapping it. */
function identify(source: SourceId, raw: Record<string, unknown>) {
  // As the mapper reads ids: a string, or an integer (OCDS allows integer ids).
  const id = typeof raw.id === "string"
    ? raw.id.trim()
    : typeof raw.id === "number" && Number.isSafeInteger(raw.id)
    ? String(raw.id)
    : "";
  if (id === "" || id.length > MAX_ID || !id.isWellFormed()) return null;
  const ocid = typeof raw.ocid === "string" && raw.ocid.length <= MAX_ID && raw.ocid.isWellFormed()
    ? raw.ocid.trim()
    : null;
  const parsed = typeof raw.date === "string" ? parseIsoDate(raw.date) : null;
  return {
    releaseId: id,
    noticeId: noticeIdOf(source, id).noticeId,
    ocid,
    date: parsed !== null && "date" in parsed ? parsed.date : null,
  };
}

function safeStringify(raw: unknown): string | null {
  try {
    return JSON.stringify(raw) ?? null;
  } catch {
    return null; // cyclic or BigInt: cannot come from JSON.parse, so nothing to keep
  }
}

/**
 * Stores a page's releases in one bulk write (idempotent: an identical release is a no-op
 * update on MongoDB, which writes nothing when every `$set` value is unchanged). A release
 * without a usable `id` has no key and is skipped (the mapper sets it aside in `quarantine`
 * with its text); one whose compressed text exceeds {@linkcode MAX_STORED_BYTES} is skipped
 * too. Resolves with what was written.
 */
export async function writeReleases(
  db: Db,
  source: SourceId,
  releases: readonly unknown[],
  now: Date,
): Promise<ReleaseWrite> {
  const ops: AnyBulkWriteOperation<ReleaseDoc>[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  // One after another: CompressionStreams run in parallel were slower here, not faster.
  for (const raw of releases) {
    const key = isRecord(raw) ? identify(source, raw) : null;
    const text = key === null ? null : safeStringify(raw);
    if (key === null || text === null) {
      skipped++;
      continue;
    }
    const _id = releaseKey(source, key.releaseId);
    if (seen.has(_id)) continue; // the same release twice on one page
    seen.add(_id);
    const bytes = new TextEncoder().encode(text);
    const body = await pipe(bytes, new CompressionStream("deflate"));
    if (body.length > MAX_STORED_BYTES) {
      skipped++;
      continue;
    }
    ops.push({
      updateOne: {
        filter: { _id },
        update: {
          $set: {
            source,
            ...key,
            body: new Binary(body),
            encoding: "deflate",
            rawBytes: bytes.length,
            storedBytes: body.length,
            mappingVersion: MAPPING_VERSION,
          },
          $setOnInsert: { firstSeenAt: now },
        },
        upsert: true,
      },
    });
  }
  if (ops.length === 0) return { written: 0, inserted: 0, changed: 0, skipped };
  const result = await releasesCollection(db).bulkWrite(ops, { ordered: false });
  return {
    written: ops.length,
    inserted: result.upsertedCount,
    changed: result.modifiedCount,
    skipped,
  };
}

/** A stored release read back: its parsed JSON, or why it cannot be read. */
export type DecodedRelease =
  | { readonly ok: true; readonly release: unknown }
  | { readonly ok: false; readonly reason: "corrupt-release"; readonly error: string };

/**
 * Decompresses and parses a stored release. Never throws: a body that does not inflate (its
 * checksum fails), a text of the wrong length or text that is not JSON is `corrupt-release`.
 *
 * @example
 * ```ts
 * import { mapRelease } from "../ocds/map_release.ts";
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const doc = await releasesCollection(db).findOne({ _id: "fts:094477-2026" });
 * if (doc === null) throw new Error("release fts:094477-2026 is not stored");
 * const decoded = await decodeRelease(doc);
 * if (decoded.ok) mapRelease(doc.source, decoded.release);
 * ```
 */
export async function decodeRelease(
  doc: Pick<ReleaseDoc, "_id" | "body" | "encoding" | "rawBytes">,
): Promise<DecodedRelease> {
  const fail = (error: string): DecodedRelease => ({ ok: false, reason: "corrupt-release", error });
  if (doc.encoding !== "deflate") return fail(`unknown encoding ${JSON.stringify(doc.encoding)}`);
  if (!(doc.body instanceof Binary)) return fail("the body is not binary data");
  let bytes: Uint8Array;
  try {
    bytes = await pipe(doc.body.value(), new DecompressionStream("deflate"));
  } catch (e) {
    return fail(`the body does not decompress (${e instanceof Error ? e.message : String(e)})`);
  }
  if (bytes.length !== doc.rawBytes) {
    return fail(`the text has ${bytes.length} bytes where ${doc.rawBytes} were stored`);
  }
  try {
    return {
      ok: true,
      release: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)),
    };
  } catch (e) {
    return fail(`the text is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Which stored releases a remap reads. */
export interface ReleaseSelection {
  /**
   * Only this source's releases; absent: both sources'.
   *
   * @default {undefined}
   */
  readonly source?: SourceId;
  /** Only releases dated at or after this instant. */
  readonly since?: Date | null;
  /** Only releases last mapped by an older mapping version (the cron's background remap). */
  readonly belowVersion?: number;
}

/** The MongoDB filter of a selection, after `_id` `after` (exclusive). */
export function selectionFilter(
  selection: ReleaseSelection,
  after: string | null,
): Filter<ReleaseDoc> {
  const filter: Record<string, unknown> = {};
  if (selection.source !== undefined) {
    // Keys start with "{source}:", so one source is one range of the `_id` index (";" is
    // the character after ":").
    const first = `${selection.source}:`;
    filter._id = {
      $gt: after !== null && after > first ? after : first,
      $lt: `${selection.source};`,
    };
    filter.source = selection.source;
  } else if (after !== null) {
    filter._id = { $gt: after };
  }
  if (selection.since) filter.date = { $gte: selection.since };
  if (selection.belowVersion !== undefined) {
    filter.mappingVersion = { $lt: selection.belowVersion };
  }
  return filter as Filter<ReleaseDoc>;
}

/**
 * The next `limit` stored releases of a selection in `_id` order, after `_id` `after`.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const batch = await nextReleases(db, { source: "fts" }, null, 500);
 * ```
 */
export function nextReleases(
  db: Db,
  selection: ReleaseSelection,
  after: string | null,
  limit: number,
): Promise<ReleaseDoc[]> {
  return releasesCollection(db).find(selectionFilter(selection, after)).sort({ _id: 1 })
    .limit(limit).toArray();
}

/**
 * Records that `ids` were mapped by mapping `version` (one update).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import { MAPPING_VERSION } from "../ocds/documents.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * await markMapped(db, ["fts:094477-2026"], MAPPING_VERSION);
 * ```
 */
export async function markMapped(db: Db, ids: readonly string[], version: number): Promise<void> {
  if (ids.length === 0) return;
  await releasesCollection(db).updateMany(
    { _id: { $in: [...ids] } },
    { $set: { mappingVersion: version } },
  );
}
