/**
 * mapRelease never throws, whatever JSON it is given: thousands of seeded mutations of real
 * releases (fields removed, types swapped, huge strings, deep nesting, odd unicode, numbers as
 * strings, nulls, prototype-looking keys) and random JSON values. Every success still has the
 * document shape; every failure is a typed reason. The seed is printed so a failure replays.
 */
import { assert, assertEquals } from "@std/assert";
import type { MappingErrorReason } from "../../src/ocds/documents.ts";
import { mapPage } from "../../src/ocds/map_page.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import { assertContractShape, fixture, HAS_SHARED, shared } from "./support.ts";
import { prng } from "../support/random.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ODD_STRINGS = [
  "",
  "2026-06-19", // a date-only deadline
  "javascript:alert(1)",
  "https://x.example/a b",
  "UKH25",
  "TLZ9",
  "London",
  "micro",
  "bids",
  "0.01",
  " ",
  "\u0000",
  "\ud800", // lone surrogate
  "\u202e\u0645\u0631\u062d\u0628\u0627", // right-to-left override + Arabic
  "Z\u0351\u0352\u0353algo",
  "🙂🏴󠁧󠁢󠁳󠁣󠁴󠁿",
  "\ufeff72000000",
  "1,000.50",
  "£95,000",
  "1e9999",
  "-0",
  "NaN",
  "null",
  "2026-02-31T00:00:00Z",
  "2026-04-10T10:50:13",
  "72000000-5",
  "3000000",
  "__proto__",
  "constructor",
  "CPV",
  "buyer",
  "tenderCancellation",
  "UK12",
];
const ODD_NUMBERS = [
  0,
  0.01,
  -1,
  1.5,
  1e308,
  -1e308,
  Infinity,
  -Infinity,
  NaN,
  2 ** 53 + 1,
  72000000,
  36_526,
];
const PROTO_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

function randomJson(rand: () => number, depth: number): Json {
  const r = rand();
  if (depth <= 0 || r < 0.3) {
    const pick = rand();
    if (pick < 0.2) return null;
    if (pick < 0.3) return rand() < 0.5;
    if (pick < 0.55) return ODD_NUMBERS[Math.floor(rand() * ODD_NUMBERS.length)];
    return ODD_STRINGS[Math.floor(rand() * ODD_STRINGS.length)];
  }
  if (r < 0.65) {
    return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth - 1));
  }
  const obj: { [key: string]: Json } = {};
  const keys = [
    "id",
    "ocid",
    "date",
    "tag",
    "amount",
    "value",
    "name",
    "roles",
    "scheme",
    // the fields of mapping version 2
    "durationInDays",
    "endDate",
    "region",
    "url",
    "scale",
    "measure",
    "relatedLot",
    "amendments",
    "suitability",
    "techniques",
    "legalBasis",
    ...PROTO_KEYS,
  ];
  for (let i = Math.floor(rand() * 4); i > 0; i--) {
    // defineProperty so "__proto__" becomes an own key, as JSON.parse makes it.
    Object.defineProperty(obj, keys[Math.floor(rand() * keys.length)], {
      value: randomJson(rand, depth - 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return obj;
}

function deepNest(levels: number): Json {
  let v: Json = "bottom";
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { tender: v };
  return v;
}

/** Every container (object or array) inside `v`, with v itself first. */
function containers(v: Json, out: (Json[] | { [key: string]: Json })[] = []) {
  if (Array.isArray(v)) {
    out.push(v);
    for (const x of v) containers(x, out);
  } else if (v !== null && typeof v === "object") {
    out.push(v);
    for (const x of Object.values(v)) containers(x, out);
  }
  return out;
}

function mutate(release: Json, rand: () => number, hugeOk: boolean): Json {
  const copy: Json = structuredClone(release);
  const nodes = containers(copy);
  const steps = 1 + Math.floor(rand() * 6);
  for (let s = 0; s < steps; s++) {
    const node = nodes[Math.floor(rand() * nodes.length)];
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    if (keys.length === 0) continue;
    const key = keys[Math.floor(rand() * keys.length)];
    const set = (v: Json) => {
      if (Array.isArray(node)) node[Number(key)] = v;
      else node[key] = v;
    };
    const old: Json = Array.isArray(node) ? node[Number(key)] : node[key];
    const kind = Math.floor(rand() * 10);
    if (kind === 0 && !Array.isArray(node)) delete node[key];
    else if (kind === 1) set(null);
    else if (kind === 2) {
      // Numbers become "1,234.5" text; text becomes a number (often NaN → null in JSON).
      set(
        typeof old === "number"
          ? old.toLocaleString("en-GB")
          : typeof old === "string"
          ? Number(old)
          : 0,
      );
    } else if (kind === 3) {
      set(
        Array.isArray(old)
          ? { ...old }
          : old !== null && typeof old === "object"
          ? [old]
          : String(old),
      );
    } else if (kind === 4) set(hugeOk ? "x".repeat(200_000) : "y".repeat(300));
    else if (kind === 5) set(deepNest(hugeOk ? 5_000 : 50));
    else if (kind === 6) set(ODD_STRINGS[Math.floor(rand() * ODD_STRINGS.length)]);
    else if (kind === 7) set(randomJson(rand, 3));
    else if (kind === 8 && Array.isArray(old)) {
      set(Array.from({ length: 2_000 }, () => old[0] ?? null));
    } else set(ODD_NUMBERS[Math.floor(rand() * ODD_NUMBERS.length)]);
  }
  return copy;
}

const REASONS: readonly MappingErrorReason[] = [
  "not-an-object",
  "missing-id",
  "missing-ocid",
  "missing-date",
  "invalid-date",
  "invalid-field",
];

function seeds(): Json[] {
  const own = [
    "fts_tender_lots.json",
    "fts_several_buyers.json",
    "cf_award_12_suppliers.json",
    "net_gross_only.json",
    "cf_tender_and_amendment.json",
    "non_numeric_amounts.json",
    "fts_contract_change_uk10.json",
    "fts_dynamic_market_uk15.json",
    "values_and_dates.json",
  ].flatMap((name) => fixture(name) as Json[]);
  if (!HAS_SHARED) return own;
  const real = [
    "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json",
    "fts/fts_notice_032703-2026_UK4_tender.json",
    "fts/fts_apidoc_sample_001060-2020_integration_legacy_planning.json",
    "cf/cf_release_award_12_suppliers.json",
    "cf/cf_release_planning.json",
    "cf/cf_releases_same_ocid_tender_and_tenderAmendment.json",
  ].flatMap((p) => shared(p) as Json[]);
  return [...real, ...own];
}

const SEED = 20261006;

Deno.test(`fuzz: 5,000 mutated real releases never throw (seed ${SEED})`, () => {
  const rand = prng(SEED);
  const base = seeds();
  let ok = 0, failed = 0;
  // How often the fields of mapping version 2 come out filled: the fuzz must reach them.
  const reached = {
    awarded: 0,
    regions: 0,
    documents: 0,
    amendments: 0,
    lots: 0,
    duration: 0,
    placeholder: 0,
    flags: 0,
  };
  for (let i = 0; i < 5_000; i++) {
    const input = mutate(base[i % base.length], rand, i % 250 === 0);
    for (const source of ["fts", "cf"] as const) {
      const r = mapRelease(source, input);
      if (r.ok) {
        ok++;
        assertContractShape(r.contract, r.buyers);
        const c = r.contract;
        if (c.awardedValue !== null || c.awardedValueGross !== null) reached.awarded++;
        if (c.deliveryRegions.length > 0) reached.regions++;
        if (c.documents.length > 0) reached.documents++;
        if (c.amendments.length > 0) reached.amendments++;
        if (c.lots.length > 0) reached.lots++;
        if (c.contractDurationDays !== null) reached.duration++;
        if (c.warnings.some((w) => w.code === "placeholder-amount")) reached.placeholder++;
        if (c.framework || c.dps || c.callOff) reached.flags++;
        assert(r.contract.warnings.length <= 51);
        assert((r.contract.title?.length ?? 0) <= 20_000);
        // The document must survive a trip through JSON (as it will through BSON).
        JSON.stringify(r);
      } else {
        failed++;
        assert(REASONS.includes(r.reason), `iteration ${i}: ${r.reason} ${r.error}`);
        assert(r.error.length > 0 && r.error.length < 500);
      }
    }
  }
  // Most mutations leave a mappable release: the fuzz reaches the mapping, not just the gate.
  assert(ok > failed * 3, `ok ${ok}, failed ${failed}`);
  for (const [field, n] of Object.entries(reached)) {
    assert(n > 100, `the fuzz filled ${field} only ${n} times: ${JSON.stringify(reached)}`);
  }
});

Deno.test(`fuzz: 5,000 random JSON values never throw (seed ${SEED + 1})`, () => {
  const rand = prng(SEED + 1);
  const reasons = new Set<string>();
  for (let i = 0; i < 5_000; i++) {
    const v = randomJson(rand, 5);
    // Half get the three required fields, so the body behind the gate is reached too.
    if (i % 2 === 0 && v !== null && typeof v === "object" && !Array.isArray(v)) {
      Object.assign(v, { id: `r-${i}`, ocid: "ocds-h6vhtk-fuzz", date: "2026-01-01T00:00:00Z" });
    }
    const r = mapRelease(i % 2 === 0 ? "fts" : "cf", v);
    if (r.ok) assertContractShape(r.contract, r.buyers);
    else reasons.add(r.reason);
  }
  assert(!reasons.has("internal-error"));
  assert(reasons.has("not-an-object") && reasons.has("missing-id"), [...reasons].join());
});

Deno.test("fuzz: a page of mutated releases maps without losing any release", () => {
  const rand = prng(SEED + 2);
  const base = seeds();
  const page = Array.from({ length: 300 }, (_, i) => mutate(base[i % base.length], rand, false));
  const result = mapPage("cf", page);
  assertEquals(
    result.mapped.length + result.failed.length + result.superseded.length,
    page.length,
  );
  for (const f of result.failed) assert(page.includes(f.raw as Json));
});

Deno.test("fuzz finding: an id with a lone surrogate is refused, not thrown on (encodeURIComponent)", () => {
  const r = mapRelease("fts", { id: "\ud800-2026", ocid: "ocds-h6vhtk-1", date: "2026-01-01" });
  assertEquals(r.ok ? "ok" : r.reason, "invalid-field");
  const t = mapRelease("fts", {
    id: "1",
    ocid: "ocds-h6vhtk-1",
    date: "2026-01-01",
    title: "a\udc00b",
  });
  assertEquals(t.ok ? t.contract.title : null, "a\ufffdb");
});
