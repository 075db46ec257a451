/**
 * Decode + parse of a 100-release page, the work a source does per page:
 * `deno bench -A tests/bench/decode_bench.ts`.
 */
import { decodeBody } from "../../src/sources/decode.ts";
import { parsePage } from "../../src/sources/page_parse.ts";
import { syntheticReleases } from "../support/replay_data.ts";

const from = new Date("2026-06-01T00:00:00Z");
const to = new Date("2026-06-02T00:00:00Z");

function page(source: "fts" | "cf"): string {
  return JSON.stringify({
    uri: "https://example.invalid/",
    version: "1.1",
    releases: syntheticReleases(source, 100, { from, to, seed: 9 }),
    links: { next: "https://example.invalid/api?cursor=abc" },
  });
}

const enc = new TextEncoder();
const fts = enc.encode(page("fts"));
const cf = enc.encode(page("cf"));
const ftsRepair = enc.encode(page("fts").replace('"amount":', '"amount": 000, "x":'));
const ftsBadRelease = enc.encode(page("fts").replace('{"ocid"', '{"oops": NaN, "ocid"'));
const cf1252 = new Uint8Array([...cf, 0xe9]); // one stray Windows-1252 byte at the end
console.log(
  `FTS page: ${(fts.length / 1024).toFixed(0)} KiB, CF page: ${(cf.length / 1024).toFixed(0)} KiB`,
);

Deno.bench("FTS 100 releases: decode + parse", { group: "page", baseline: true }, () => {
  parsePage(decodeBody(fts).text);
});
Deno.bench("CF 100 releases: decode + parse", { group: "page" }, () => {
  parsePage(decodeBody(cf).text);
});
Deno.bench("FTS 100 releases with a leading-zero number (repair path)", { group: "page" }, () => {
  parsePage(decodeBody(ftsRepair).text);
});
Deno.bench("FTS 100 releases, one unparseable (per-release path)", { group: "page" }, () => {
  parsePage(decodeBody(ftsBadRelease).text);
});
Deno.bench(
  "CF 100 releases with a Windows-1252 byte (byte-by-byte decode)",
  { group: "page" },
  () => {
    parsePage(decodeBody(cf1252).text);
  },
);
Deno.bench("FTS baseline: TextDecoder + JSON.parse only", { group: "page" }, () => {
  JSON.parse(new TextDecoder().decode(fts));
});
