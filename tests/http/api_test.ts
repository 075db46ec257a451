/**
 * The read API against a real MongoDB: every filter against an independent computation over
 * the same notices, keyset pages while the sync writes, every kind of bad input, caching and
 * CORS headers, the MongoDB commands per request, and the OpenAPI document against the real
 * answers.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type Db, MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writeContracts } from "../../src/db/contracts.ts";
import { NOTICES } from "../../src/http/api/notice_resource.ts";
import { createApi } from "../../src/http/api/routes.ts";
import { searchWords } from "../../src/ocds/search_tokens.ts";
import { validate } from "../support/json_schema.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { storeNotices, type SyntheticNotice, syntheticNotices } from "../support/notices.ts";

const NOW = Date.parse("2026-11-30T12:00:00Z");
const DAY = 86_400_000;

let shared: Promise<{ client: MongoClient; db: Db; notices: SyntheticNotice[] }> | null = null;
let commands = 0;

/** One database of 300 notices for the read-only tests; a client that counts commands. */
function world() {
  shared ??= (async () => {
    const client = new MongoClient(await testMongoUri(), {
      ...CLIENT_OPTIONS,
      monitorCommands: true,
    });
    client.on("commandStarted", () => commands++);
    const db = client.db(freshDbName("api"));
    await ensureIndexes(db);
    const notices = syntheticNotices(300, 5, NOW);
    await storeNotices(db, notices, NOW, 100);
    return { client, db, notices };
  })();
  return shared;
}

function api(options: { readToken?: string | null; corsOrigin?: string | null } = {}) {
  return createApi({
    readToken: options.readToken ?? null,
    corsOrigin: options.corsOrigin === undefined ? "*" : options.corsOrigin,
    resources: [NOTICES],
    now: () => NOW,
  });
}

async function get(
  db: Db,
  path: string,
  init: RequestInit = {},
  a = api(),
): Promise<Response> {
  const url = new URL(`http://api.test${path}`);
  const res = await a.handle(new Request(url, init), url, () => Promise.resolve(db));
  if (!res) throw new Error(`no answer for ${path}`);
  return res;
}

const key = (n: { source: string; noticeId: string }) => `${n.source}/${n.noticeId}`;

/** Every item of a query, following `next`; checks the API's own page order. */
async function all(db: Db, query: string, limit = 17): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const q = `${query}${query ? "&" : ""}limit=${limit}${
      cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
    }`;
    const res = await get(db, `/api/v1/notices?${q}`);
    const body = await res.json();
    assertEquals(res.status, 200, `${q}: ${JSON.stringify(body)}`);
    out.push(...body.items);
    cursor = body.next;
    if (cursor === null) return out;
  }
  throw new Error("more than 100 pages");
}

type Check = [string, (n: SyntheticNotice) => boolean, string, (n: SyntheticNotice) => number];
const published = (n: SyntheticNotice) => n.publishedDate!.getTime();

Deno.test({
  name: "every filter and sort returns what an independent pass over the notices returns",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db, notices } = await world();
    const words = (n: SyntheticNotice) =>
      new Set(
        searchWords([
          n.title,
          n.buyerName,
          ...n.suppliers.map((s) => s.name),
          n.noticeId,
          n.description,
        ].join(" ")),
      );
    const d = (s: string) => Date.parse(s);
    const checks: Check[] = [
      ["", () => true, "-published", published],
      ["q=road", (n) => words(n).has("road"), "-published", published],
      [
        "q=Road%20CLEANING",
        (n) => words(n).has("road") && words(n).has("cleaning"),
        "-published",
        published,
      ],
      ["q=cafe", (n) => words(n).has("cafe"), "-published", published],
      ["q=road.*%5B(%2B%24", (n) => words(n).has("road"), "-published", published],
      ["source=cf", (n) => n.source === "cf", "-published", published],
      [
        "buyer=GB-PPON-TEST-0007",
        (n) => n.buyerOrgs.includes("GB-PPON-TEST-0007"),
        "-published",
        published,
      ],
      ["sector=it-services", (n) => n.sectors.includes("it-services"), "-published", published],
      ["cpv=45", (n) => n.cpvCodes.some((c) => c.startsWith("45")), "-published", published],
      ["cpv=7221", (n) => n.cpvCodes.some((c) => c.startsWith("7221")), "-published", published],
      [
        "region=UKI",
        (n) => n.deliveryRegions.some((r) => r.code?.startsWith("UKI")),
        "-published",
        published,
      ],
      ["status=cancelled", (n) => n.status === "cancelled", "-published", published],
      [
        "supplier=GB-COH-00000003",
        (n) => n.suppliers.some((s) => s.id === "GB-COH-00000003"),
        "-published",
        published,
      ],
      [
        "minValue=1000000&maxValue=2000000",
        (n) => n.valueMax !== null && n.valueMax >= 1e6 && n.valueMax <= 2e6,
        "-published",
        published,
      ],
      [
        "valueBasis=awarded&minValue=2000000",
        (n) => n.awardedValue !== null && n.awardedValue >= 2e6,
        "-published",
        published,
      ],
      [
        "deadlineFrom=2026-12-01&deadlineTo=2026-12-15",
        (n) =>
          n.tenderDeadline !== null && n.tenderDeadline.getTime() >= d("2026-12-01") &&
          n.tenderDeadline.getTime() < d("2026-12-16"),
        "-published",
        published,
      ],
      [
        "publishedFrom=2026-10-01&publishedTo=2026-10-31",
        (n) => published(n) >= d("2026-10-01") && published(n) < d("2026-11-01"),
        "-published",
        published,
      ],
      [
        "sort=deadline",
        (n) => n.tenderDeadline !== null,
        "deadline",
        (n) => n.tenderDeadline!.getTime(),
      ],
      [
        "sort=-value&source=fts",
        (n) => n.valueMax !== null && n.source === "fts",
        "-value",
        (n) => n.valueMax!,
      ],
      [
        "sort=value&valueBasis=awarded",
        (n) => n.awardedValue !== null,
        "value",
        (n) => n.awardedValue!,
      ],
      [
        "sort=published&status=active&sector=construction-works",
        (n) => n.status === "active" && n.sectors.includes("construction-works"),
        "published",
        published,
      ],
    ];
    for (const [query, keep, sort, sortKey] of checks) {
      await t.step(query || "(no filter)", async () => {
        const items = await all(db, query);
        const expected = notices.filter(keep);
        assert(expected.length > 0, `the data exercises ${query}`);
        assertEquals(new Set(items.map((i) => key(i as never))), new Set(expected.map(key)));
        assertEquals(items.length, expected.length, "no item twice");
        const byKey = new Map(notices.map((n) => [key(n), n]));
        const keys = items.map((i) => sortKey(byKey.get(key(i as never))!));
        const sorted = [...keys].sort((a, b) => sort.startsWith("-") ? b - a : a - b);
        assertEquals(keys, sorted, `ordered by ${sort}`);
      });
    }
  },
});

Deno.test({
  name: "pages stay exact while the sync inserts notices between them",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const client = new MongoClient(await testMongoUri(), CLIENT_OPTIONS);
    const db = client.db(freshDbName("api_concurrent"));
    await ensureIndexes(db);
    const before = syntheticNotices(120, 9, NOW);
    await storeNotices(db, before, NOW, 60);
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const path: string = `/api/v1/notices?limit=10${
        cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
      }`;
      const body: { items: { source: string; noticeId: string }[]; next: string | null } =
        await (await get(db, path)).json();
      seen.push(...body.items.map(key));
      cursor = body.next;
      // meanwhile the sync stores notices published before, inside and after the pages read
      await writeContracts(
        db,
        syntheticNotices(7, 100 + round, NOW, 10_000 + 7 * round++),
        new Date(NOW),
      );
    } while (cursor !== null);
    assertEquals(seen.length, new Set(seen).size, "no notice twice");
    for (const n of before) assert(seen.includes(key(n)), `${key(n)} was not skipped`);
    await client.close();
  },
});

const BAD: readonly [string, string | null, string][] = [
  ["/api/v1/notices?colour=red", "colour", "Unknown parameter"],
  ["/api/v1/notices?q=road&q=rail", "q", "more than once"],
  ["/api/v1/notices?publishedFrom=2025-02-30", "publishedFrom", "real date"],
  ["/api/v1/notices?deadlineTo=2025-13-01", "deadlineTo", "real date"],
  ["/api/v1/notices?publishedFrom=yesterday", "publishedFrom", "real date"],
  ["/api/v1/notices?publishedFrom=2026-01-02&publishedTo=2026-01-01", "publishedTo", "before"],
  ["/api/v1/notices?limit=0", "limit", "1 to 100"],
  ["/api/v1/notices?limit=1000", "limit", "1 to 100"],
  ["/api/v1/notices?limit=-5", "limit", "1 to 100"],
  ["/api/v1/notices?minValue=-1", "minValue", "non-negative"],
  ["/api/v1/notices?minValue=1e9", "minValue", "non-negative"],
  ["/api/v1/notices?minValue=10&maxValue=5", "maxValue", "below"],
  ["/api/v1/notices?source=ted", "source", "one of"],
  ["/api/v1/notices?sort=random", "sort", "one of"],
  ["/api/v1/notices?cpv=4", "cpv", "digits"],
  ["/api/v1/notices?cpv=45.*", "cpv", "digits"],
  ["/api/v1/notices?region=uki", "region", "region code"],
  ["/api/v1/notices?q=***", "q", "no word"],
  ["/api/v1/notices?q=a%20b%20c", "q", "no word"],
  [
    "/api/v1/notices?q=one two three four five six seven eight nine ten eleven",
    "q",
    "more than 10",
  ],
  ["/api/v1/notices?q=road%00", "q", "control character"],
  ["/api/v1/notices?buyer=a%20b", "buyer", "identifier"],
  ["/api/v1/notices?cursor=garbage", "cursor", "not a cursor"],
  ["/api/v1/notices?q=" + "x".repeat(10_240), "q", "more than 2048"],
  ["/api/v1/notices/ted/1", "source", "fts or cf"],
  ["/api/v1/sectors?x=1", "x", "Unknown parameter"],
];

Deno.test({
  name: "bad input is a 400 naming the parameter, answered in linear time",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db } = await world();
    for (const [path, parameter, text] of BAD) {
      await t.step(path.slice(0, 90), async () => {
        const started = performance.now();
        const res = await get(db, path);
        const body = await res.json();
        assertEquals(res.status, 400, JSON.stringify(body));
        assertEquals(body.parameter, parameter);
        assertStringIncludes(body.error, text);
        assert(performance.now() - started < 1000, "answered quickly");
      });
    }
    await t.step("a cursor from another query, or altered, is refused", async () => {
      const first = await (await get(db, "/api/v1/notices?limit=5&source=fts")).json();
      assert(first.next);
      const other = await get(db, `/api/v1/notices?limit=5&source=cf&cursor=${first.next}`);
      assertEquals(other.status, 400);
      assertStringIncludes((await other.json()).error, "another query");
      const [body, check] = first.next.split(".");
      const payload = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/")));
      payload.v = 0;
      const forged = btoa(JSON.stringify(payload)).replace(/\+/g, "-").replace(/\//g, "_").replace(
        /=+$/,
        "",
      );
      const altered = await get(db, `/api/v1/notices?limit=5&source=fts&cursor=${forged}.${check}`);
      assertEquals(altered.status, 400);
      assertStringIncludes((await altered.json()).error, "altered");
      // the same query with another limit may go on with the cursor
      const more = await get(db, `/api/v1/notices?limit=7&source=fts&cursor=${first.next}`);
      assertEquals(more.status, 200);
    });
    await t.step("regex metacharacters in q are words to match, never a pattern", async () => {
      const body = await (await get(db, "/api/v1/notices?q=.*&limit=5")).json().catch(() => null);
      assertEquals(body?.parameter, "q"); // ".*" has no word: refused, not "match everything"
    });
  },
});

Deno.test({
  name: "answers carry ETag, Cache-Control and CORS; a read token closes the API when set",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { db } = await world();
    const res = await get(db, "/api/v1/notices?limit=3");
    const etag = res.headers.get("etag");
    assert(etag && /^"[0-9a-f]{32}"$/.test(etag), `etag ${etag}`);
    assertEquals(res.headers.get("cache-control"), "public, max-age=60");
    assertEquals(res.headers.get("access-control-allow-origin"), "*");
    await res.body?.cancel();
    const again = await get(db, "/api/v1/notices?limit=3", { headers: { "if-none-match": etag! } });
    assertEquals(again.status, 304);
    const index = await (await get(db, "/api/v1")).json();
    assertEquals(index.openapi, "/api/v1/openapi.json");
    const pre = await get(db, "/api/v1/notices", { method: "OPTIONS" });
    assertEquals(pre.status, 204);
    assertStringIncludes(pre.headers.get("access-control-allow-methods") ?? "", "GET");
    const post = await get(db, "/api/v1/notices", { method: "POST" });
    assertEquals(post.status, 405);
    await post.body?.cancel();
    const noCors = await get(db, "/api/v1/sectors", {}, api({ corsOrigin: null }));
    assertEquals(noCors.headers.get("access-control-allow-origin"), null);
    await noCors.body?.cancel();

    const closed = api({ readToken: "read-token-0123456789" });
    const anonymous = await get(db, "/api/v1/notices", {}, closed);
    assertEquals(anonymous.status, 401);
    await anonymous.body?.cancel();
    const wrong = await get(
      db,
      "/api/v1/notices",
      { headers: { authorization: "Bearer nope" } },
      closed,
    );
    assertEquals(wrong.status, 401);
    assert(!(await wrong.text()).includes("read-token-0123456789"), "the token is never echoed");
    const right = await get(db, "/api/v1/notices?limit=1", {
      headers: { authorization: "Bearer read-token-0123456789" },
    }, closed);
    assertEquals(right.status, 200);
    assertEquals(right.headers.get("cache-control"), "private, max-age=60");
    await right.body?.cancel();
  },
});

Deno.test({
  name:
    "every JSON route costs at most 3 MongoDB commands and answers as the OpenAPI document says",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const { db, notices } = await world();
    const doc = await (await get(db, "/api/v1/openapi.json")).json();
    assertEquals(doc.openapi, "3.1.0");
    const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const n = notices.find((x) => x.suppliers.length > 0)!;
    const routes: [string, string][] = [
      ["/api/v1/notices?limit=100", "NoticePage"],
      ["/api/v1/notices?q=road&sector=construction-works&sort=-value&limit=50", "NoticePage"],
      [`/api/v1/notices/${n.source}/${n.noticeId}`, "Notice"],
      [`/api/v1/buyers/${n.buyerOrg}`, "Buyer"],
      ["/api/v1/sectors", "Sectors"],
      ["/api/v1/notices?colour=red", "Error"],
      ["/api/v1/notices/fts/no-such-notice", "Error"],
    ];
    for (const [path, name] of routes) {
      await t.step(path, async () => {
        const start = commands;
        const res = await get(db, path);
        const body = await res.json();
        const used = commands - start;
        assert(used <= 3, `${path}: ${used} MongoDB commands`);
        assertEquals(validate(body, schema(name), doc), []);
        assert(
          doc.paths[new URL(`http://x${path}`).pathname] ||
            Object.keys(doc.paths).some((p: string) =>
              new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(
                new URL(`http://x${path}`).pathname,
              )
            ),
          `${path} is in the document`,
        );
      });
    }
    const buyer = await (await get(db, `/api/v1/buyers/${n.buyerOrg}`)).json();
    assertEquals(buyer.counts.notices, notices.filter((x) => x.buyerOrg === n.buyerOrg).length);
    const sectors = await (await get(db, "/api/v1/sectors")).json();
    const construction = sectors.sectors.find((s: { slug: string }) =>
      s.slug === "construction-works"
    );
    assertEquals(
      construction.notices,
      notices.filter((x) => x.sector === "construction-works").length,
    );
    assertEquals(
      construction.open,
      notices.filter((x) =>
        x.sector === "construction-works" && x.status === "active" && x.tenderDeadline &&
        x.tenderDeadline.getTime() > NOW
      ).length,
    );
  },
});

Deno.test({
  name: "exports stream the whole result as NDJSON and CSV (formulas defused)",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const { db, notices } = await world();
    const res = await get(db, "/api/v1/notices.ndjson?source=fts&sort=published");
    assertEquals(res.headers.get("content-type"), "application/x-ndjson");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const fts = notices.filter((n) => n.source === "fts");
    assertEquals(lines.length, fts.length);
    assertEquals(new Set(lines.map(key)), new Set(fts.map(key)));
    const csv = await (await get(db, "/api/v1/notices.csv?cpv=45")).text();
    const rows = csv.trimEnd().split("\r\n");
    assertEquals(rows[0].split(",").slice(0, 3), ["source", "noticeId", "ocid"]);
    assertEquals(rows.length - 1, notices.filter((n) => n.cpvCodes[0].startsWith("45")).length);
    const bad = await get(db, "/api/v1/notices.csv?limit=5");
    assertEquals(bad.status, 400, "exports take no limit");
    await bad.body?.cancel();
  },
});

Deno.test("unload: close the counting client", async () => {
  if (shared) await (await shared).client.close();
});

export { DAY };
