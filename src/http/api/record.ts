/**
 * `GET /api/v1/procurements/{source}/{ocid}/record`: the OCDS record package of one
 * procurement — every stored raw release of its ocid (`releases`, kept when
 * `KEEP_RAW_RELEASES` is on) and the `compiledRelease` the OCDS merge rules make of them
 * (`src/ocds/record.ts`). One MongoDB command (index `releases.ocid_v1`), a second only to
 * tell "no such procurement" from "no raw releases kept" in the 404.
 *
 * @example
 * ```ts
 * import { readRecord } from "./record.ts";
 * import { getMongoClient } from "../../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const answer = await readRecord(db, "cf", "ocds-example-1", "https://x.org/api/v1/…/record");
 * if (answer.ok) answer.package.records[0].compiledRelease;
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId } from "../../config.ts";
import { procurementId, procurementsCollection } from "../../db/procurements.ts";
import { decodeRelease, releasesCollection } from "../../db/releases.ts";
import { compileRecord, type RecordPackage, recordPackage } from "../../ocds/record.ts";
import { SOURCE_CATALOG } from "../../sources/catalog.ts";

/** Most releases one record reads (a procurement's timeline keeps at most 500 notices). */
export const RECORD_RELEASES_MAX = 1000;

/** Who publishes the releases of each source. */
const PUBLISHERS = {
  fts: {
    name: "Find a Tender (Cabinet Office), copied by procurement-sync",
    uri: `${SOURCE_CATALOG.fts.origin}/`,
  },
  cf: {
    name: "Contracts Finder (Crown Commercial Service), copied by procurement-sync",
    uri: `${SOURCE_CATALOG.cf.origin}/`,
  },
} as const;

const OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/** The answer: a record package, or why there is none. */
export type RecordAnswer =
  | {
    readonly ok: true;
    readonly package: RecordPackage;
    /** Stored releases that could not be read back (corrupt), left out of the record. */
    readonly unreadable: readonly string[];
    /** Warnings of the merge (`compileRecord`), as `code: message`. */
    readonly warnings: readonly string[];
  }
  | { readonly ok: false; readonly message: string };

/**
 * The record package of `{source, ocid}` from the stored raw releases, or a message saying why
 * there is none (unknown procurement, or no raw release kept for it).
 *
 * @example
 * ```ts
 * import { readRecord } from "./record.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const path = "/api/v1/procurements/fts/ocds-example-04f1e0/record";
 * const answer = await readRecord(db, "fts", "ocds-example-04f1e0", path);
 * ```
 */
export async function readRecord(
  db: Db,
  source: SourceId,
  ocid: string,
  uri: string,
): Promise<RecordAnswer> {
  const stored = await releasesCollection(db).find({ ocid, source }, {
    batchSize: RECORD_RELEASES_MAX,
  }).sort({ date: 1, _id: 1 }).limit(RECORD_RELEASES_MAX).toArray();
  if (stored.length === 0) {
    const known = await procurementsCollection(db).countDocuments(
      { _id: procurementId(source, ocid) },
      { limit: 1 },
    );
    return {
      ok: false,
      message: known === 0
        ? `No procurement ${source}/${ocid} is stored, and no raw release of that ocid.`
        : `No raw release of procurement ${source}/${ocid} is stored: raw releases are kept ` +
          "only when KEEP_RAW_RELEASES is on, from the time it was turned on (and retention " +
          `may have removed old ones). The compiled procurement is at /api/v1/procurements/${source}/` +
          `${encodeURIComponent(ocid)}.`,
    };
  }
  const releases: unknown[] = [];
  const unreadable: string[] = [];
  for (const doc of stored) {
    const decoded = await decodeRelease(doc);
    if (decoded.ok) releases.push(decoded.release);
    else unreadable.push(doc.releaseId);
  }
  const record = compileRecord(ocid, releases);
  if (record.releases.length === 0) {
    return {
      ok: false,
      message: `The ${stored.length} stored raw release(s) of ${source}/${ocid} cannot be read ` +
        "back (corrupt, or carrying another ocid); fetch the notices again to replace them.",
    };
  }
  return {
    ok: true,
    package: recordPackage([record], { uri, publisher: PUBLISHERS[source], license: OGL }),
    unreadable,
    warnings: record.warnings.map((w) => `${w.code}: ${w.message}`),
  };
}
