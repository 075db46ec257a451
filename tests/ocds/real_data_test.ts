/**
 * Every file of ../shared/data/fts and ../shared/data/cf, read in place, maps without a
 * failure, with the values a person reads on the notice.
 */
import { assert, assertEquals } from "@std/assert";
import type { Contract, SourceId } from "../../src/ocds/documents.ts";
import { mapPage } from "../../src/ocds/map_page.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import { assertContractShape, HAS_SHARED, readJson, shared, SHARED_DATA } from "./support.ts";

const ignore = !HAS_SHARED;

function mapOne(source: SourceId, path: string, releaseId?: string): Contract {
  const releases = shared(path);
  for (const raw of releases) {
    const r = mapRelease(source, raw);
    if (!r.ok) throw new Error(`${path}: ${r.reason} ${r.error}`);
    assertContractShape(r.contract, r.buyers);
    if (releaseId === undefined || r.contract.releaseId === releaseId) return r.contract;
  }
  throw new Error(`${releaseId} not in ${path}`);
}

Deno.test({
  name: "real data: every release of every fts/ and cf/ file maps, and error bodies have none",
  ignore,
  fn() {
    let releases = 0;
    for (const dir of ["fts", "cf"] as const) {
      const files = [...Deno.readDirSync(new URL(`${dir}/`, SHARED_DATA))]
        .filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name).sort();
      assert(files.length >= 5, `${dir}/ has only ${files.length} files`);
      for (const name of files) {
        const doc = readJson(new URL(`${dir}/${name}`, SHARED_DATA));
        const list = shared(`${dir}/${name}`);
        const page = mapPage(dir, list);
        assertEquals(page.failed, [], `${name} has failures`);
        assertEquals(page.mapped.length + page.superseded.length, list.length, name);
        for (const m of page.mapped) assertContractShape(m.contract, m.buyers);
        // The API's error bodies (400/404 samples) are not release packages at all.
        if (name.includes("_error_")) {
          assertEquals(list.length, 0, `${name}: ${JSON.stringify(doc)}`);
        }
        releases += list.length;
      }
    }
    assertEquals(releases, 16); // 6 FTS + 10 CF releases in the shared samples
  },
});

Deno.test({
  name: "real data: FTS UK4 tender 032703-2026 (Harrogate district heating)",
  ignore,
  fn() {
    const c = mapOne("fts", "fts/fts_notice_032703-2026_UK4_tender.json");
    assertEquals(c.noticeId, "032703-2026");
    assertEquals(c.noticeType, "UK4");
    assertEquals([c.stage, c.status], ["tender", "active"]);
    assertEquals(c.cpvCodes, ["09323000", "79314000"]); // items[].additionalClassifications only
    assertEquals([c.sector, c.sectors], ["energy-fuels", ["energy-fuels", "research-polling"]]);
    assertEquals([c.valueMin, c.valueMax, c.valueGrossMax, c.currency], [
      33721,
      33721,
      40465.2,
      "GBP",
    ]);
    assertEquals(c.buyerOrg, "GB-PPON-PDTL-7248-GWZW");
    assertEquals(c.tenderDeadline?.toISOString(), "2026-05-08T22:59:59.000Z");
    // From the lot's contract period; the end is given in Z, the start in BST.
    assertEquals(c.contractStart?.toISOString(), "2026-05-13T23:00:00.000Z");
    assertEquals(c.contractEnd?.toISOString(), "2026-12-31T23:59:59.000Z");
    assertEquals(c.deliveryRegions, [{ code: "UKE2", name: "North Yorkshire" }]);
    assertEquals(c.deliveryPostcode, null); // HG1 5LT is the buyer's office, not a delivery place
    assertEquals(c.url, "https://www.find-tender.service.gov.uk/Notice/032703-2026");
    assertEquals(c.warnings, []);
  },
});

Deno.test({
  name: "real data: FTS page of 4 — UK6 awards with suppliers, gross-only award, AED lot",
  ignore,
  fn() {
    const path = "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json";
    const gross = mapOne("fts", path, "094477-2026");
    assertEquals([gross.noticeType, gross.stage, gross.status], ["UK6", "award", "complete"]);
    assertEquals([gross.valueMax, gross.valueGrossMax], [null, null]); // no estimate published
    assertEquals([gross.awardedValue, gross.awardedValueGross, gross.valueKind], [
      null,
      256378.74, // the award is "pending" (standstill), which still counts as awarded
      "awarded",
    ]);
    assertEquals(gross.awards[0].value, { amount: null, amountGross: 256378.74, currency: "GBP" });
    assertEquals(gross.suppliers, [
      { id: "GB-PPON-PVHJ-9851-QPYJ", name: "Chess ICT", scale: "large" },
    ]);
    assertEquals(gross.cpvCodes, ["64200000"]); // only in awards[].items
    assertEquals(gross.contractEnd?.toISOString(), "2029-09-30T22:59:59.000Z");

    const tender = mapOne("fts", path, "094476-2026");
    assertEquals(tender.noticeType, "UK4");
    assertEquals([tender.valueMax, tender.valueGrossMax], [2772000, 3326400]);
    assertEquals(tender.sector, "social-care"); // 85311000
    assertEquals(
      tender.warnings.map((w) => [w.code, w.path]),
      [["currency-mismatch", "tender.lots[0].value.currency"]],
    );

    const it = mapOne("fts", path, "094475-2026");
    assertEquals([it.cpvCodes, it.sector, it.valueMax], [["72000000"], "it-services", null]);
    assertEquals([it.awardedValue, it.awardedValueGross], [31715, 38058]);
    assertEquals(it.buyerName, "Durham Aged Mineworkers' Homes Association");
    assertEquals(it.warnings, []); // the stray `"buyerID": []` is not read
    const social = mapOne("fts", path, "094474-2026");
    assertEquals(social.suppliers[0].name, "SWITCH UP C.I.C.");
    assertEquals(social.procurementMethod, "selective");
  },
});

Deno.test({
  name: "real data: FTS legacy planning sample reads tender.classification and the CELEX era",
  ignore,
  fn() {
    const c = mapOne("fts", "fts/fts_apidoc_sample_001060-2020_integration_legacy_planning.json");
    assertEquals([c.stage, c.status, c.noticeType], ["planning", "planned", null]);
    assertEquals(c.cpvCodes, ["03000000"]);
    assertEquals(c.sector, "agriculture-products");
    assertEquals(c.valueMax, 123);
    assertEquals(c.buyerOrg, "1");
    assertEquals(c.mainProcurementCategory, "goods");
  },
});

Deno.test({
  name: "real data: CF award with 12 suppliers, minValue award, planning and tender",
  ignore,
  fn() {
    const twelve = mapOne("cf", "cf/cf_release_award_12_suppliers.json");
    assertEquals(twelve.noticeId, "a7425cdc-e7f7-44cc-a75a-7f77eeff79a7");
    assertEquals(twelve.suppliers.length, 12);
    assertEquals(twelve.awards[0].suppliers.length, 12);
    assertEquals(twelve.suppliers[11], {
      id: "GB-COH-11506778",
      name: "Star Cars Of Corby Ltd",
      scale: "sme",
    });
    assertEquals([twelve.stage, twelve.valueMax], ["award", 776888.48]);
    assertEquals(
      twelve.url,
      "https://www.contractsfinder.service.gov.uk/Notice/a7425cdc-e7f7-44cc-a75a-7f77eeff79a7",
    );

    const award = mapOne("cf", "cf/cf_release_award_minValue.json");
    assertEquals([award.valueMin, award.valueMax], [93007, 372032]);
    assertEquals(award.awards[0].value?.amount, 93007);
    assertEquals(award.cpvCodes, ["63712400"]);
    // The award's contract period wins over the tender's.
    assertEquals(award.contractStart?.toISOString(), "2025-01-23T00:00:00.000Z");

    const planning = mapOne("cf", "cf/cf_release_planning.json");
    assertEquals([planning.stage, planning.status], ["planning", "planned"]);
    assertEquals(planning.cpvCodes, ["09100000", "71630000"]);
    assertEquals(planning.buyerOrg, "GB-CFS-307555");

    const tender = mapOne("cf", "cf/cf_release_tender_minValue_value.json");
    assertEquals([tender.valueMin, tender.valueMax, tender.currency], [5000, 22000, "GBP"]);
    assertEquals(tender.sector, "environmental-services");
  },
});

Deno.test({
  name: "real data: CF tender + tenderAmendment of one notice keep the amendment only",
  ignore,
  fn() {
    const page = mapPage("cf", shared("cf/cf_releases_same_ocid_tender_and_tenderAmendment.json"));
    assertEquals(page.mapped.length, 1);
    const c = page.mapped[0].contract;
    assertEquals(c.releaseId, "8f124d5d-fa11-457c-a0ed-431674a867c1-819916");
    assertEquals(c.releaseTags, ["tenderAmendment"]);
    assert(c.title?.includes("December 2025 - January 2030"), c.title ?? "");
    assertEquals(c.cpvCodes, ["31500000", "50232000", "51000000", "92000000"]);
    assertEquals([c.valueMin, c.valueMax], [80000, 95000]);
    assertEquals(c.publishedDate?.toISOString(), "2025-01-23T16:33:12.000Z");
    assertEquals(page.superseded.map((s) => s.releaseId), [
      "8f124d5d-fa11-457c-a0ed-431674a867c1-819842",
    ]);
  },
});

Deno.test({
  name: "real data: CF award + awardUpdate collapse; two notice GUIDs of one ocid stay apart",
  ignore,
  fn() {
    const updates = mapPage("cf", shared("cf/cf_releases_same_ocid_award_and_awardUpdate.json"));
    assertEquals(updates.mapped.map((m) => m.contract.releaseTags), [["awardUpdate"]]);
    assertEquals(updates.mapped[0].contract.cpvCodes, ["72267000", "72500000"]);

    const two = mapPage("cf", shared("cf/cf_releases_same_ocid_different_notice_guids.json"));
    assertEquals(two.mapped.map((m) => [m.contract.noticeId, m.contract.stage]), [
      ["beb37fb4-925c-47ea-8f8a-ce406ef559c8", "award"],
      ["7835a506-a523-46bd-836a-60a9b8ce418e", "tender"],
    ]);
    assertEquals(two.superseded, []);
    assertEquals(two.buyers.map((b) => b.orgId), ["GB-CFS-95246"]);
  },
});
