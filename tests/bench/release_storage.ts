/**
 * `deno task bench:storage [--fts-per-day 340] [--cf-per-day 300] [--days 90]` — what keeping
 * raw releases costs, measured on every real release in ../shared/data (read in place):
 * JSON text bytes, compressed bytes (the product's own `CompressionStream("deflate")`), the
 * BSON size of the stored `releases` document, and the BSON size of the contract the same
 * release maps to, per 1,000 releases; then what `--days` of both sources take at the given
 * daily volumes, against an Atlas free tier (512 MB).
 *
 * Daily volumes default to estimates: FTS from its notice numbering (notice 094477-2026 was
 * published on 6 October 2026, day 279: about 340 a day), CF from the release sequence numbers
 * in the samples (about 300 a day); pass your own.
 * @module
 */
import { Binary, BSON } from "mongodb";
import type { SourceId } from "../../src/config.ts";
import { compressText, releaseKey } from "../../src/db/releases.ts";
import { MAPPING_VERSION } from "../../src/ocds/documents.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";

function arg(name: string, def: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Number(Deno.args[i + 1]) : def;
}

const SHARED = new URL("../../../shared/data/", import.meta.url);
/** Approximate bytes per entry of the `_id` index (a short string key), per document. */
const ID_INDEX_BYTES = 50;
/** Approximate bytes per contract of its three indexes (notice key, buyer ids, date). */
const CONTRACT_INDEX_BYTES = 150;

const rows: { source: SourceId; raw: number; stored: number; doc: number; contract: number }[] = [];
for (const source of ["fts", "cf"] as const) {
  for (const entry of Deno.readDirSync(new URL(`${source}/`, SHARED))) {
    if (!entry.name.endsWith(".json")) continue;
    const pkg = JSON.parse(Deno.readTextFileSync(new URL(`${source}/${entry.name}`, SHARED)));
    for (const release of Array.isArray(pkg?.releases) ? pkg.releases : []) {
      const text = JSON.stringify(release);
      const body = await compressText(text);
      const mapped = mapRelease(source, release);
      const doc = {
        _id: releaseKey(source, String(release.id)),
        source,
        releaseId: String(release.id),
        noticeId: mapped.ok ? mapped.contract.noticeId : null,
        ocid: String(release.ocid),
        date: new Date(),
        body: new Binary(body),
        encoding: "deflate",
        rawBytes: new TextEncoder().encode(text).length,
        storedBytes: body.length,
        mappingVersion: MAPPING_VERSION,
        firstSeenAt: new Date(),
      };
      const contract = mapped.ok
        ? BSON.calculateObjectSize({
          ...mapped.contract,
          firstSeenAt: new Date(),
          updatedAt: new Date(),
          contentHash: "0".repeat(32),
        })
        : 0;
      rows.push({
        source,
        raw: doc.rawBytes,
        stored: body.length,
        doc: BSON.calculateObjectSize(doc),
        contract,
      });
    }
  }
}

const per1000 = (k: "raw" | "stored" | "doc" | "contract", source?: SourceId) => {
  const some = rows.filter((r) => source === undefined || r.source === source);
  return (some.reduce((n, r) => n + r[k], 0) / some.length) * 1000;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log(
  `${rows.length} real releases (${rows.filter((r) => r.source === "fts").length} FTS, ` +
    `${rows.filter((r) => r.source === "cf").length} CF) from ../shared/data\n`,
);
console.log("per 1,000 releases  JSON text   compressed  releases doc  contract doc");
for (const source of ["fts", "cf", undefined] as const) {
  console.log(
    `${(source ?? "both").padEnd(19)} ${kb(per1000("raw", source)).padStart(9)}  ` +
      `${kb(per1000("stored", source)).padStart(10)}  ${
        kb(per1000("doc", source)).padStart(12)
      }  ` +
      `${kb(per1000("contract", source)).padStart(12)}`,
  );
}
console.log(`compression: ${(per1000("raw") / per1000("stored")).toFixed(2)}× smaller\n`);

const days = arg("days", 90);
const perDay = { fts: arg("fts-per-day", 340), cf: arg("cf-per-day", 300) };
const releases = (perDay.fts + perDay.cf) * days;
const rawBytes = (perDay.fts * per1000("doc", "fts") + perDay.cf * per1000("doc", "cf")) / 1000 *
    days + releases * ID_INDEX_BYTES;
const contractBytes =
  (perDay.fts * per1000("contract", "fts") + perDay.cf * per1000("contract", "cf")) / 1000 *
    days + releases * CONTRACT_INDEX_BYTES;
console.log(
  `${days} days at ${perDay.fts} FTS + ${perDay.cf} CF releases a day = ${releases} releases:\n` +
    `  releases collection ${mb(rawBytes)} (BSON + _id index), contracts ${mb(contractBytes)} ` +
    `(BSON + indexes, at most one per release)\n` +
    `  together ${mb(rawBytes + contractBytes)} of an Atlas free tier's 512 MB ` +
    `(${(((rawBytes + contractBytes) / (512 * 1024 * 1024)) * 100).toFixed(0)} %)`,
);
