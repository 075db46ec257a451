/**
 * Compiling an OCDS record against JSON.parse of the same releases, in one run:
 * `deno bench -A tests/bench/record_bench.ts` (also part of `deno task bench`).
 *
 * - "versions": 100 releases of one procurement, each a full copy of one real release (from
 *   ../shared/data when present, else the project's fixtures) with its own id and date and a few
 *   changed fields, so identifier merges hit the same objects every time (what FTS and CF send).
 * - "notices": 100 different real-shaped releases forced under one ocid, so the compiled
 *   release keeps growing (parties, awards, documents).
 * - "scale": one release with 10,000 vs 100,000 awards (1,000 distinct ids): time should grow
 *   ten-fold, not a hundred-fold.
 */
import { compileRecord, recordPackage } from "../../src/ocds/record.ts";
import { fixtureReleases, realReleases, syntheticReleases } from "../support/replay_data.ts";

const OCID = "ocds-h6vhtk-bench";
const start = Date.parse("2026-01-01T00:00:00Z");
const day = 86_400_000;

type Json = { [key: string]: unknown };

function versions(): Json[] {
  const candidates = [...realReleases("cf"), ...fixtureReleases("cf")] as unknown as Json[];
  const template = candidates.find((r) => Array.isArray(r.awards)) ?? candidates[0];
  return Array.from({ length: 100 }, (_, i) => {
    const r = structuredClone(template);
    r.ocid = OCID;
    r.id = `bench-${i}`;
    r.date = new Date(start + i * day).toISOString();
    const tender = (r.tender ?? {}) as Json;
    tender.title = `title ${i}`;
    r.tender = tender;
    return r;
  });
}

function notices(): Json[] {
  const releases = syntheticReleases("fts", 100, {
    from: new Date(start),
    to: new Date(start + 30 * day),
    seed: 13,
  }) as unknown as Json[];
  for (const r of releases) r.ocid = OCID;
  return releases;
}

const sets = { versions: versions(), notices: notices() };
const texts = Object.fromEntries(
  Object.entries(sets).map(([k, v]) => [k, JSON.stringify(v)]),
) as Record<keyof typeof sets, string>;
for (const [name, text] of Object.entries(texts)) {
  const record = compileRecord(OCID, JSON.parse(text));
  console.log(
    `${name}: ${(text.length / 1024).toFixed(0)} KiB of releases, compiled release ${
      (JSON.stringify(record.compiledRelease).length / 1024).toFixed(0)
    } KiB, ${record.warnings.length} warnings`,
  );
}

for (const name of ["versions", "notices"] as const) {
  const parsed = JSON.parse(texts[name]);
  Deno.bench(`${name}: JSON.parse of 100 releases`, { group: name, baseline: true }, () => {
    JSON.parse(texts[name]);
  });
  Deno.bench(`${name}: compileRecord of 100 parsed releases`, { group: name }, () => {
    compileRecord(OCID, parsed);
  });
  Deno.bench(`${name}: parse + compile + package + stringify (a route's work)`, {
    group: name,
  }, () => {
    const record = compileRecord(OCID, JSON.parse(texts[name]));
    JSON.stringify(
      recordPackage([record], { uri: "https://x.invalid/", publisher: { name: "x" } }),
    );
  });
}

function wide(n: number): Json[] {
  return [{
    ocid: OCID,
    id: "wide",
    date: "2026-01-01T00:00:00Z",
    awards: Array.from({ length: n }, (_, i) => ({ id: String(i % 1_000), value: { amount: i } })),
  }];
}
const wide10k = wide(10_000);
const wide100k = wide(100_000);
Deno.bench("scale: one release with 10,000 awards", { group: "scale", baseline: true }, () => {
  compileRecord(OCID, wide10k);
});
Deno.bench("scale: one release with 100,000 awards", { group: "scale" }, () => {
  compileRecord(OCID, wide100k);
});
