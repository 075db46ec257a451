/**
 * The read API's procurements against a real MongoDB: procurements filled the way the product
 * fills them (synthetic notices through the page write then `compileProcurements`, FTS chains
 * of raw releases through the sync's `storePage`), every filter and sort against an
 * independent pass over the same stored procurements, keyset pages while the sync writes, bad
 * input, the item and OCDS record routes (real Contracts Finder releases from ../shared/data),
 * the buyer's procurements, exports, the MongoDB commands per request and the OpenAPI document.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type Db, MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import {
  compileProcurements,
  type ProcurementDoc,
  procurementsCollection,
} from "../../src/db/procurements.ts";
import { NOTICES } from "../../src/http/api/notice_resource.ts";
import { PHASES, PROCUREMENTS } from "../../src/http/api/procurement_resource.ts";
import { createApi } from "../../src/http/api/routes.ts";
import { compileRecord } from "../../src/ocds/record.ts";
import { phaseAt } from "../../src/ocds/procurement_doc.ts";
import { searchWords } from "../../src/ocds/search_tokens.ts";
import { releaseKey, releasesCollection } from "../../src/db/releases.ts";
import { storePage } from "../../src/sync/store_page.ts";
import { CHAIN_SHAPES, ftsChain } from "../support/chains.ts";
import { validate } from "../support/json_schema.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { storeNotices, syntheticNotices } from "../support/notices.ts";

const NOW = Date.parse("2026-11-30T12:00:00Z");
const DAY = 86_400_000;
const CF_DATA = new URL("../../../shared/data/cf/", import.meta.url);

let shared: Promise<{ client: MongoClient; db: Db; stored: ProcurementDoc[] }> | null = null;
let commands = 0;

/** Stores synthetic notices and compiles their procurements, as a rebuild does. */
async function storeAndCompile(db: Db, n: number, seed: number, offset = 0): Promise<void> {
  const notices = syntheticNotices(n, seed, NOW, offset);
  await storeNotices(db, notices, NOW, 100);
  for (const source of ["fts", "cf"] as const) {
    const ocids = notices.filter((x) => x.source === source).map((x) => x.ocid);
    await compileProcurements(db, source, ocids);
  }
}

/** Stores FTS chains of every shape through the sync's page store (raw releases kept). */
async function storeChains(db: Db, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const from = new Date(NOW - (10 + (i % 4) * 15) * DAY);
    const releases = ftsChain(i + 1, CHAIN_SHAPES[i % CHAIN_SHAPES.length], from);
    await storePage(db, "fts", { releases, rejected: [] }, null, new Date(NOW));
  }
}

/** One database for the read-only tests; a client that counts commands. */
function world() {
  shared ??= (async () => {
    const client = new MongoClient(await testMongoUri(), {
      ...CLIENT_OPTIONS,
      monitorCommands: true,
    });
    client.on("commandStarted", () => commands++);
    const db = client.db(freshDbName("api_procurements"));
    await ensureIndexes(db);
    await storeAndCompile(db, 300, 5);
    await storeChains(db, 35);
    const stored = await procurementsCollection(db).find({}).toArray();
    return { client, db, stored };
  })();
  return shared;
}

function api() {
  return createApi({
    readToken: null,
    corsOrigin: "*",
    resources: [NOTICES, PROCUREMENTS],
    now: () => NOW,
  });
}

async function get(db: Db, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(`http://api.test${path}`);
  const res = await api().handle(new Request(url, init), url, () => Promise.resolve(db));
  if (!res) throw new Error(`no answer for ${path}`);
  return res;
}

const key = (p: { source: string; ocid: string }) => `${p.source}/${p.ocid}`;

/** Every item of a query, following `next`. */
async function all(db: Db, query: string, limit = 13): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const q = `${query}${query ? "&" : ""}limit=${limit}${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
    }`;
    const res = await get(db, `/api/v1/procurements?${q}`);
    const body = await res.json();
    assertEquals(res.status, 200, `${q}: ${JSON.stringify(body)}`);
    out.push(...body.items);
    cursor = body.next;
    if (cursor === null) return out;
  }
  throw new Error("more than 200 pages");
}

type P = ProcurementDoc;
type Check = [string, (p: P) => boolean, string, (p: P) => number];
const firstPublished = (p: P) => p.firstPublished!.getTime();
const hasFirst = (p: P) => p.firstPublished !== null;

Deno.test({
  name: "every procurement filter and sort returns what an independent pass returns",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db, stored } = await world();
    const now = new Date(NOW);
    const words = (p: P) =>
      new Set(
        searchWords(
          [p.title, p.buyerName, ...p.suppliers.map((s) => s.name), p.ocid, p.description]
            .join(" "),
        ),
      );
    const d = (s: string) => Date.parse(s);
    const phases = new Set(stored.map((p) => phaseAt(p, now)));
    for (const phase of ["open", "evaluation", "awarded", "cancelled", "terminated", "changed"]) {
      assert(phases.has(phase as never), `the data has a ${phase} procurement`);
    }
    const withAward = stored.find((p) => p.awardedValue !== null && p.suppliers.length > 0)!;
    const checks: Check[] = [
      ["", hasFirst, "-published", firstPublished],
      ["q=road", (p) => hasFirst(p) && words(p).has("road"), "-published", firstPublished],
      [
        "q=Road%20CLEANING",
        (p) => hasFirst(p) && words(p).has("road") && words(p).has("cleaning"),
        "-published",
        firstPublished,
      ],
      ["q=cafe", (p) => hasFirst(p) && words(p).has("cafe"), "-published", firstPublished],
      ["source=cf", (p) => hasFirst(p) && p.source === "cf", "-published", firstPublished],
      ["source=fts", (p) => hasFirst(p) && p.source === "fts", "-published", firstPublished],
      [
        "buyer=GB-PPON-TEST-0007",
        (p) => hasFirst(p) && p.buyerOrgs.includes("GB-PPON-TEST-0007"),
        "-published",
        firstPublished,
      ],
      [
        "sector=it-services",
        (p) => hasFirst(p) && p.sectors.includes("it-services"),
        "-published",
        firstPublished,
      ],
      [
        "cpv=45",
        (p) => hasFirst(p) && p.cpvCodes.some((c) => c.startsWith("45")),
        "-published",
        firstPublished,
      ],
      [
        "region=UKI",
        (p) => hasFirst(p) && p.deliveryRegions.some((r) => r.code?.startsWith("UKI")),
        "-published",
        firstPublished,
      ],
      ...PHASES.filter((ph) => phases.has(ph)).map((ph): Check => [
        `phase=${ph}`,
        (p) => hasFirst(p) && phaseAt(p, now) === ph,
        "-published",
        firstPublished,
      ]),
      [
        `supplier=${withAward.suppliers[0].id}`,
        (p) => hasFirst(p) && p.suppliers.some((s) => s.id === withAward.suppliers[0].id),
        "-published",
        firstPublished,
      ],
      [
        "minValue=1000000&maxValue=2000000",
        (p) => hasFirst(p) && p.valueMax !== null && p.valueMax >= 1e6 && p.valueMax <= 2e6,
        "-published",
        firstPublished,
      ],
      [
        "valueBasis=awarded&minValue=10000",
        (p) => hasFirst(p) && p.awardedValue !== null && p.awardedValue >= 10000,
        "-published",
        firstPublished,
      ],
      [
        "deadlineFrom=2026-12-01&deadlineTo=2026-12-15",
        (p) =>
          hasFirst(p) && p.tenderDeadline !== null &&
          p.tenderDeadline.getTime() >= d("2026-12-01") &&
          p.tenderDeadline.getTime() < d("2026-12-16"),
        "-published",
        firstPublished,
      ],
      [
        "publishedFrom=2026-10-01&publishedTo=2026-10-31",
        (p) =>
          hasFirst(p) && firstPublished(p) >= d("2026-10-01") &&
          firstPublished(p) < d("2026-11-01"),
        "-published",
        firstPublished,
      ],
      [
        "sort=deadline",
        (p) => p.tenderDeadline !== null,
        "deadline",
        (p) => p.tenderDeadline!.getTime(),
      ],
      [
        "sort=-value&source=fts",
        (p) => p.valueMax !== null && p.source === "fts",
        "-value",
        (p) => p.valueMax!,
      ],
      [
        "sort=value&valueBasis=awarded",
        (p) => p.awardedValue !== null,
        "value",
        (p) => p.awardedValue!,
      ],
      [
        "sort=deadline&phase=open&sector=construction-works",
        (p) =>
          p.tenderDeadline !== null && phaseAt(p, now) === "open" &&
          p.sectors.includes("construction-works"),
        "deadline",
        (p) => p.tenderDeadline!.getTime(),
      ],
    ];
    for (const [query, keep, sort, sortKey] of checks) {
      await t.step(query || "(no filter)", async () => {
        const items = await all(db, query);
        const expected = stored.filter(keep);
        assert(expected.length > 0, `the data exercises ${query}`);
        assertEquals(new Set(items.map((i) => key(i as never))), new Set(expected.map(key)));
        assertEquals(items.length, expected.length, "no item twice");
        const byKey = new Map(stored.map((p) => [key(p), p]));
        const keys = items.map((i) => sortKey(byKey.get(key(i as never))!));
        const sorted = [...keys].sort((a, b) => sort.startsWith("-") ? b - a : a - b);
        assertEquals(keys, sorted, `ordered by ${sort}`);
        for (const i of items) {
          assertEquals(i.phase, phaseAt(byKey.get(key(i as never))!, now), "phase at now");
        }
      });
    }
  },
});

Deno.test({
  name: "procurement pages stay exact while the sync writes between them",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const client = new MongoClient(await testMongoUri(), CLIENT_OPTIONS);
    const db = client.db(freshDbName("api_proc_concurrent"));
    await ensureIndexes(db);
    await storeAndCompile(db, 120, 9);
    const before = await procurementsCollection(db).find({}).toArray();
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const path: string = `/api/v1/procurements?limit=10${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
      }`;
      const res = await get(db, path);
      const body: { items: { source: string; ocid: string }[]; next: string | null } = await res
        .json();
      assertEquals(res.status, 200, JSON.stringify(body));
      seen.push(...body.items.map(key));
      cursor = body.next;
      // meanwhile the sync stores and compiles new procurements, published all over the range
      await storeAndCompile(db, 8, 100 + round, 10_000 + 8 * round++);
    } while (cursor !== null);
    assert(round > 3, "several pages were read");
    assertEquals(seen.length, new Set(seen).size, "no procurement twice");
    for (const p of before) assert(seen.includes(key(p)), `${key(p)} was not skipped`);
    await client.close();
  },
});

const BAD: readonly [string, string | null, string][] = [
  ["/api/v1/procurements?colour=red", "colour", "Unknown parameter"],
  ["/api/v1/procurements?status=active", "status", "Unknown parameter"],
  ["/api/v1/procurements?phase=open&phase=awarded", "phase", "more than once"],
  ["/api/v1/procurements?phase=closed", "phase", "one of"],
  ["/api/v1/procurements?deadlineFrom=2025-02-30", "deadlineFrom", "real date"],
  ["/api/v1/procurements?limit=101", "limit", "1 to 100"],
  ["/api/v1/procurements?minValue=-1", "minValue", "non-negative"],
  ["/api/v1/procurements?valueBasis=gross", "valueBasis", "one of"],
  ["/api/v1/procurements?sort=changed", "sort", "one of"],
  ["/api/v1/procurements?q=.*", "q", "no word"],
  ["/api/v1/procurements?cursor=abc.def", "cursor", "not a cursor"],
  ["/api/v1/procurements.csv?limit=5", "limit", "Unknown parameter"],
  ["/api/v1/procurements/ted/ocds-1", "source", "fts or cf"],
  ["/api/v1/procurements/ted/ocds-1/record", "source", "fts or cf"],
  ["/api/v1/procurements/fts/ocds-1/record?x=1", "x", "Unknown parameter"],
];

Deno.test({
  name: "bad procurement input is a 400 naming the parameter; cursors are bound to the query",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db } = await world();
    for (const [path, parameter, text] of BAD) {
      await t.step(path, async () => {
        const res = await get(db, path);
        const body = await res.json();
        assertEquals(res.status, 400, JSON.stringify(body));
        assertEquals(body.parameter, parameter);
        assertStringIncludes(body.error, text);
      });
    }
    await t.step("a cursor of another query, of notices, or altered, is refused", async () => {
      const first = await (await get(db, "/api/v1/procurements?limit=5&phase=awarded")).json();
      assert(first.next);
      const other = await get(db, `/api/v1/procurements?limit=5&phase=open&cursor=${first.next}`);
      assertEquals(other.status, 400);
      assertStringIncludes((await other.json()).error, "another query");
      const notices = await (await get(db, "/api/v1/notices?limit=5")).json();
      const crossed = await get(db, `/api/v1/procurements?limit=5&cursor=${notices.next}`);
      assertEquals(crossed.status, 400);
      assertEquals((await crossed.json()).parameter, "cursor");
      const [body, check] = first.next.split(".");
      const payload = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/")));
      payload.i = "fts:ocds-somewhere-else";
      const forged = btoa(JSON.stringify(payload)).replace(/\+/g, "-").replace(/\//g, "_")
        .replace(/=+$/, "");
      const altered = await get(
        db,
        `/api/v1/procurements?limit=5&phase=awarded&cursor=${forged}.${check}`,
      );
      assertEquals(altered.status, 400);
      assertStringIncludes((await altered.json()).error, "altered");
    });
  },
});

Deno.test({
  name: "procurement routes cost at most 3 MongoDB commands and answer as the OpenAPI says",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db, stored } = await world();
    const doc = await (await get(db, "/api/v1/openapi.json")).json();
    const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const chain = stored.find((p) => p.timeline.length >= 6)!;
    const buyer = stored.find((p) => p.buyerOrg?.startsWith("GB-PPON-TEST"))!.buyerOrg!;
    const routes: [string, string, number][] = [
      ["/api/v1/procurements?limit=100", "ProcurementPage", 200],
      [
        "/api/v1/procurements?q=road&phase=open&sector=construction-works&sort=-value&limit=50",
        "ProcurementPage",
        200,
      ],
      [`/api/v1/procurements/fts/${chain.ocid}`, "Procurement", 200],
      [`/api/v1/procurements/fts/${chain.ocid}/record`, "RecordPackage", 200],
      [`/api/v1/buyers/${buyer}`, "Buyer", 200],
      [`/api/v1/buyers/${chain.buyerOrg}`, "Buyer", 200],
      ["/api/v1/procurements/fts/no-such-ocid", "Error", 404],
      ["/api/v1/procurements/fts/no-such-ocid/record", "Error", 404],
      ["/api/v1/procurements?phase=closed", "Error", 400],
    ];
    for (const [path, name, status] of routes) {
      await t.step(path, async () => {
        const start = commands;
        const res = await get(db, path);
        const body = await res.json();
        const used = commands - start;
        assertEquals(res.status, status, JSON.stringify(body).slice(0, 300));
        assert(used <= 3, `${path}: ${used} MongoDB commands`);
        assertEquals(validate(body, schema(name), doc), []);
        const pathname = new URL(`http://x${path}`).pathname;
        assert(
          Object.keys(doc.paths).some((p: string) =>
            new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname)
          ),
          `${path} is in the document`,
        );
      });
    }
    await t.step("the procurement carries its whole timeline, in order", async () => {
      const body = await (await get(db, `/api/v1/procurements/fts/${chain.ocid}`)).json();
      assertEquals(
        body.timeline.map((e: { noticeId: string }) => e.noticeId),
        chain.timeline.map((e) => e.noticeId),
      );
      assertEquals(body.timeline[0].noticeType, "UK1");
      assertEquals(body.links.record, `/api/v1/procurements/fts/${chain.ocid}/record`);
      assert(!("searchTokens" in body) && !("_id" in body), "bookkeeping is hidden");
    });
    await t.step(
      "a buyer lists its newest procurements and its exact procurementCount",
      async () => {
        const body = await (await get(db, `/api/v1/buyers/${buyer}`)).json();
        const own = stored.filter((p) => p.buyerOrgs.includes(buyer));
        assertEquals(body.counts.procurements, own.length);
        const newest = [...own].filter(hasFirst).sort((a, b) =>
          firstPublished(b) - firstPublished(a) || (a._id < b._id ? 1 : -1)
        ).slice(0, 10);
        assertEquals(body.newestProcurements.map(key), newest.map(key));
        assertEquals(body.links.procurements, `/api/v1/procurements?buyer=${buyer}`);
      },
    );
  },
});

Deno.test({
  name: "procurement exports stream the whole result as NDJSON and CSV",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { db, stored } = await world();
    const now = new Date(NOW);
    const res = await get(db, "/api/v1/procurements.ndjson?source=fts&sort=published");
    assertEquals(res.headers.get("content-type"), "application/x-ndjson");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const fts = stored.filter((p) => p.source === "fts" && hasFirst(p));
    assertEquals(lines.length, fts.length);
    assertEquals(new Set(lines.map(key)), new Set(fts.map(key)));
    const csv = await (await get(db, "/api/v1/procurements.csv?phase=evaluation")).text();
    const rows = csv.trimEnd().split("\r\n");
    assertEquals(rows[0].split(",").slice(0, 3), ["source", "ocid", "phase"]);
    const evaluation = stored.filter((p) => hasFirst(p) && phaseAt(p, now) === "evaluation");
    assertEquals(rows.length - 1, evaluation.length);
    assert(rows.slice(1).every((r) => r.split(",")[2] === "evaluation"));
  },
});

/** The releases of a real Contracts Finder file. */
async function cfReleases(file: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(new URL(file, CF_DATA));
  return JSON.parse(text).releases;
}

Deno.test({
  name: "the record route answers an OCDS record package of real releases, or a clear 404",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db } = await world();
    const releases = await cfReleases("cf_releases_same_ocid_tender_and_tenderAmendment.json");
    const ocid = releases[0].ocid as string;
    await storePage(db, "cf", { releases, rejected: [] }, null, new Date(NOW));
    await t.step("releases oldest first and the compiled release", async () => {
      const res = await get(db, `/api/v1/procurements/cf/${ocid}/record`);
      const body = await res.json();
      assertEquals(res.status, 200, JSON.stringify(body).slice(0, 300));
      assertEquals(body.version, "1.1");
      assertEquals(body.records.length, 1);
      const record = body.records[0];
      assertEquals(record.ocid, ocid);
      // the file lists them newest first; a record holds them oldest first, as published
      const oldestFirst = [...releases].sort((a, b) =>
        Date.parse(a.date as string) - Date.parse(b.date as string)
      );
      assertEquals(record.releases, oldestFirst);
      assertEquals(record.compiledRelease, compileRecord(ocid, releases).compiledRelease);
      assertEquals(record.compiledRelease.tag, ["compiled"]);
      const newest = oldestFirst[1] as { date: string; tender: { title: string } };
      assertEquals(record.compiledRelease.date, newest.date);
      assertEquals(record.compiledRelease.tender.title, newest.tender.title);
      assertEquals(body.publishedDate, newest.date);
      const item = await (await get(db, `/api/v1/procurements/cf/${ocid}`)).json();
      assertEquals(item.timeline.length, 1, "a tender and its amendment are one CF notice");
    });
    await t.step("a stored release that cannot be read back is left out and named", async () => {
      const newest = releases[0];
      await releasesCollection(db).updateOne(
        { _id: releaseKey("cf", newest.id as string) },
        { $set: { rawBytes: 1 } },
      );
      const res = await get(db, `/api/v1/procurements/cf/${ocid}/record`);
      const body = await res.json();
      assertEquals(res.status, 200);
      assertEquals(body.records[0].releases.map((r: { id: string }) => r.id), [releases[1].id]);
      assertEquals(res.headers.get("x-releases-unreadable"), newest.id);
    });
    await t.step("a procurement stored without raw releases: 404 naming the setting", async () => {
      const other = await cfReleases("cf_releases_same_ocid_award_and_awardUpdate.json");
      await storePage(db, "cf", { releases: other, rejected: [] }, null, new Date(NOW), {
        keepRaw: false,
      });
      const id = other[0].ocid as string;
      const found = await get(db, `/api/v1/procurements/cf/${id}`);
      assertEquals(found.status, 200);
      await found.body?.cancel();
      const res = await get(db, `/api/v1/procurements/cf/${id}/record`);
      const body = await res.json();
      assertEquals(res.status, 404);
      assertStringIncludes(body.error, "KEEP_RAW_RELEASES");
    });
    await t.step("an unknown ocid: 404", async () => {
      const res = await get(db, `/api/v1/procurements/fts/ocds-h6vhtk-unknown/record`);
      const body = await res.json();
      assertEquals(res.status, 404);
      assertStringIncludes(body.error, "No procurement fts/ocds-h6vhtk-unknown");
    });
  },
});

Deno.test("unload: close the counting client", async () => {
  if (shared) await (await shared).client.close();
});
