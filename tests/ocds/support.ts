/**
 * Helpers for the mapper's tests: where the real data and the fixtures are, how to load a
 * page of releases, and the invariants every mapped contract must satisfy.
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import type { Buyer, Contract } from "../../src/ocds/documents.ts";

/** `../shared/data` seen from the repository root, resolved from this file. */
export const SHARED_DATA = new URL("../../../shared/data/", import.meta.url);
/** The project's own fixtures. */
export const FIXTURES = new URL("./fixtures/", import.meta.url);

/** True when `../shared/data` exists; tests that read it skip (and say so) otherwise. */
export const HAS_SHARED = (() => {
  try {
    return Deno.statSync(SHARED_DATA).isDirectory;
  } catch {
    // Absent folder: the real-data tests are skipped with a message (see `sharedOrSkip`).
    return false;
  }
})();

if (!HAS_SHARED) {
  console.warn(`SKIP real-data tests: ${SHARED_DATA.pathname} is absent (see GUIDE.md §5)`);
}

/** Reads a JSON file. */
export function readJson(url: URL): unknown {
  return JSON.parse(Deno.readTextFileSync(url));
}

/** The releases of a release package (or of a bare array). */
export function releasesOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (typeof doc === "object" && doc !== null && "releases" in doc && Array.isArray(doc.releases)) {
    return doc.releases;
  }
  return [];
}

/** The releases of one fixture file. */
export function fixture(name: string): unknown[] {
  return releasesOf(readJson(new URL(name, FIXTURES)));
}

/** The releases of one file of `../shared/data`. */
export function shared(path: string): unknown[] {
  return releasesOf(readJson(new URL(path, SHARED_DATA)));
}

const isNullOr = (v: unknown, type: string) => v === null || typeof v === type;
const isDateOrNull = (v: unknown) =>
  v === null || (v instanceof Date && !Number.isNaN(v.getTime()));

/**
 * Asserts the shape promised by `contract.ts`: every field present (never `undefined`), of
 * its type, dates valid, CPV codes 8 digits and unique, and no contact data anywhere.
 */
export function assertContractShape(c: Contract, buyers: readonly Buyer[]): void {
  for (const [k, v] of Object.entries(c)) assert(v !== undefined, `contract.${k} is undefined`);
  assert(c.source === "fts" || c.source === "cf");
  assert(typeof c.noticeId === "string" && c.noticeId.length > 0);
  assert(typeof c.ocid === "string" && c.ocid.length > 0);
  assert(isDateOrNull(c.releaseDate) && c.releaseDate !== null);
  for (
    const k of [
      "publishedDate",
      "tenderDeadline",
      "contractStart",
      "contractEnd",
      "dateSigned",
    ] as const
  ) {
    assert(isDateOrNull(c[k]), `${k} is not a valid Date or null`);
  }
  const isNumberOrNull = (v: unknown) =>
    v === null || (typeof v === "number" && Number.isFinite(v));
  for (
    const k of [
      "valueMin",
      "valueMax",
      "valueGrossMin",
      "valueGrossMax",
      "awardedValue",
      "awardedValueGross",
      "contractDurationDays",
      "bidCount",
    ] as const
  ) {
    assert(isNumberOrNull(c[k]), `${k}=${c[k]}`);
  }
  for (const k of ["awardedValue", "awardedValueGross", "valueMax", "valueGrossMax"] as const) {
    // placeholders never reach the value fields
    assert(c[k] !== 0 && c[k] !== 0.01, `${k} is a placeholder ${c[k]}`);
  }
  const estimate = [c.valueMin, c.valueMax, c.valueGrossMin, c.valueGrossMax].some((v) =>
    v !== null
  );
  const awarded = c.awardedValue !== null || c.awardedValueGross !== null;
  assertEquals(
    c.valueKind,
    estimate ? (awarded ? "both" : "estimate") : awarded ? "awarded" : "none",
    "valueKind",
  );
  for (
    const k of [
      "title",
      "description",
      "buyerName",
      "buyerOrg",
      "currency",
      "procedure",
      "deliveryPostcode",
      "submissionUrl",
    ] as const
  ) {
    assert(isNullOr(c[k], "string"), `${k} has type ${typeof c[k]}`);
  }
  for (const k of ["framework", "dps", "callOff"] as const) assert(typeof c[k] === "boolean", k);
  assert(
    c.legalRegime === null ||
      ["PA2023", "PCR2015", "UCR2016", "CCR2016", "DSPCR2011", "PSR2023", "other"].includes(
        c.legalRegime,
      ),
    `legalRegime ${c.legalRegime}`,
  );
  for (const v of [c.suitability.sme, c.suitability.vcse]) {
    assert(v === null || typeof v === "boolean");
  }
  assert(!("region" in c) && !("postcode" in c), "the old mixed region/postcode fields are back");
  for (const r of c.deliveryRegions) {
    assert(typeof r.name === "string" && r.name.length > 0 && r.name.length <= 200, r.name);
    assert(r.code === null || /^UK[C-N]?[0-9]?[0-9A-G]?$/.test(r.code), `region code ${r.code}`);
  }
  assert(c.documents.length <= 50, "documents not capped");
  for (const d of c.documents) {
    assert(/^https?:\/\//.test(d.url) && d.url.length <= 2_000, `document url ${d.url}`);
    assert(isNullOr(d.title, "string") && isNullOr(d.type, "string"));
  }
  assert(c.submissionUrl === null || /^https?:\/\//.test(c.submissionUrl), c.submissionUrl ?? "");
  for (const a of c.amendments) {
    assert(isDateOrNull(a.date) && isNullOr(a.rationale, "string"));
    assert(isNullOr(a.description, "string"));
  }
  if (c.status === "amended") assert(c.amendments.length > 0, "amended without amendments");
  for (const lot of c.lots) {
    for (const k of ["contractStart", "contractEnd"] as const) assert(isDateOrNull(lot[k]), k);
    assert(lot.cpvCodes.every((code) => /^\d{8}$/.test(code)), `lot cpv ${lot.cpvCodes}`);
    assert(isNumberOrNull(lot.contractDurationDays));
  }
  for (const a of c.awards) {
    assert(a.lotIds.every((id) => typeof id === "string"), "lotIds");
    assert(
      a.title !== null || a.date !== null || a.value !== null || a.suppliers.length > 0,
      "an empty award entry was kept",
    );
  }
  for (const s of [...c.suppliers, ...c.awards.flatMap((a) => a.suppliers)]) {
    assert(s.scale === null || s.scale === "sme" || s.scale === "large", `scale ${s.scale}`);
  }
  assert(c.cpvCodes.every((code) => /^\d{8}$/.test(code)), `cpv ${c.cpvCodes}`);
  assertEquals(new Set(c.cpvCodes).size, c.cpvCodes.length, "cpv codes repeat");
  assert(c.sector === null || c.sectors[0] === c.sector, "sector is not sectors[0]");
  assert(c.warnings.every((w) => typeof w.code === "string" && typeof w.message === "string"));
  assert(c.url !== null && c.url.startsWith("https://www."), `url ${c.url}`);
  assert(c.buyerOrgs.every((o) => buyers.some((b) => b.orgId === o)), "buyerOrgs without buyer");
  assertEquals(c.buyerOrg, c.buyerOrgs[0] ?? null, "buyerOrg is not buyerOrgs[0]");
  for (const b of buyers) {
    for (const [k, v] of Object.entries(b)) assert(v !== undefined, `buyer.${k} is undefined`);
    assert(typeof b.orgId === "string" && b.orgId.length > 0);
  }
  const text = JSON.stringify({ c, buyers });
  assert(text.isWellFormed(), "a stored string holds a lone surrogate (not encodable as UTF-8)");
  assert(!/contactPoint|REDACTED|telephone|faxNumber|"email"/.test(text), "contact data leaked");
}
