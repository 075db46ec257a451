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
  for (const k of ["publishedDate", "tenderDeadline", "contractStart", "contractEnd"] as const) {
    assert(isDateOrNull(c[k]), `${k} is not a valid Date or null`);
  }
  for (
    const k of [
      "valueMin",
      "valueMax",
      "valueGrossMin",
      "valueGrossMax",
    ] as const
  ) {
    const v = c[k];
    assert(v === null || (typeof v === "number" && Number.isFinite(v)), `${k}=${v}`);
  }
  for (
    const k of ["title", "description", "buyerName", "buyerOrg", "currency", "region"] as const
  ) {
    assert(isNullOr(c[k], "string"), `${k} has type ${typeof c[k]}`);
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
