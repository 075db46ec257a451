/**
 * The `releases` collection: every release kept compressed, read back byte for byte, written
 * once per page and idempotently, corrupted bodies reported rather than thrown.
 */
import { assert, assertEquals } from "@std/assert";
import { Binary } from "mongodb";
import {
  decodeRelease,
  markMapped,
  nextReleases,
  releaseKey,
  releasesCollection,
  writeReleases,
} from "../../src/db/releases.ts";
import { MAPPING_VERSION } from "../../src/ocds/documents.ts";
import { mongoTest } from "../support/mongo.ts";
import { fixture } from "../ocds/support.ts";

const T0 = new Date("2026-11-01T00:00:00Z");
const T1 = new Date("2026-11-02T00:00:00Z");

mongoTest("a page of releases is kept compressed and reads back equal", async (db) => {
  const releases = fixture("fts_tender_lots.json").concat(fixture("fts_cancellation.json"));
  const written = await writeReleases(db, "fts", releases, T0);
  assertEquals(written, { written: 4, inserted: 4, changed: 0, skipped: 0 });
  const doc = await releasesCollection(db).findOne({ _id: releaseKey("fts", "100001-2026") });
  if (doc === null) throw new Error("release 100001-2026 was not stored");
  assertEquals([doc.source, doc.releaseId, doc.noticeId, doc.ocid], [
    "fts",
    "100001-2026",
    "100001-2026",
    "ocds-h6vhtk-0a0001",
  ]);
  assertEquals(doc.date?.toISOString(), "2026-06-01T08:00:00.000Z");
  assertEquals([doc.encoding, doc.mappingVersion], ["deflate", MAPPING_VERSION]);
  assert(doc.body instanceof Binary);
  const text = JSON.stringify(releases[0]);
  assertEquals(doc.rawBytes, new TextEncoder().encode(text).length);
  assertEquals(doc.storedBytes, doc.body.value().length);
  assert(doc.storedBytes < doc.rawBytes, `${doc.storedBytes} ≥ ${doc.rawBytes}: not compressed`);
  assertEquals(await decodeRelease(doc), { ok: true, release: releases[0] });
});

mongoTest("a replayed page changes nothing; a changed release is replaced", async (db) => {
  const releases = fixture("fts_cancellation.json");
  await writeReleases(db, "fts", releases, T0);
  const before = await releasesCollection(db).find().sort({ _id: 1 }).toArray();
  const again = await writeReleases(db, "fts", releases, T1);
  assertEquals(again.inserted, 0);
  assertEquals(await releasesCollection(db).find().sort({ _id: 1 }).toArray(), before);

  const edited = structuredClone(releases[0]) as Record<string, unknown>;
  edited.title = "Corrected title";
  const changed = await writeReleases(db, "fts", [edited], T1);
  assertEquals([changed.inserted, changed.written], [0, 1]);
  const doc = await releasesCollection(db).findOne({ _id: releaseKey("fts", "100012-2026") });
  assertEquals(doc?.firstSeenAt, T0); // first seen stays; the body is the new one
  assertEquals(doc && await decodeRelease(doc), { ok: true, release: edited });
});

mongoTest("releases without an id are skipped; one listed twice is written once", async (db) => {
  const [one] = fixture("fts_cancellation.json");
  const written = await writeReleases(db, "cf", [one, one, { ocid: "x" }, 42, null], T0);
  assertEquals([written.written, written.skipped], [1, 3]);
  assertEquals(await releasesCollection(db).countDocuments(), 1);
  // An integer id (OCDS allows them, and the mapper reads them) is a key too.
  const numbered = await writeReleases(db, "fts", [{ id: 7, ocid: "ocds-h6vhtk-7" }], T0);
  assertEquals(numbered.written, 1);
  assertEquals((await releasesCollection(db).findOne({ _id: "fts:7" }))?.releaseId, "7");
  // A CF release id names its notice without the trailing sequence number.
  const [cf] = fixture("cf_tender_and_amendment.json");
  await writeReleases(db, "cf", [cf], T0);
  const doc = await releasesCollection(db).findOne({
    source: "cf",
    ocid: (cf as { ocid: string }).ocid,
  });
  assertEquals(doc?.noticeId, "00000000-0000-4000-8000-0000000000aa");
});

mongoTest("a corrupted body, a wrong length or non-JSON text is corrupt-release", async (db) => {
  const [release] = fixture("fts_cancellation.json");
  await writeReleases(db, "fts", [release], T0);
  const doc = await releasesCollection(db).findOne({});
  if (doc === null) throw new Error("not stored");
  const flipped = doc.body.value().slice();
  flipped[Math.floor(flipped.length / 2)] ^= 0xff;
  const cases = [
    { ...doc, body: new Binary(flipped) },
    { ...doc, rawBytes: doc.rawBytes + 1 },
    { ...doc, body: new Binary(new Uint8Array([1, 2, 3])) },
    { ...doc, encoding: "gzip" as "deflate" },
  ];
  for (const bad of cases) {
    const decoded = await decodeRelease(bad);
    assertEquals(decoded.ok ? "ok" : decoded.reason, "corrupt-release");
  }
  const notJson = await writeReleases(db, "fts", [{ id: "x-1", date: "nope" }], T0);
  assertEquals(notJson.written, 1);
});

mongoTest(
  "selections: by source, by date, by mapping version, in key order after a cursor",
  async (db) => {
    await writeReleases(db, "fts", fixture("fts_cancellation.json"), T0);
    await writeReleases(db, "cf", fixture("cf_tender_and_amendment.json"), T0);
    const ids = async (sel: Parameters<typeof nextReleases>[1], after: string | null = null) =>
      (await nextReleases(db, sel, after, 100)).map((d) => d._id);
    const fts = await ids({ source: "fts" });
    assertEquals(fts, ["fts:100012-2026", "fts:100013-2026", "fts:100014-2026"]);
    assertEquals(await ids({ source: "fts" }, "fts:100012-2026"), fts.slice(1));
    assertEquals((await ids({})).length, 3 + fixture("cf_tender_and_amendment.json").length);
    assertEquals(
      await ids({ source: "fts", since: new Date("2026-06-13T00:00:00Z") }),
      fts.slice(1),
    );
    assertEquals(await ids({ belowVersion: MAPPING_VERSION }), []);
    await markMapped(db, ["fts:100013-2026"], MAPPING_VERSION - 1);
    assertEquals(await ids({ belowVersion: MAPPING_VERSION }), ["fts:100013-2026"]);
    assertEquals((await nextReleases(db, {}, null, 2)).length, 2);
  },
);
