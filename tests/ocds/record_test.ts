/**
 * The OCDS record compiler: the merge rules against the schema files, the published merge test
 * cases (ocds-merge's and the standard's worked examples), real Contracts Finder releases of one
 * ocid, the record package against its schema, and hostile input.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  type CompiledRecord,
  compileRecord,
  MAX_RELEASE_DEPTH,
  OCDS_MERGE_RULES,
  recordPackage,
} from "../../src/ocds/record.ts";
import { mergePatch, mergeRulesFromSchema } from "./merge_rules.ts";
import { FIXTURES, HAS_SHARED, readJson, releasesOf, SHARED_DATA } from "./support.ts";
import { prng } from "../support/random.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Release = { [key: string]: Json };

const MERGE = new URL("merge/", FIXTURES);
const ignore = !HAS_SHARED;

const sorted = (xs: readonly string[]) => [...xs].sort();
const codes = (r: CompiledRecord) => r.warnings.map((w) => w.code);
const stable = (v: unknown) => JSON.stringify(v);

/** The names of the cases of a fixture folder: `NAME.json` beside `NAME-compiled.json`. */
function cases(folder: string): string[] {
  return [...Deno.readDirSync(new URL(`${folder}/`, MERGE))]
    .map((e) => e.name)
    .filter((n) => n.endsWith("-compiled.json"))
    .map((n) => n.slice(0, -"-compiled.json".length))
    .sort();
}

function loadCase(folder: string, name: string): { releases: Release[]; expected: unknown } {
  return {
    releases: readJson(new URL(`${folder}/${name}.json`, MERGE)) as Release[],
    expected: readJson(new URL(`${folder}/${name}-compiled.json`, MERGE)),
  };
}

// ---------------------------------------------------------------------------------------------
// Merge rules: the list in the code is the list in the schema files.

Deno.test({
  name: "OCDS_MERGE_RULES are the rules of the OCDS 1.1.5 release schema with the UK extension",
  ignore,
  fn() {
    const core = readJson(new URL("ocds-1.1.5/release-schema.json", SHARED_DATA)) as Release;
    const uk = readJson(new URL("ocds_uk_extension/release-schema.json", SHARED_DATA));
    const derived = mergeRulesFromSchema(mergePatch(core, uk) as Release);
    assertEquals(sorted(OCDS_MERGE_RULES.wholeListMerge), sorted(derived.wholeListMerge));
    assertEquals(sorted(OCDS_MERGE_RULES.omitWhenMerged), sorted(derived.omitWhenMerged));
    assertEquals(
      new Set(OCDS_MERGE_RULES.wholeListMerge).size,
      OCDS_MERGE_RULES.wholeListMerge.length,
      "a path is listed twice",
    );
    // The core schema alone: every one of its rules is in the list, and it has the ones the
    // specification names (id, date, tag omitted; additionalIdentifiers/Classifications whole).
    const coreRules = mergeRulesFromSchema(core);
    assertEquals(sorted(coreRules.omitWhenMerged), ["date", "id", "tag"]);
    for (const p of coreRules.wholeListMerge) {
      assert(OCDS_MERGE_RULES.wholeListMerge.includes(p), `${p} missing`);
    }
    assert(coreRules.wholeListMerge.includes("tender.items.additionalClassifications"));
    assert(coreRules.wholeListMerge.includes("parties.additionalIdentifiers"));
    assert(coreRules.wholeListMerge.includes("tender.amendments.changes")); // items without id
    assert(coreRules.wholeListMerge.includes("parties.roles")); // array of strings
  },
});

Deno.test("mergeRulesFromSchema reads each annotation of ocds-merge's test schema as documented", () => {
  const rules = mergeRulesFromSchema(readJson(new URL("schema/schema.json", MERGE)) as Release);
  assertEquals(sorted(rules.omitWhenMerged), [
    "date",
    "id",
    "identifierMerge.omitWhenMerged", // nested omitWhenMerged
    "omitWhenMerged",
    "wholeListMergeObject.c", // wholeListMerge on an object is ignored, its fields are not
  ]);
  assertEquals(sorted(rules.wholeListMerge), [
    "arrayWithoutObjectId", // items without `id`
    "identifierMerge.subarray.subsubarray", // nested wholeListMerge
    "mixedArray", // items may be strings
    "wholeListMergeOmitWhenMerged", // wholeListMerge wins over a nested omitWhenMerged
    "wholeListMergeVersionId",
  ]);
});

// ---------------------------------------------------------------------------------------------
// The published test cases.

Deno.test("ocds-merge test cases, OCDS 1.1: the compiled release ocdsmerge gives", async (t) => {
  const names = cases("1.1");
  assertEquals(names.length, 17);
  for (const name of names) {
    await t.step(name, () => {
      const { releases, expected } = loadCase("1.1", name);
      const before = structuredClone(releases);
      const record = compileRecord(releases[0].ocid as string, releases);
      assertEquals(record.compiledRelease, expected);
      assertEquals(record.warnings, []);
      assertEquals(releases, before, "the input releases were changed");
    });
  }
});

Deno.test("ocds-merge test cases, test schema: the compiled release ocdsmerge gives", async (t) => {
  const rules = mergeRulesFromSchema(readJson(new URL("schema/schema.json", MERGE)) as Release);
  const names = cases("schema");
  assertEquals(names.length, 13);
  for (const name of names) {
    await t.step(name, () => {
      const { releases, expected } = loadCase("schema", name);
      const record = compileRecord(releases[0].ocid as string, releases, { rules });
      assertEquals(record.compiledRelease, expected);
      if (name === "identifier-merge-duplicate-id") {
        // ocdsmerge warns (DuplicateIdValueWarning) for the same two arrays.
        assertEquals(record.warnings.map((w) => [w.code, w.path, w.releaseId]), [
          ["duplicate-id", "nested[0].identifierMerge[1]", "1"],
          ["duplicate-id", "nested[0].array[1]", "1"],
        ]);
      } else {
        assertEquals(record.warnings, []);
      }
    });
  }
});

Deno.test("the standard's worked examples of deletions: field, object, array entry", async (t) => {
  for (
    const [first, second, name] of [
      ["field_tender", "field_tenderUpdate", "field_record"],
      ["object_tender", "object_tenderAmendment", "object_record"],
      ["array_award", "array_awardAmendment", "array_record"],
    ]
  ) {
    await t.step(name, () => {
      const read = (n: string) => readJson(new URL(`standard/${n}.json`, MERGE));
      const expected = (read(name) as { records: { ocid: string; compiledRelease: unknown }[] })
        .records[0];
      const releases = [...releasesOf(read(second)), ...releasesOf(read(first))]; // newest first
      const record = compileRecord(expected.ocid, releases);
      assertEquals(record.compiledRelease, expected.compiledRelease);
      assertEquals(record.warnings, []);
      assertEquals(record.releases, [...releases].reverse(), "releases are not oldest first");
    });
  }
});

// Cases of ocds-merge's tests/test_merge.py, restated as data.

Deno.test("identifier merge: ids of different JSON types are different ids", () => {
  for (
    const [first, second, expected] of [
      [1, 1, [{ id: 1, x: "first", y: "second" }]],
      ["1", "1", [{ id: "1", x: "first", y: "second" }]],
      [1, "1", [{ id: 1, x: "first" }, { id: "1", y: "second" }]],
    ] as const
  ) {
    const record = compileRecord("o", [
      { ocid: "o", date: "2000-01-01T00:00:00Z", array: [{ id: first, x: "first" }] },
      { ocid: "o", date: "2000-01-02T00:00:00Z", array: [{ id: second, y: "second" }] },
    ]);
    assertEquals(record.compiledRelease?.array, expected);
    assertEquals(record.warnings, []);
  }
});

Deno.test("an array mixing objects and other values is replaced whole, whichever part is left", () => {
  const data: Release[] = [
    { ocid: "A", id: "1", date: "2000-01-01T00:00:00Z", mixedArray: [{ id: 1 }, "foo"] },
    { ocid: "A", id: "2", date: "2000-01-02T00:00:00Z", mixedArray: [{ id: 2 }, "bar"] },
  ];
  assertEquals(compileRecord("A", data).compiledRelease, {
    tag: ["compiled"],
    id: "A-2000-01-02T00:00:00Z",
    date: "2000-01-02T00:00:00Z",
    ocid: "A",
    mixedArray: [{ id: 2 }, "bar"],
  });
  // ocdsmerge gets (1, 1) right only with a schema that declares mixedArray; no schema needed here.
  for (const i of [0, 1]) {
    for (const j of [0, 1]) {
      const input = structuredClone(data);
      (input[i].mixedArray as Json[]).splice(j, 1);
      const expected = i === 1 ? [[{ id: 2 }, "bar"][1 - j]] : [{ id: 2 }, "bar"];
      assertEquals(compileRecord("A", input).compiledRelease?.mixedArray, expected, `${i},${j}`);
    }
  }
});

Deno.test("a field that changes type: the newer value wins, with a warning (ocdsmerge raises)", () => {
  for (
    const [older, newer] of [
      [1, { object: 1 }],
      [[1], { object: 1 }],
      [[{ object: 1 }], { object: 1 }],
      [{ object: 1 }, [{ object: 1 }]],
      [{ object: 1 }, "text"],
      [[{ id: "a" }], 5],
    ] as const
  ) {
    const record = compileRecord("o", [
      { ocid: "o", id: "2", date: "2000-01-02T00:00:00Z", integer: newer as Json },
      { ocid: "o", id: "1", date: "2000-01-01T00:00:00Z", integer: older as Json },
    ]);
    assertEquals(record.compiledRelease?.integer, newer, JSON.stringify(older));
    assertEquals(codes(record), ["inconsistent-type"]);
    assertEquals([record.warnings[0].path, record.warnings[0].releaseId], ["integer", "2"]);
  }
});

Deno.test("releases without a usable date, or that are not objects: no throw, warnings", () => {
  // ocdsmerge raises MissingDateKeyError, NullDateValueError, NonStringDateValueError and
  // NonObjectReleaseError for these.
  const dated = { ocid: "o", id: "d", date: "2010-01-01T00:00:00Z", title: "dated" };
  for (
    const [bad, code] of [
      [{ ocid: "o", title: "undated" }, "missing-date"],
      [{ ocid: "o", date: null, title: "undated" }, "missing-date"],
      [{ ocid: "o", date: {}, title: "undated" }, "missing-date"],
      [{ ocid: "o", date: "soon", title: "undated" }, "invalid-date"],
      [{ ocid: "o", date: "2010-02-31T00:00:00Z", title: "undated" }, "invalid-date"],
    ] as const
  ) {
    for (const releases of [[dated, bad], [bad, dated]]) {
      const record = compileRecord("o", releases);
      // An undated release merges first, so it never overrides a dated one.
      assertEquals(record.compiledRelease?.title, "dated");
      assertEquals(record.compiledRelease?.date, "2010-01-01T00:00:00Z");
      assertEquals(record.releases, [bad, dated]);
      assertEquals(codes(record), [code]);
    }
  }
  for (const bad of ["{}", [], 1, true, null]) {
    const record = compileRecord("o", [dated, bad]);
    assertEquals(record.releases, [dated]);
    assertEquals(codes(record), ["not-an-object"]);
  }
  // Only undated releases: no date, and the id is the ocid.
  const alone = compileRecord("o", [{ ocid: "o", title: "x" }]);
  assertEquals(alone.compiledRelease, { tag: ["compiled"], id: "o", ocid: "o", title: "x" });
});

// ---------------------------------------------------------------------------------------------
// Real Contracts Finder releases of one ocid, read in place.

const CF = "cf/cf_releases_same_ocid_";

function realRecord(file: string): { record: CompiledRecord; input: Release[] } {
  const input = releasesOf(readJson(new URL(`${CF}${file}.json`, SHARED_DATA))) as Release[];
  const record = compileRecord(input[0].ocid as string, input);
  // Whatever the order they arrive in, the same record.
  assertEquals(stable(compileRecord(record.ocid, [...input].reverse())), stable(record));
  assertEquals(record.warnings, []);
  assertEquals(record.releases.length, input.length);
  return { record, input };
}

Deno.test({
  name: "real CF: a tender and its amendment compile to the amended tender",
  ignore,
  fn() {
    const { record } = realRecord("tender_and_tenderAmendment");
    const c = record.compiledRelease!;
    const ids = record.releases.map((r) => r.id);
    assertEquals(ids, [
      "8f124d5d-fa11-457c-a0ed-431674a867c1-819842",
      "8f124d5d-fa11-457c-a0ed-431674a867c1-819916",
    ]);
    assertEquals(c.id, "ocds-b5fd17-4c20859e-a305-4461-84c9-31ee8b43f2d0-2025-01-23T16:36:49Z");
    assertEquals(c.date, "2025-01-23T16:36:49Z");
    assertEquals(c.tag, ["compiled"]);
    const tender = c.tender as Release;
    assert(String(tender.title).includes("December 2025"), String(tender.title));
    const docs = tender.documents as Release[];
    assertEquals(docs.length, 5);
    assertEquals(docs[0].dateModified, "2025-01-23T16:36:49Z"); // only the amendment has it
  },
});

Deno.test({
  name: "real CF: an award and its update keep one award, with the update's changes",
  ignore,
  fn() {
    const { record } = realRecord("award_and_awardUpdate");
    const c = record.compiledRelease!;
    const awards = c.awards as Release[];
    assertEquals(awards.length, 1);
    assertEquals(awards[0].id, "ocds-b5fd17-56c3a2a3-e39f-494a-9c11-2eb477826ef3-1");
    assertEquals((awards[0].documents as Release[])[0].dateModified, "2025-01-23T16:17:21Z");
    assertEquals((c.tender as Release).title, "ROSA devices for Telecoms Security Act");
    assertEquals((c.parties as Release[]).map((p) => p.id), ["GB-GOR-OT385", "GB-CFS-295556"]);
  },
});

Deno.test({
  name: "real CF: a tender notice and an award notice of one ocid merge into one process",
  ignore,
  fn() {
    const { record, input } = realRecord("different_notice_guids");
    const c = record.compiledRelease!;
    const tender = c.tender as Release;
    assertEquals(tender.status, "complete"); // from the award notice
    assertEquals(tender.procurementMethod, "selective"); // only the tender notice has it
    assertEquals(tender.procurementMethodDetails, "Other - "); // the newer value
    // Only the tender notice has tender documents; the award notice's silence keeps them.
    assertEquals(tender.documents, (input[1].tender as Release).documents);
    assertEquals((tender.documents as Release[])[0].documentType, "tenderNotice");
    const parties = c.parties as Release[];
    assertEquals(parties.map((p) => p.id), ["GB-CFS-95246", "GB-CFS-38529"]);
    assertEquals(parties[1].roles, ["supplier"]);
    const award = (c.awards as Release[])[0];
    assertEquals((award.suppliers as Release[])[0].name, "OpenView Security Solutions Limited");
    assertEquals((award.value as Release).amount, 75000);
    // Every top-level field of the compiled release is a field of the release schema.
    const schema = readJson(new URL("ocds-1.1.5/release-schema.json", SHARED_DATA)) as {
      properties: Release;
    };
    for (const key of Object.keys(c)) assert(Object.hasOwn(schema.properties, key), key);
  },
});

Deno.test({
  name: "real FTS page: releases of other ocids are left out, with a warning each",
  ignore,
  fn() {
    const page = releasesOf(
      readJson(
        new URL("fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json", SHARED_DATA),
      ),
    ) as Release[];
    const record = compileRecord("ocds-h6vhtk-078219", page);
    assertEquals(record.releases.map((r) => r.id), ["094476-2026"]);
    assertEquals(codes(record), ["ocid-mismatch", "ocid-mismatch", "ocid-mismatch"]);
    assertEquals(record.compiledRelease?.date, "2026-10-06T17:59:32+01:00");
    assertEquals(record.compiledRelease?.awards, page[1].awards); // one release: itself
  },
});

// ---------------------------------------------------------------------------------------------
// The record package.

Deno.test({
  name: "recordPackage: the fields the record package schema requires, releases oldest first",
  ignore,
  fn() {
    const schema = readJson(new URL("ocds-1.1.5/record-package-schema.json", SHARED_DATA)) as {
      required: string[];
      properties: { version: { pattern: string } };
      definitions: {
        record: {
          required: string[];
          properties: {
            releases: {
              oneOf: { items: { properties: { tag: { items: { enum: string[] } } } } }[];
            };
          };
        };
      };
    };
    const records = ["tender_and_tenderAmendment", "different_notice_guids"].map((f) =>
      realRecord(f).record
    );
    const pkg = recordPackage(records, {
      uri: "https://example.org/api/v1/procurements/cf/record",
      publisher: { name: "Contracts Finder" },
      license: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    });
    const json = JSON.parse(JSON.stringify(pkg));
    for (const key of schema.required) assert(Object.hasOwn(json, key), `package lacks ${key}`);
    assert(new RegExp(schema.properties.version.pattern).test(json.version));
    assertEquals(json.version, "1.1");
    assertEquals(json.publishedDate, "2025-01-23T16:36:49Z"); // the newest release of the two
    assertEquals(json.license.startsWith("https://www.nationalarchives"), true);
    assert(!("extensions" in json) && !("publicationPolicy" in json));
    const tags = schema.definitions.record.properties.releases.oneOf[0].items.properties.tag.items
      .enum;
    assertEquals(json.records.length, 2);
    for (const r of json.records) {
      for (const key of schema.definitions.record.required) assert(key in r, `record lacks ${key}`);
      const dates = r.releases.map((x: Release) => Date.parse(x.date as string));
      assertEquals(dates, [...dates].sort((a: number, b: number) => a - b));
      assert(r.compiledRelease.tag.every((t: string) => tags.includes(t)));
      assertEquals(r.compiledRelease.ocid, r.ocid);
    }
  },
});

Deno.test("recordPackage: no release dates needs an explicit publishedDate; empty records", () => {
  const undated = compileRecord("o", [{ ocid: "o", id: "1" }]);
  assertThrows(
    () => recordPackage([undated], { uri: "u", publisher: { name: "p" } }),
    RangeError,
    "publishedDate",
  );
  const pkg = recordPackage([undated], {
    uri: "u",
    publisher: { name: "p" },
    publishedDate: "2026-01-01T00:00:00Z",
    extensions: ["https://example.org/extension.json"],
  });
  assertEquals(pkg.publishedDate, "2026-01-01T00:00:00Z");
  assertEquals(pkg.extensions, ["https://example.org/extension.json"]);
  const none = compileRecord("o", []);
  assertEquals([none.releases, none.compiledRelease, none.warnings], [[], null, []]);
  assertEquals(
    recordPackage([none], { uri: "u", publisher: { name: "p" }, publishedDate: "x" }).records,
    [{ ocid: "o", releases: [] }],
  );
});

// ---------------------------------------------------------------------------------------------
// Rules of the merge on synthetic releases.

const at = (day: number) => `2026-01-${String(day).padStart(2, "0")}T00:00:00Z`;
const rel = (day: number, fields: Release): Release => ({
  ocid: "o",
  id: `r${day}`,
  date: at(day),
  ...fields,
});

Deno.test("null removes a field, an object or an array; a null before any value creates nothing", () => {
  const r = compileRecord("o", [
    rel(1, { tender: { title: "Roads", value: { amount: 5 } }, awards: [{ id: "1" }], x: 1 }),
    rel(2, { tender: { value: null }, planning: { budget: null } }),
  ]);
  assertEquals(r.compiledRelease?.tender, { title: "Roads" });
  assert(!("planning" in r.compiledRelease!));
  const r3 = compileRecord("o", [...r.releases, rel(3, { tender: null, awards: null, x: null })]);
  assertEquals(Object.keys(r3.compiledRelease!), ["tag", "id", "date", "ocid"]);
});

Deno.test("empty objects and arrays change nothing; whole-list arrays are replaced, even by []", () => {
  const r = compileRecord("o", [
    rel(1, {
      x: "kept",
      awards: [{ id: "1" }],
      parties: [{ id: "p", roles: ["buyer"], additionalIdentifiers: [{ id: "a" }, { id: "b" }] }],
    }),
    rel(2, {
      x: { y: {} },
      awards: [],
      parties: [{ id: "p", roles: [], additionalIdentifiers: [{ id: "b" }] }],
    }),
  ]);
  assertEquals(r.compiledRelease?.x, "kept");
  assertEquals(r.compiledRelease?.awards, [{ id: "1" }]);
  assertEquals(r.compiledRelease?.parties, [{
    id: "p",
    roles: [],
    additionalIdentifiers: [{ id: "b" }],
  }]);
  assertEquals(r.warnings, []);
});

Deno.test("dates are compared as instants, not as text; ties go by release id", () => {
  // 10:00+01:00 is 09:00Z, older than 09:30Z although it sorts after it as text.
  const a = { ocid: "o", id: "a", date: "2025-06-01T10:00:00+01:00", title: "older" };
  const b = { ocid: "o", id: "b", date: "2025-06-01T09:30:00Z", title: "newer" };
  for (const input of [[a, b], [b, a]]) {
    const r = compileRecord("o", input);
    assertEquals(r.compiledRelease?.title, "newer");
    assertEquals(r.compiledRelease?.date, "2025-06-01T09:30:00Z");
  }
  const x = { ocid: "o", id: "x", date: "2025-06-01T09:00:00Z", title: "x" };
  const y = { ocid: "o", id: "y", date: "2025-06-01T10:00:00+01:00", title: "y" };
  assertEquals(compileRecord("o", [y, x]).compiledRelease?.title, "y");
  assertEquals(compileRecord("o", [x, y]).compiledRelease?.title, "y");
  const noOffset = compileRecord("o", [{ ocid: "o", id: "z", date: "2025-06-01T08:00:00" }]);
  assertEquals(codes(noOffset), ["date-without-offset"]);
});

Deno.test("ocid: another ocid is left out, a missing one is read as the record's; duplicate ids warn", () => {
  const r = compileRecord("o", [
    rel(1, { title: "a" }),
    { id: "r2", date: at(2), title: "b" },
    { ocid: "other", id: "r3", date: at(3), title: "c" },
    rel(1, { title: "again" }),
  ]);
  assertEquals(r.releases.map((x) => x.title), ["a", "again", "b"]);
  assertEquals(r.compiledRelease?.title, "b");
  assertEquals(sorted(codes(r)), ["duplicate-release-id", "missing-ocid", "ocid-mismatch"]);
  assertEquals(r.compiledRelease?.ocid, "o");
});

Deno.test("array items: duplicate ids merge with a warning, odd ids append, id-less always append", () => {
  const r = compileRecord("o", [
    rel(1, {
      awards: [{ id: "1", a: 1 }, { id: "1", b: 2 }, { id: { x: 1 }, c: 3 }, { d: 4 }, {}],
    }),
    rel(2, { awards: [{ id: "1", a: 5 }, { d: 4 }] }),
  ]);
  assertEquals(r.compiledRelease?.awards, [
    { id: "1", a: 5, b: 2 },
    { id: { x: 1 }, c: 3 },
    { d: 4 },
    { d: 4 },
  ]);
  assertEquals(codes(r), ["duplicate-id", "invalid-id"]);
  assertEquals(r.warnings.map((w) => w.path), ["awards[1]", "awards[2]"]);
});

// ---------------------------------------------------------------------------------------------
// Hostile input.

Deno.test("__proto__, constructor and friends are data: merged as keys, nothing polluted", () => {
  const releases = JSON.parse(`[
    {"ocid":"o","id":"1","date":"2020-01-01T00:00:00Z","__proto__":{"polluted":1},
     "tender":{"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}},
     "awards":[{"id":"__proto__","title":"a"},{"id":"constructor"},{"id":"toString"}]},
    {"ocid":"o","id":"2","date":"2020-01-02T00:00:00Z","hasOwnProperty":1,
     "awards":[{"id":"__proto__","status":"active"}],"tender":{"__proto__":{"z":2}}}
  ]`);
  const c = compileRecord("o", releases).compiledRelease!;
  assertEquals(Object.getPrototypeOf(c), Object.prototype);
  assertEquals(Object.getOwnPropertyDescriptor(c, "__proto__")?.value, { polluted: 1 });
  assertEquals(c.hasOwnProperty, 1);
  const tender = c.tender as Release;
  assertEquals(Object.getPrototypeOf(tender), Object.prototype);
  assertEquals(Object.getOwnPropertyDescriptor(tender, "__proto__")?.value, { x: 1, z: 2 });
  assertEquals(tender.constructor, { prototype: { y: 1 } });
  assertEquals((c.awards as Release[]).map((a) => a.id), ["__proto__", "constructor", "toString"]);
  assertEquals((c.awards as Release[])[0].status, "active");
  const text = JSON.stringify(c);
  assert(text.includes('"__proto__":{"polluted":1}'), text);
  const clean = {} as Record<string, unknown>;
  for (const k of ["polluted", "x", "y", "z", "status"]) assertEquals(clean[k], undefined, k);
});

Deno.test("a release nested far deeper than the cap is left out, with no stack overflow", () => {
  const deep = (n: number, objects: boolean): Json => {
    let v: Json = "bottom";
    for (let i = 0; i < n; i++) v = objects || i % 2 === 0 ? { level: n - i, k: v } : [v, 1];
    return v;
  };
  for (const objects of [true, false]) {
    const hostile = rel(2, { title: "deep", tender: deep(100_000, objects) });
    const r = compileRecord("o", [rel(1, { title: "fine" }), hostile]);
    assertEquals(codes(r), ["too-deep"]);
    assertEquals(r.warnings[0].releaseId, "r2");
    assertEquals(r.releases.map((x) => x.id), ["r1"]);
    assertEquals(r.compiledRelease?.title, "fine");
    JSON.stringify(r); // serialisable
  }
  // The cap itself: the release is level 1, so tender is 2 and the cap leaves 30 more.
  const atCap = rel(1, { tender: deep(MAX_RELEASE_DEPTH - 1, true) });
  assertEquals(compileRecord("o", [atCap]).warnings, []);
  assertEquals(codes(compileRecord("o", [rel(1, { tender: deep(MAX_RELEASE_DEPTH, true) })])), [
    "too-deep",
  ]);
  let depth = 0;
  let node: unknown = compileRecord("o", [atCap]).compiledRelease?.tender;
  while (typeof node === "object" && node !== null && "k" in node) {
    node = (node as Release).k;
    depth++;
  }
  assertEquals(depth, MAX_RELEASE_DEPTH - 1);
  // A cycle (not JSON, but a caller could pass one) ends at the cap instead of looping.
  const cyclic: Record<string, unknown> = { ocid: "o", id: "c", date: at(1) };
  cyclic.self = cyclic;
  assertEquals(codes(compileRecord("o", [cyclic])), ["too-deep"]);
});

Deno.test("warnings are capped at 50 plus one too-many-warnings", () => {
  const r = compileRecord("o", [...Array(500).keys()].map(() => "junk"));
  assertEquals(r.warnings.length, 51);
  assertEquals(r.warnings[50].code, "too-many-warnings");
  const wide = compileRecord("o", [
    rel(1, { awards: [...Array(100_000).keys()].map((i) => ({ id: String(i % 1_000), n: i })) }),
  ]);
  assertEquals((wide.compiledRelease?.awards as Release[]).length, 1_000);
  assertEquals((wide.compiledRelease?.awards as Release[])[0].n, 99_000); // the last one wins
  assertEquals(wide.warnings.length, 51);
  assertEquals(compileRecord("o", 42 as unknown as unknown[]).warnings[0].code, "not-an-array");
});

/** Random JSON, biased towards the shapes the merge cares about (ids, nulls, empties, keys). */
function randomJson(rand: () => number, depth: number): Json {
  const r = rand();
  const keys = ["id", "title", "__proto__", "constructor", "items", "value", "tag", "date", ""];
  if (depth <= 0 || r < 0.35) {
    const pick = rand();
    if (pick < 0.2) return null;
    if (pick < 0.3) return rand() < 0.5;
    if (pick < 0.6) return Math.floor(rand() * 4);
    return ["a", "b", "1", "", "__proto__", "2026-01-01T00:00:00Z"][Math.floor(rand() * 6)];
  }
  if (r < 0.65) {
    return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth - 1));
  }
  const out: { [key: string]: Json } = {};
  for (let i = Math.floor(rand() * 5); i > 0; i--) {
    Object.defineProperty(out, keys[Math.floor(rand() * keys.length)], {
      value: randomJson(rand, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

Deno.test("fuzz: 3,000 random releases sets never throw, serialise, and ignore input order", () => {
  const rand = prng(1313);
  for (let round = 0; round < 3_000; round++) {
    const n = Math.floor(rand() * 6);
    const releases: unknown[] = [];
    for (let i = 0; i < n; i++) {
      if (rand() < 0.15) {
        const junk = randomJson(rand, 3);
        // A unique id, so that input order cannot matter (ties of date and id go by position).
        if (typeof junk === "object" && junk !== null && !Array.isArray(junk)) junk.id = `x${i}`;
        releases.push(junk);
        continue;
      }
      const body = randomJson(rand, 5);
      const release: { [key: string]: Json } = typeof body === "object" && body !== null &&
          !Array.isArray(body)
        ? body
        : { body };
      if (rand() < 0.9) release.ocid = "o";
      release.id = `r${i}`; // unique, so the order cannot matter
      if (rand() < 0.85) release.date = at(1 + Math.floor(rand() * 5));
      releases.push(release);
    }
    let record: CompiledRecord;
    try {
      record = compileRecord("o", releases);
    } catch (e) {
      throw new Error(`round ${round} (seed 1313) threw: ${e}\n${JSON.stringify(releases)}`);
    }
    const text = JSON.stringify(record);
    assert(record.warnings.length <= 51);
    for (const w of record.warnings) {
      assert(typeof w.message === "string" && w.message.length < 400, w.message);
    }
    const shuffled = [...releases].reverse();
    assertEquals(
      JSON.stringify(compileRecord("o", shuffled).compiledRelease),
      JSON.stringify(record.compiledRelease),
      `round ${round}`,
    );
    assert(text.length > 0);
  }
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("property: 200 shuffled procurements compile to the same record whatever the order", () => {
  const rand = prng(2026);
  for (let p = 0; p < 200; p++) {
    const releases: Release[] = [];
    const n = 1 + Math.floor(rand() * 8);
    for (let i = 0; i < n; i++) {
      // Same-day dates on purpose: ties are common and must still not depend on the order.
      releases.push({
        ocid: "o",
        id: `n${Math.floor(rand() * 1e6)}-${i}`,
        date: at(1 + Math.floor(rand() * 3)),
        tag: [["tender", "award", "tenderAmendment"][i % 3]],
        tender: { title: `t${i}`, items: [{ id: String(i % 3), quantity: i }] },
        awards: rand() < 0.5 ? [{ id: String(i % 2), value: { amount: i } }] : [],
        parties: [{ id: "buyer", roles: ["buyer"], name: `b${i}` }],
      });
    }
    const expected = JSON.stringify(compileRecord("o", releases));
    for (let s = 0; s < 3; s++) {
      const shuffled = [...releases];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      assertEquals(JSON.stringify(compileRecord("o", shuffled)), expected, `procurement ${p}`);
    }
  }
});
