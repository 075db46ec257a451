/**
 * `deno task bench:mapping [--rounds 40]` — mapping CPU per 100-release page against
 * `JSON.parse` of the same page, interleaved round by round so machine noise hits both alike
 * (`deno task bench` reports the same pair, but its averages drift on a busy machine). Prints
 * the median of the per-round ratios. The page is the one `mapping_bench.ts` uses: 100
 * releases cycled from the real samples in ../shared/data.
 * @module
 */
import { mapPage } from "../../src/ocds/map_page.ts";

const i = Deno.args.indexOf("--rounds");
const rounds = i >= 0 ? Number(Deno.args[i + 1]) : 40;
const SHARED = new URL("../../../shared/data/", import.meta.url);
const files = [
  "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json",
  "fts/fts_notice_032703-2026_UK4_tender.json",
  "cf/cf_release_award_12_suppliers.json",
  "cf/cf_releases_same_ocid_tender_and_tenderAmendment.json",
  "cf/cf_release_award_minValue.json",
  "cf/cf_release_planning.json",
];
const base = files.flatMap((f) =>
  JSON.parse(Deno.readTextFileSync(new URL(f, SHARED))).releases as Record<string, unknown>[]
);
const releases = Array.from({ length: 100 }, (_, n) => {
  const r = structuredClone(base[n % base.length]);
  r.id = `${String(r.id)}${n}`;
  return r;
});
const text = JSON.stringify({ releases });

function time(f: () => void, times: number): number {
  const t = performance.now();
  for (let k = 0; k < times; k++) f();
  return (performance.now() - t) / times;
}

const ratios: number[] = [];
const parse: number[] = [];
const map: number[] = [];
for (let round = 0; round < rounds + 5; round++) {
  const p = time(() => JSON.parse(text), 20);
  const m = time(() => mapPage("fts", releases), 20);
  if (round < 5) continue; // warm-up
  parse.push(p);
  map.push(m);
  ratios.push(m / p);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `100-release page: JSON.parse ${median(parse).toFixed(2)} ms, mapPage ${
    median(map).toFixed(2)
  } ms; mapping = ${median(ratios).toFixed(2)}× JSON.parse (median of ${rounds} rounds)`,
);
