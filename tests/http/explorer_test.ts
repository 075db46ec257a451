/**
 * The explorer's pages as HTML: a notice with its timeline, lots and documents (only http(s)
 * links), a buyer, the search form with bad input (a 400 page naming the problem), HEAD, and
 * the CSP of each page.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { ensureIndexes } from "../../src/db/indexes.ts";
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
    lots: [{ id: "1", title: "North", status: "active", value: { amount: 5000, currency: "GBP" } }],
    documents: [
      { title: "Specification", type: "tenderNotice", url: "https://example.org/spec.pdf" },
      { title: "Evil", type: null, url: "javascript:alert(1)" },
    ],
    submissionUrl: "https://example.org/submit",
  };
  await storeNotices(db, [tender, award as never], NOW);
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

  const search = await get("/explore?q=gritting&sort=deadline");
  assertStringIncludes(search.headers.get("content-security-policy")!, "form-action 'self'");
  const results = await search.text();
  assertStringIncludes(results, 'data-notice="fts/000100-2026"');
  assertStringIncludes(results, '<span class="badge open">open</span>');
  const bad = await get("/explore?publishedFrom=2025-02-30");
  assertEquals(bad.status, 400);
  assertStringIncludes(await bad.text(), "publishedFrom must be a real date");
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
