/**
 * Mapping version 2: what was awarded next to the estimate, placeholders, deadlines,
 * durations, delivery places, procedure flags, legal regime, suitability, lots, links,
 * amendments, date signed and bid count — one behaviour per test, on the project's fixtures.
 */
import { assert, assertEquals } from "@std/assert";
import type { Contract, SourceId } from "../../src/ocds/documents.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import { bstAtEndOfDay, endOfUkDay } from "../../src/ocds/uk_time.ts";
import { normaliseRegion } from "../../src/ocds/regions.ts";
import { hasWord, legalRegimeOf } from "../../src/ocds/procedure.ts";
import { MAX_URL, submissionUrlOf, webUrl } from "../../src/ocds/links.ts";
import { assertContractShape, fixture } from "./support.ts";

function mapped(source: SourceId, name: string): Contract[] {
  return fixture(name).map((raw) => {
    const r = mapRelease(source, raw);
    if (!r.ok) throw new Error(`${name}: ${r.reason} ${r.error}`);
    assertContractShape(r.contract, r.buyers);
    return r.contract;
  });
}

const codes = (c: Contract) => c.warnings.map((w) => w.code);

Deno.test("awarded value: active awards summed apart from the estimate, placeholders left out", () => {
  const [penny] = mapped("cf", "values_and_dates.json");
  // £0.01 estimate: a placeholder, so there is no estimate at all.
  assertEquals([penny.valueMin, penny.valueMax, penny.valueGrossMax], [null, null, null]);
  // The £0 award is a placeholder; the unsuccessful one was never awarded.
  assertEquals([penny.awardedValue, penny.awardedValueGross, penny.valueKind], [
    1425280,
    null,
    "awarded",
  ]);
  assertEquals(
    penny.warnings.filter((w) => w.code === "placeholder-amount").map((w) => w.path),
    ["tender.value.amount", "awards[1].value.amount", "awards[1].value.amountGross"],
  );
  assertEquals(penny.awards[1].value, null); // kept out of the award's own value too
});

Deno.test("an award far outside its estimate, and a minimum above the maximum, are flagged", () => {
  const [, far, inverted] = mapped("cf", "values_and_dates.json");
  assertEquals([far.valueMin, far.valueMax, far.awardedValue, far.valueKind], [
    30.88,
    140,
    48172.8,
    "both",
  ]);
  assertEquals(far.valueGrossMax, null); // gross 0 beside a net amount: a placeholder
  assert(codes(far).includes("award-outside-estimate"), codes(far).join());
  assertEquals([inverted.valueMin, inverted.valueMax], [90000, 60000]); // kept as published
  assert(codes(inverted).includes("value-range-inverted"), codes(inverted).join());
  assert(!codes(inverted).includes("award-outside-estimate"));
});

Deno.test("a date-only deadline is the end of that day in UK time, with a warning", () => {
  const [summer, winter] = mapped("cf", "values_and_dates.json");
  assertEquals(summer.tenderDeadline?.toISOString(), "2026-06-19T22:59:59.000Z"); // BST
  assertEquals(winter.tenderDeadline?.toISOString(), "2026-12-01T23:59:59.000Z"); // GMT
  assert(codes(summer).includes("date-only-deadline"));
  // A deadline with a time is read as given, without the warning.
  const [tender] = mapped("fts", "fts_tender_lots.json");
  assertEquals(tender.tenderDeadline?.toISOString(), "2026-07-01T11:00:00.000Z");
  assert(!codes(tender).includes("date-only-deadline"));
});

Deno.test("UK time: BST runs from the last Sunday of March to the last Sunday of October", () => {
  // 2026: clocks go forward on 29 March and back on 25 October.
  assertEquals(
    [[3, 28], [3, 29], [10, 24], [10, 25], [1, 1], [7, 1]].map(([m, d]) =>
      bstAtEndOfDay(2026, m, d)
    ),
    [false, true, true, false, false, true],
  );
  assertEquals(endOfUkDay("2024-03-31").toISOString(), "2024-03-31T22:59:59.000Z");
  assertEquals(endOfUkDay("2024-10-27").toISOString(), "2024-10-27T23:59:59.000Z");
});

Deno.test("contract length: durationInDays kept, the end derived from start + duration", () => {
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.contractStart?.toISOString(), "2025-09-30T23:00:00.000Z");
  assertEquals(change.contractDurationDays, 730);
  assertEquals(change.contractEnd?.toISOString(), "2027-09-30T23:00:00.000Z");
  // Only the lots carry a duration; the tender carries the start. A junk duration warns.
  const [, , lots] = mapped("cf", "values_and_dates.json");
  assertEquals(lots.contractDurationDays, 365);
  assertEquals(lots.contractEnd?.toISOString(), "2027-08-31T23:00:00.000Z");
  assert(codes(lots).includes("invalid-duration"));
  assertEquals(lots.lots.map((l) => l.contractDurationDays), [365, null]);
});

Deno.test("delivery places: every region, FTS codes and CF names normalised, once each", () => {
  const [penny] = mapped("cf", "values_and_dates.json");
  assertEquals(penny.deliveryRegions, [
    { code: "UKI", name: "London" },
    { code: "UKC", name: "North East" },
    { code: null, name: "England" },
    { code: null, name: "Any region" },
  ]);
  assertEquals(penny.deliveryPostcode, null);
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  // TLI is ITL's spelling of UKI (and the later UKI is the same place).
  assertEquals(change.deliveryRegions, [
    { code: "UKI", name: "London" },
    { code: "UKM82", name: "Glasgow City" },
  ]);
  // From a delivery address only; the buyer's CH1 1AA office is on the buyer document.
  assertEquals(change.deliveryPostcode, "G1 1AA");
});

Deno.test("regions: codes of every level, older codes, ITL, names and junk", () => {
  assertEquals(normaliseRegion("UKH25"), { code: "UKH25", name: "Central Bedfordshire" });
  assertEquals(normaliseRegion(" uk "), { code: "UK", name: "United Kingdom" });
  assertEquals(normaliseRegion("UKN0G"), { code: "UKN0G", name: "Fermanagh and Omagh" });
  assertEquals(normaliseRegion("UKK21"), { code: "UKK21", name: "Dorset and Somerset" }); // NUTS 2016
  assertEquals(normaliseRegion("Yorkshire and the Humber"), {
    code: "UKE",
    name: "Yorkshire and the Humber",
  });
  assertEquals(normaliseRegion("WEST MIDLANDS"), { code: "UKG", name: "West Midlands" });
  assertEquals(normaliseRegion("UKZ9"), { code: null, name: "UKZ9" });
  assertEquals(normaliseRegion("   "), undefined);
  assertEquals(normaliseRegion("x".repeat(5_000))?.name.length, 200);
});

Deno.test("procedure: as published, with framework, DPS and call-off flags", () => {
  const [penny] = mapped("cf", "values_and_dates.json");
  assertEquals(penny.procedure, "Call-off from a framework agreement");
  assertEquals([penny.framework, penny.dps, penny.callOff], [true, false, true]);
  const [uk15] = mapped("fts", "fts_dynamic_market_uk15.json");
  assertEquals([uk15.framework, uk15.dps, uk15.callOff], [false, true, false]);
  const [lots] = mapped("fts", "fts_tender_lots.json"); // "Highways maintenance framework"
  assertEquals([lots.framework, lots.dps, lots.callOff], [true, false, false]);
  assert(hasWord("rcc-1118-s-dps home to school dps", "dps"));
  assert(!hasWord("dpsx and xdps", "dps"));
  assert(!hasWord("a regulatory frameworks review", "framework"));
});

Deno.test("legal regime: legalBasis first (UKPGA, UKSI, CELEX), else the Act's notice types", () => {
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.legalRegime, "PA2023");
  const [, , inverted] = mapped("cf", "values_and_dates.json");
  assertEquals(inverted.legalRegime, "UCR2016"); // CELEX 32014L0025, lower-cased as published
  assertEquals(legalRegimeOf({ scheme: "UKSI", id: "2023/1348" }, null), "PSR2023");
  assertEquals(legalRegimeOf({ scheme: "UKSI", id: "2011/1848" }, null), "DSPCR2011");
  assertEquals(legalRegimeOf({ scheme: "CELEX", id: "32014L0023" }, null), "CCR2016");
  assertEquals(legalRegimeOf({ scheme: "X", id: "1" }, "UK4"), "other");
  assertEquals(legalRegimeOf(undefined, "UK15"), "PA2023");
  assertEquals(legalRegimeOf(undefined, null), null);
});

Deno.test("suitability and supplier scale, where published", () => {
  const [penny, far, inverted] = mapped("cf", "values_and_dates.json");
  assertEquals(penny.suitability, { sme: true, vcse: false }); // "false" as text, with a warning
  assertEquals(far.suitability, { sme: null, vcse: null });
  assertEquals(inverted.suitability, { sme: true, vcse: null }); // from a lot
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.suppliers.map((s) => [s.name, s.scale]), [
    ["Builders Ltd", "sme"], // micro
    ["Huge plc", "large"],
    ["Odd Scale Ltd", null],
  ]);
});

Deno.test("lots: id, title, status, value, period and their own CPV codes", () => {
  const [tender] = mapped("fts", "fts_tender_lots.json");
  assertEquals(tender.lots.map((l) => [l.id, l.title, l.status, l.value?.amount]), [
    ["1", "North", "active", 1000000],
    ["2", "South", "active", 1500000],
    ["3", "Winter service", "active", 500000],
  ]);
  // Lot 1's CPV is on a tender item whose relatedLot is "1" (where FTS puts it).
  assertEquals(tender.lots[0].cpvCodes, ["45233141"]);
  assertEquals(tender.lots[1].cpvCodes, ["45233141", "34928400"]);
  // Lot 3's own classification, additional ones (CPVS is not CPV) and its items.
  assertEquals(tender.lots[2].cpvCodes, ["90620000", "90630000", "34144440"]);
  assertEquals(tender.lots[0].contractEnd?.toISOString(), "2028-09-30T22:59:59.000Z");
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.awards[0].lotIds, ["1", "2"]);
});

Deno.test("documents: http(s) links only, once each, without the notice's own page", () => {
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.documents, [
    {
      title: "Variation order",
      type: "contractSchedule",
      url: "https://docs.example.gov.uk/variation.pdf",
    },
  ]);
  assert(codes(change).includes("invalid-url")); // javascript:, data: and a relative path
  assertEquals(webUrl("https://x.example/" + "a".repeat(MAX_URL)), null);
  assertEquals(webUrl("HTTPS://X.EXAMPLE/A"), "https://x.example/A");
  assertEquals(submissionUrlOf("tenders@harrogatetowncouncil.gov.uk"), null);
  assertEquals(
    submissionUrlOf("Register at https://in-tend.example/portal. Then reply."),
    "https://in-tend.example/portal",
  );
  assertEquals(submissionUrlOf("see http:// nothing"), null);
});

Deno.test("amendments: UK10 and UK15 read amended with what changed; no empty awards", () => {
  const [change] = mapped("fts", "fts_contract_change_uk10.json");
  assertEquals(change.status, "amended");
  assertEquals(change.amendments, [{
    date: new Date("2026-07-13T23:00:00.000Z"),
    rationale: "Additional works found during the survey",
    description: "Value increased by 150,000 for asbestos removal",
  }]);
  assertEquals(change.dateSigned?.toISOString(), "2025-09-19T23:00:00.000Z");
  assertEquals(change.awards.map((a) => a.id), ["1"]); // awards 2 and 3 said nothing
  assertEquals([change.awardedValue, change.valueKind], [1200000, "awarded"]); // awards first
  const [uk15] = mapped("fts", "fts_dynamic_market_uk15.json");
  assertEquals([uk15.status, uk15.noticeType, uk15.awards.length], ["amended", "UK15", 0]);
  assertEquals(uk15.amendments.map((a) => a.rationale), ["New categories added"]);
});

Deno.test("a CF tenderAmendment reads amended, dated by its release when it lists no changes", () => {
  const amendment = mapped("cf", "cf_tender_and_amendment.json")
    .find((c) => c.releaseTags.includes("tenderAmendment"));
  if (amendment === undefined) throw new Error("the fixture has no tenderAmendment release");
  assertEquals(amendment.status, "amended");
  assertEquals(amendment.amendments, [{
    date: amendment.releaseDate,
    rationale: null,
    description: null,
  }]);
});

Deno.test("bid count: the whole-tender figure, else one figure per lot summed", () => {
  const base = { id: "300100-2026", ocid: "ocds-h6vhtk-0c0100", date: "2026-01-01T00:00:00Z" };
  const count = (statistics: unknown) => {
    const r = mapRelease("fts", { ...base, bids: { statistics } });
    return r.ok ? r.contract.bidCount : "failed";
  };
  assertEquals(count([{ measure: "bids", value: 15, relatedLot: "1" }]), 15);
  assertEquals(
    count([
      { measure: "bids", value: 4, relatedLot: "1" },
      { measure: "bids", value: 6, relatedLot: "2" },
      { measure: "finalStageBids", value: 3, relatedLot: "1" },
    ]),
    10,
  );
  assertEquals(
    count([{ measure: "bids", value: 9 }, { measure: "bids", value: 4, relatedLot: "1" }]),
    9,
  );
  assertEquals(count([{ measure: "bids", value: -1 }, { measure: "bids", value: "x" }]), null);
  assertEquals(count("junk"), null);
});
