/**
 * Mapping throughput against JSON.parse of the same page, in one run:
 * `deno task bench` (or `deno bench -A tests/bench/mapping_bench.ts`).
 *
 * The page is 100 releases (a full API page) cycled from the real samples in ../shared/data
 * when present, else from the project's fixtures. Releases/s = 100 × iterations/s.
 */
import { mapPage } from "../../src/ocds/map_page.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import { searchTokens } from "../../src/ocds/search_tokens.ts";

const PAGE_SIZE = 100;
const SHARED = new URL("../../../shared/data/", import.meta.url);
const FIXTURES = new URL("../ocds/fixtures/", import.meta.url);

function releasesIn(url: URL): unknown[] {
  const doc = JSON.parse(Deno.readTextFileSync(url));
  return Array.isArray(doc?.releases) ? doc.releases : [];
}

function samples(): unknown[] {
  try {
    const files = [
      "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json",
      "fts/fts_notice_032703-2026_UK4_tender.json",
      "cf/cf_release_award_12_suppliers.json",
      "cf/cf_releases_same_ocid_tender_and_tenderAmendment.json",
      "cf/cf_release_award_minValue.json",
      "cf/cf_release_planning.json",
    ];
    return files.flatMap((f) => releasesIn(new URL(f, SHARED)));
  } catch {
    // No ../shared here: the fixtures are smaller but still real-shaped.
    console.warn("bench: ../shared/data absent, using tests/ocds/fixtures");
    return ["fts_tender_lots.json", "fts_several_buyers.json", "cf_award_12_suppliers.json"]
      .flatMap((f) => releasesIn(new URL(f, FIXTURES)));
  }
}

const base = samples();
// Distinct notice ids, so mapPage maps all 100 rather than collapsing repeats.
const releases = Array.from({ length: PAGE_SIZE }, (_, i) => {
  const r = structuredClone(base[i % base.length]) as Record<string, unknown>;
  r.id = `${String(r.id)}${i}`;
  return r;
});
const pageText = JSON.stringify({ releases });
const source = (r: unknown) =>
  String((r as { ocid?: unknown }).ocid).startsWith("ocds-b5fd17") ? "cf" : "fts";

Deno.bench({
  name: "JSON.parse of a 100-release page",
  group: "page of 100 releases",
  baseline: true,
  fn() {
    JSON.parse(pageText);
  },
});

Deno.bench({
  name: "mapRelease × 100 (already parsed)",
  group: "page of 100 releases",
  fn() {
    for (const r of releases) mapRelease(source(r), r);
  },
});

Deno.bench({
  name: "mapPage of 100 (dedupe + buyer merge)",
  group: "page of 100 releases",
  fn() {
    mapPage("fts", releases);
  },
});

Deno.bench({
  name: "JSON.parse + mapPage (what a sync page costs)",
  group: "page of 100 releases",
  fn() {
    mapPage("fts", JSON.parse(pageText).releases);
  },
});

const mappedContracts = mapPage("fts", releases).mapped.map((m) => m.contract);

Deno.bench({
  name: "searchTokens × 100 (free-text words kept with each notice)",
  group: "page of 100 releases",
  fn() {
    for (const c of mappedContracts) searchTokens(c);
  },
});
