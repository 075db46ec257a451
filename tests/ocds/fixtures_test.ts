/**
 * The project's own fixtures: one edge case each (lots, several buyers, twelve suppliers,
 * net/gross only, minValue, tender + amendment, cancellation, non-numeric amounts, missing
 * fields).
 */
import { assert, assertEquals } from "@std/assert";
import type { Buyer, Contract, MapResult, SourceId } from "../../src/ocds/documents.ts";
import { mapPage } from "../../src/ocds/map_page.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import { assertContractShape, fixture, FIXTURES } from "./support.ts";

function mapAll(
  source: SourceId,
  name: string,
): { contract: Contract; buyers: readonly Buyer[] }[] {
  return fixture(name).map((raw) => {
    const r = mapRelease(source, raw);
    if (!r.ok) throw new Error(`${name}: ${r.reason}: ${r.error}`);
    assertContractShape(r.contract, r.buyers);
    return { contract: r.contract, buyers: r.buyers };
  });
}

const codes = (c: Contract) => c.warnings.map((w) => w.code);

function okContract(r: MapResult | undefined): Contract {
  if (r === undefined || !r.ok) throw new Error(`expected a contract, got ${JSON.stringify(r)}`);
  return r.contract;
}

Deno.test("lots: CPV from lots and lot items, check digit stripped, lot periods spanned", () => {
  const [{ contract: c }] = mapAll("fts", "fts_tender_lots.json");
  // Items first (main = first item's code), then lot classifications, then lot items; the
  // CPVS supplementary code is not CPV and is ignored.
  assertEquals(c.cpvCodes, ["45233141", "34928400", "90620000", "90630000", "34144440"]);
  assertEquals(c.sector, "construction-works");
  assertEquals(c.sectors, ["construction-works", "transport-equipment", "environmental-services"]);
  assertEquals([c.valueMax, c.valueGrossMax], [3000000, 3600000]); // the tender's, not a lot sum
  assertEquals(c.contractStart?.toISOString(), "2026-09-30T23:00:00.000Z"); // earliest lot start
  assertEquals(c.contractEnd?.toISOString(), "2029-10-31T23:59:59.000Z"); // latest lot end
  assertEquals([c.noticeType, c.tenderDeadline?.toISOString()], [
    "UK4",
    "2026-07-01T11:00:00.000Z",
  ]);
  assertEquals(c.warnings, []);
});

Deno.test("several buyers: all become Buyer docs, the referenced one is main, no contact data", () => {
  const [{ contract: c, buyers }] = mapAll("fts", "fts_several_buyers.json");
  assertEquals(c.buyerOrg, "GB-PPON-TEST-0003-CCCC");
  assertEquals(c.buyerName, "Southtown District Council");
  assertEquals(c.buyerOrgs, [
    "GB-PPON-TEST-0003-CCCC",
    "GB-PPON-TEST-0002-BBBB",
    "auto-westshire-fire-and-rescue-authority",
  ]);
  const north = buyers.find((b) => b.orgId === "GB-PPON-TEST-0002-BBBB");
  assertEquals(north, {
    orgId: "GB-PPON-TEST-0002-BBBB",
    name: "Northtown Borough Council",
    identifiers: ["GB-PPON:TEST-0002-BBBB", "GB-GOR:NTB1"],
    address: {
      streetAddress: "1 High Street",
      locality: "Northtown",
      region: "UKC21",
      postalCode: "NT1 1AA",
      countryName: null,
    },
    url: "https://northtown.example",
    sources: ["fts"],
  });
  assert(!buyers.some((b) => b.orgId === "GB-COH-00000001"), "a supplier became a buyer");
  const stored = JSON.stringify({ c, buyers });
  for (
    const secret of [
      "Alice",
      "alice.personal",
      "2000 000002",
      "2000 000003",
      "Bob",
      "carol",
      "dave",
    ]
  ) {
    assert(!stored.includes(secret), `contact detail ${secret} was stored`);
  }
  // The fixture does carry them, so the test would notice if they were read.
  assert(
    Deno.readTextFileSync(new URL("fts_several_buyers.json", FIXTURES)).includes("alice.personal"),
  );
});

Deno.test("twelve suppliers over two awards: deduplicated, names filled from parties", () => {
  const [{ contract: c }] = mapAll("cf", "cf_award_12_suppliers.json");
  assertEquals(c.awards.map((a) => a.suppliers.length), [7, 6]);
  assertEquals(c.suppliers.length, 12);
  assertEquals(c.suppliers[10], { id: null, name: "Eleven Without Id", scale: null });
  assertEquals(c.suppliers[11], { id: "GB-COH-90000012", name: "Twelve Cars Ltd", scale: null });
  // The tender's value is the estimate; the awards' sum is what was awarded.
  assertEquals([c.valueMax, c.awardedValue, c.valueKind], [500000, 500000, "both"]);
  assertEquals(c.awards.map((a) => a.value?.amount), [300000, 200000]);
  assertEquals(c.contractStart?.toISOString(), "2025-02-01T00:00:00.000Z");
  assertEquals(c.contractEnd?.toISOString(), "2025-08-31T22:59:59.000Z");
  assertEquals(c.noticeId, "00000000-0000-4000-8000-0000000000a3");
});

Deno.test("net only, gross only, and award-only values stay apart", () => {
  const [net, gross, awards] = mapAll("fts", "net_gross_only.json").map((m) => m.contract);
  assertEquals([net.valueMin, net.valueMax, net.valueGrossMin, net.valueGrossMax], [
    250000,
    250000,
    null,
    null,
  ]);
  assertEquals([gross.valueMin, gross.valueMax, gross.valueGrossMin, gross.valueGrossMax], [
    null,
    null,
    300000,
    300000,
  ]);
  // No tender value: no estimate; the award values are summed, net and gross separately.
  assertEquals([awards.valueMax, awards.valueGrossMax], [null, null]);
  assertEquals([awards.awardedValue, awards.awardedValueGross, awards.valueKind], [
    50000,
    180000.5,
    "awarded",
  ]);
  assertEquals(awards.suppliers.map((s) => s.id), ["GB-COH-1", "GB-COH-2"]);
  assertEquals(awards.stage, "award");
});

Deno.test("minValue: range, floor only, and a currency mismatch warned", () => {
  const [range, floor, mixed] = mapAll("cf", "cf_min_value.json").map((m) => m.contract);
  assertEquals([range.valueMin, range.valueMax], [5000, 22000]);
  assertEquals([floor.valueMin, floor.valueMax, floor.currency], [7000, null, "GBP"]);
  assertEquals([mixed.valueMin, mixed.valueMax, mixed.currency], [1000, 9000, "GBP"]);
  assertEquals(mixed.warnings.map((w) => [w.code, w.path]), [
    ["currency-mismatch", "tender.minValue.currency"],
    ["no-cpv", null],
  ]);
});

Deno.test("tender + tenderAmendment of one notice: the newest wins whatever the page order", () => {
  const releases = fixture("cf_tender_and_amendment.json");
  for (const order of [releases, [...releases].reverse()]) {
    const page = mapPage("cf", order);
    assertEquals(page.failed, []);
    assertEquals(page.mapped.length, 2);
    const amended = page.mapped.find((m) => m.contract.noticeId.endsWith("aa"))?.contract;
    assertEquals(amended?.releaseId, "00000000-0000-4000-8000-0000000000aa-900011");
    assertEquals(amended?.title, "Grounds maintenance (extended deadline)");
    assertEquals(amended?.valueMax, 45000);
    assertEquals(amended?.tenderDeadline?.toISOString(), "2025-03-15T12:00:00.000Z");
    assertEquals(page.superseded, [{
      noticeId: "00000000-0000-4000-8000-0000000000aa",
      releaseId: "00000000-0000-4000-8000-0000000000aa-900010",
      by: "00000000-0000-4000-8000-0000000000aa-900011",
    }]);
    // One buyer for the page, merged: the newest release's url, the older one's address.
    assertEquals(page.buyers.length, 1);
    assertEquals(page.buyers[0].url, "https://amending.example");
    assertEquals(page.buyers[0].address?.postalCode, "AM1 1AA");
  }
});

Deno.test("cancellation: by tag, by tender.status, by UK12 notice type", () => {
  const list = mapAll("fts", "fts_cancellation.json").map((m) => m.contract);
  assertEquals(list.map((c) => c.status), ["cancelled", "cancelled", "cancelled"]);
  assertEquals(list.map((c) => c.noticeType), ["UK12", null, "UK12"]);
  assertEquals(list.map((c) => c.stage), ["tender", "tender", "tender"]);
});

Deno.test("non-numeric amounts: parsed with a warning when they read as numbers, else dropped", () => {
  const [{ contract: c }] = mapAll("cf", "non_numeric_amounts.json");
  assertEquals([c.valueMin, c.valueMax, c.currency], [1000.5, 95000, "GBP"]); // "gbp" upper-cased
  // Its only award had nothing usable left (no value, title, date or supplier): not kept.
  assertEquals([c.awards, c.awardedValue], [[], null]);
  assertEquals(c.warnings.map((w) => [w.code, w.path]), [
    ["amount-as-string", "tender.value.amount"],
    ["amount-as-string", "tender.minValue.amount"],
    ["non-numeric-amount", "tender.lots[0].value.amount"],
    ["non-numeric-amount", "tender.lots[1].value.amount"], // 1e9999 → Infinity
    ["non-numeric-amount", "awards[0].value.amount"],
    ["non-numeric-amount", "awards[0].value.amountGross"],
    ["no-cpv", null],
  ]);
});

Deno.test("missing fields: typed errors for what cannot be a contract, warnings for the rest", () => {
  const results: MapResult[] = fixture("missing_fields.json").map((raw) => mapRelease("fts", raw));
  assertEquals(
    results.map((r) => (r.ok ? "ok" : `${r.reason}:${r.releaseId}`)),
    [
      "missing-id:null",
      "missing-ocid:100017-2026",
      "missing-date:100018-2026",
      "invalid-date:100019-2026",
      "invalid-field:null",
      "not-an-object:null",
      "not-an-object:null",
      "not-an-object:null",
      "not-an-object:null",
      "ok",
      "ok",
    ],
  );
  const bare = okContract(results[9]);
  assertEquals(bare.releaseDate.toISOString(), "2026-06-23T00:00:00.000Z");
  assertEquals([bare.stage, bare.status, bare.buyerOrg], ["unknown", "unknown", null]);
  assertEquals(codes(bare), ["missing-buyer", "no-cpv"]);

  const c = okContract(results[10]);
  assertEquals(c.releaseTags, ["tender"]); // a lone string read as a one-tag list
  assertEquals(c.title, "1234");
  assertEquals(c.description, null);
  assertEquals(c.cpvCodes, ["99000000"]); // kept without a sector
  assertEquals([c.sector, c.sectors], [null, []]);
  assertEquals(c.buyerOrg, "auto-lone-party"); // `parties` was one object, not an array
  assertEquals(c.tenderDeadline, null);
  assertEquals(codes(c).sort(), [
    "cpv-without-scheme",
    "invalid-date",
    "malformed-cpv",
    "unknown-cpv-division",
    "wrong-type",
    "wrong-type",
    "wrong-type",
    "wrong-type",
    "wrong-type",
    "wrong-type",
  ]);
});
