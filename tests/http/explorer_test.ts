/**
 * The explorer's pages as HTML: a notice with its timeline, lots and documents (only http(s)
 * links), a procurement with its timeline and values, a buyer with its procurements, the
 * procurement and notice searches with bad input (a 400 page naming the problem), HEAD, and the
 * CSP of each page.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { compileProcurements } from "../../src/db/procurements.ts";
import { createExplorer, phaseOf } from "../../src/http/explorer.ts";
import { aContract } from "../support/contracts.ts";
import { mongoTest } from "../support/mongo.ts";
import { storeNotices } from "../support/notices.ts";

const NOW = Date.parse("2026-11-30T12:00:00Z");

mongoTest("notice, buyer and search pages; bad input is a 400 page", async (db) => {
  await ensureIndexes(db);
  const tender = aContract({
    noticeId: "000100-2026",
    ocid: "ocds-h6vhtk-000100",
    title: "Gritting <b>roads</b>",
    releaseDate: new Date("2026-11-01T10:00:00Z"),
    publishedDate: new Date("2026-11-01T10:00:00Z"),
    tenderDeadline: new Date("2026-12-20T12:00:00Z"),
  });
  const award = {
    ...aContract({
      noticeId: "000200-2026",
      ocid: "ocds-h6vhtk-000100",
      noticeType: "UK6",
      stage: "award",
      status: "complete",
      releaseDate: new Date("2026-11-20T10:00:00Z"),
      publishedDate: new Date("2026-11-20T10:00:00Z"),
    }),
    lots: [{
      id: "1",
      title: "North",
      status: "active",
      value: { amount: 5000, amountGross: null, currency: "GBP" },
      contractStart: null,
      contractEnd: null,
      contractDurationDays: null,
      cpvCodes: [],
    }],
    documents: [
      { title: "Specification", type: "tenderNotice", url: "https://example.org/spec.pdf" },
      { title: "Evil", type: null, url: "javascript:alert(1)" },
    ],
    submissionUrl: "https://example.org/submit",
  };
  await storeNotices(db, [tender, award as never], NOW);
  await compileProcurements(db, "fts", ["ocds-h6vhtk-000100"]);
  const explorer = createExplorer({ now: () => NOW });
  const get = async (path: string, method = "GET") => {
    const url = new URL(`http://x${path}`);
    const res = await explorer.handle(new Request(url, { method }), url, () => Promise.resolve(db));
    if (!res) throw new Error(`no page for ${path}`);
    return res;
  };

  const page = await get("/explore/notices/fts/000200-2026");
  assertEquals(page.status, 200);
  assertStringIncludes(page.headers.get("content-security-policy")!, "form-action 'none'");
  const text = await page.text();
  assertStringIncludes(text, 'id="timeline"');
  assert(text.indexOf("000100-2026") < text.indexOf('class="current"'), "the tender comes first");
  assertStringIncludes(text, "Gritting &lt;b&gt;roads&lt;/b&gt;");
  assertStringIncludes(text, 'id="lots"');
  assertStringIncludes(text, 'href="https://example.org/spec.pdf"');
  assert(!text.includes("javascript:"), "only http(s) links");
  assertStringIncludes(text, "https://example.org/submit");
  assertStringIncludes(text, '<abbr title="Contract award notice">UK6</abbr>');

  const buyer = await (await get("/explore/buyers/GB-PPON-AAAA-0001-BBBB")).text();
  assertStringIncludes(buyer, '<dd id="buyer-count">2</dd>');

  assertStringIncludes(buyer, '<dd id="buyer-procurements">1</dd>');
  assertStringIncludes(buyer, 'data-procurement="fts/ocds-h6vhtk-000100"');

  const search = await get("/explore/notices?q=gritting&sort=deadline");
  assertStringIncludes(search.headers.get("content-security-policy")!, "form-action 'self'");
  const results = await search.text();
  assertStringIncludes(results, 'data-notice="fts/000100-2026"');
  assertStringIncludes(results, '<span class="badge open">open</span>');
  assertStringIncludes(results, 'action="/explore/notices"');
  const bad = await get("/explore/notices?publishedFrom=2025-02-30");
  assertEquals(bad.status, 400);
  assertStringIncludes(await bad.text(), "publishedFrom must be a real date");

  // procurements: the default search, with the phase at the time of the request
  const procurements = await (await get("/explore?phase=awarded")).text();
  assertStringIncludes(procurements, 'data-procurement="fts/ocds-h6vhtk-000100"');
  assertStringIncludes(procurements, '<span class="badge awarded">awarded</span>');
  assertStringIncludes(procurements, '<abbr title="Contract award notice">UK6</abbr>');
  assertStringIncludes(procurements, 'id="type-key"');
  const none = await (await get("/explore?phase=open")).text();
  assertStringIncludes(none, "No procurements match.");
  const badPhase = await get("/explore?phase=closed");
  assertEquals(badPhase.status, 400);
  assertStringIncludes(await badPhase.text(), "phase must be one of");
  const statusThere = await get("/explore?status=active");
  assertEquals(statusThere.status, 400, "status is a notice filter");
  await statusThere.body?.cancel();

  const procurement = await get("/explore/procurements/fts/ocds-h6vhtk-000100");
  assertEquals(procurement.status, 200);
  const ptext = await procurement.text();
  assertStringIncludes(ptext, '<dd id="phase">awarded</dd>');
  const timeline = ptext.slice(ptext.indexOf('id="timeline"'));
  assert(
    timeline.indexOf('data-notice="000100-2026"') < timeline.indexOf('data-notice="000200-2026"'),
    "the timeline is in order",
  );
  assertStringIncludes(timeline, 'href="/explore/notices/fts/000200-2026"');
  assertStringIncludes(ptext, 'href="/api/v1/procurements/fts/ocds-h6vhtk-000100/record"');
  assertStringIncludes(ptext, 'id="procurement-title"');
  assertStringIncludes(ptext, "Tender notice (UK4)", "the tender's one-line summary");
  assertStringIncludes(text, 'href="/explore/procurements/fts/ocds-h6vhtk-000100"');
  const noProcurement = await get("/explore/procurements/fts/nope");
  assertEquals(noProcurement.status, 404);
  await noProcurement.body?.cancel();
  const head = await get("/explore", "HEAD");
  assertEquals(head.status, 200);
  await head.body?.cancel();
  const missing = await get("/explore/notices/fts/nope");
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("phases: open until the deadline, then closed; awarded; cancelled; planned", () => {
  const at = (d: number) => new Date(NOW + d);
  assertEquals(phaseOf({ status: "active", stage: "tender", tenderDeadline: at(1) }, NOW), "open");
  assertEquals(
    phaseOf({ status: "active", stage: "tender", tenderDeadline: at(-1) }, NOW),
    "closed",
  );
  assertEquals(
    phaseOf({ status: "complete", stage: "award", tenderDeadline: null }, NOW),
    "awarded",
  );
  assertEquals(
    phaseOf({ status: "cancelled", stage: "tender", tenderDeadline: null }, NOW),
    "cancelled",
  );
  assertEquals(
    phaseOf({ status: "planned", stage: "planning", tenderDeadline: null }, NOW),
    "planned",
  );
});
