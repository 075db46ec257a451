/**
 * A page of releases → the contracts and buyers to store. Within one page a notice can appear
 * several times (a CF tender and its amendment share a notice id): only its newest release is
 * kept, the others are superseded. Buyers are merged by `orgId` across the page.
 *
 * @example
 * ```ts
 * import { mapPage } from "./map_page.ts";
 * const page = mapPage("cf", [{ id: "abc-1" }, "junk"]);
 * page.failed.map((f) => f.reason); // ["missing-ocid", "not-an-object"]
 * ```
 * @module
 */
import type { Buyer, Contract, MappingErrorReason, SourceId } from "./documents.ts";
import { mapRelease } from "./map_release.ts";

/** A release that mapped, with the buyers it names. */
export interface MappedRelease {
  readonly contract: Contract;
  readonly buyers: readonly Buyer[];
}

/** A release that could not be mapped, kept whole for quarantine. */
export interface FailedRelease {
  readonly releaseId: string | null;
  readonly reason: MappingErrorReason;
  readonly error: string;
  readonly raw: unknown;
}

/** A release replaced by a newer release of the same notice on the same page. */
export interface SupersededRelease {
  readonly noticeId: string;
  readonly releaseId: string;
  /** The release kept instead. */
  readonly by: string;
}

/** What {@linkcode mapPage} returns. */
export interface PageMapping {
  /** One entry per notice (its newest release), in page order. */
  readonly mapped: MappedRelease[];
  readonly failed: FailedRelease[];
  readonly superseded: SupersededRelease[];
  /**
   * Every buyer named on the page (superseded releases included), one per `orgId`; fields
   * merged, the newest release's non-null value wins.
   */
  readonly buyers: Buyer[];
}

// Trailing digits compared as numbers, so CF `…-819916` beats `…-819842` and `…-10` beats `…-9`.
const TRAILING_NUMBER = /^(.*?)(\d+)$/;

/**
 * Orders release ids: by the text before a trailing number, then by that number.
 *
 * @example
 * ```ts
 * import { compareReleaseIds } from "./map_page.ts";
 * compareReleaseIds("g-9", "g-10") < 0; // true
 * ```
 */
export function compareReleaseIds(a: string, b: string): number {
  const ma = TRAILING_NUMBER.exec(a), mb = TRAILING_NUMBER.exec(b);
  if (ma !== null && mb !== null && ma[1] === mb[1]) {
    const byLength = ma[2].replace(/^0+/, "").length - mb[2].replace(/^0+/, "").length;
    if (byLength !== 0) return byLength;
    const na = ma[2].replace(/^0+/, ""), nb = mb[2].replace(/^0+/, "");
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders releases of one notice: by release date, then by id (numerically where ids end in
 * numbers, as CF's `{guid}-{sequence}` do). Positive when `a` is newer than `b`. The one
 * definition of "newer", used within a page and against what is stored.
 *
 * @example
 * ```ts
 * import { compareReleases } from "./map_page.ts";
 * const at = new Date("2026-01-01T00:00:00Z");
 * compareReleases({ releaseDate: at, releaseId: "g-10" }, { releaseDate: at, releaseId: "g-9" }) > 0; // true
 * ```
 */
export function compareReleases(
  a: Pick<Contract, "releaseDate" | "releaseId">,
  b: Pick<Contract, "releaseDate" | "releaseId">,
): number {
  const byDate = a.releaseDate.getTime() - b.releaseDate.getTime();
  return byDate !== 0 ? byDate : compareReleaseIds(a.releaseId, b.releaseId);
}

/**
 * True when `a` is newer than `b` (see {@linkcode compareReleases}).
 *
 * @example
 * ```ts
 * // see mapPage
 * ```
 */
export function isNewer(a: Contract, b: Contract): boolean {
  return compareReleases(a, b) > 0;
}

/**
 * Merges two documents of one buyer: non-null fields of `first` win, identifiers and sources
 * are united.
 *
 * @example
 * ```ts
 * import { mergeBuyers } from "./map_page.ts";
 * const a = { orgId: "x", name: "X", identifiers: [], address: null, url: null, sources: ["cf"] } as const;
 * mergeBuyers(a, { ...a, name: null, url: "https://x.example", sources: ["fts"] }).sources; // ["cf", "fts"]
 * ```
 */
export function mergeBuyers(first: Buyer, second: Buyer): Buyer {
  return {
    orgId: first.orgId,
    name: first.name ?? second.name,
    identifiers: [...new Set([...first.identifiers, ...second.identifiers])],
    address: first.address ?? second.address,
    url: first.url ?? second.url,
    sources: [...new Set([...first.sources, ...second.sources])],
  };
}

/**
 * Maps every release of a page. Failures are collected with their raw release; a notice that
 * appears several times keeps only its newest release (by `releaseDate`, then release id);
 * buyers are deduplicated by `orgId`, newest release's data first.
 *
 * @example
 * ```ts
 * import { mapPage } from "./map_page.ts";
 * import { SOURCE_CATALOG } from "../sources/catalog.ts";
 * const ocid = `${SOURCE_CATALOG.cf.ocidPrefix}-1`;
 * const r = (id: string, date: string) => ({ id, date, ocid, tag: ["tender"] });
 * const page = mapPage("cf", [r("g-819916", "2025-01-23T16:36:49Z"), r("g-819842", "2025-01-23T16:33:12Z")]);
 * page.mapped.map((m) => m.contract.releaseId); // ["g-819916"]
 * page.superseded[0].releaseId; // "g-819842"
 * ```
 */
export function mapPage(source: SourceId, releases: readonly unknown[]): PageMapping {
  const failed: FailedRelease[] = [];
  const superseded: SupersededRelease[] = [];
  const byNotice = new Map<string, MappedRelease>();
  const all: MappedRelease[] = []; // superseded ones too: their buyers still fill gaps
  for (const raw of releases) {
    const result = mapRelease(source, raw);
    if (!result.ok) {
      failed.push({ releaseId: result.releaseId, reason: result.reason, error: result.error, raw });
      continue;
    }
    const entry = { contract: result.contract, buyers: result.buyers };
    all.push(entry);
    const key = entry.contract.noticeId;
    const held = byNotice.get(key);
    if (held === undefined) {
      byNotice.set(key, entry);
    } else {
      const [keep, drop] = isNewer(entry.contract, held.contract) ? [entry, held] : [held, entry];
      superseded.push({
        noticeId: key,
        releaseId: drop.contract.releaseId,
        by: keep.contract.releaseId,
      });
      // Re-inserting would move the notice to the end; set() on an existing key keeps its slot.
      byNotice.set(key, keep);
    }
  }
  const mapped = [...byNotice.values()];
  const newestFirst = all.sort((a, b) =>
    isNewer(a.contract, b.contract) ? -1 : isNewer(b.contract, a.contract) ? 1 : 0
  );
  const buyers = new Map<string, Buyer>();
  for (const m of newestFirst) {
    for (const b of m.buyers) {
      const held = buyers.get(b.orgId);
      buyers.set(b.orgId, held === undefined ? b : mergeBuyers(held, b));
    }
  }
  return { mapped, failed, superseded, buyers: [...buyers.values()] };
}
