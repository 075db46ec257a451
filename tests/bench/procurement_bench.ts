/**
 * Compiling procurements against mapping the same notices, in one run:
 * `deno task bench` (or `deno bench -A tests/bench/procurement_bench.ts`).
 *
 * 100 releases of synthetic FTS chains (the shapes of `tests/support/chains.ts`: pipeline to
 * contract change, cancellations, terminations, edited tenders, two-award procurements), mapped
 * once; the sync compiles every ocid a page touches from all its stored notices, which is what
 * "compile" measures here.
 */
import { mapPage } from "../../src/ocds/map_page.ts";
import { compileProcurement } from "../../src/ocds/procurement.ts";
import { CHAIN_SHAPES, ftsChain } from "../support/chains.ts";

const releases: Record<string, unknown>[] = [];
for (let i = 0; releases.length < 100; i++) {
  releases.push(...ftsChain(i, CHAIN_SHAPES[i % CHAIN_SHAPES.length], new Date("2026-02-01")));
}
releases.length = 100;
const notices = mapPage("fts", releases).mapped.map((m) => m.contract);
const byOcid = Map.groupBy(notices, (n) => n.ocid);

Deno.bench({
  name: "mapPage of 100 releases",
  group: "100 notices",
  baseline: true,
  fn() {
    mapPage("fts", releases);
  },
});

Deno.bench({
  name: `compileProcurement of their ${byOcid.size} ocids`,
  group: "100 notices",
  fn() {
    for (const [ocid, list] of byOcid) compileProcurement({ source: "fts", ocid }, list);
  },
});
