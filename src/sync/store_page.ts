/**
 * Stores one page of releases: map, write contracts (newer wins) together with their buyers'
 * exact counts, recompile the procurements of the ocids it touched, set aside what could not be
 * mapped or parsed. Idempotent: storing a page again changes nothing. Used by the engine for
 * every page and by quarantine retries.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = JSON.parse(await Deno.readTextFile("fts_page.json"));
 * const releases: unknown[] = page.releases;
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * const position = { window, cursor: null };
 * const stored = await storePage(db, "fts", { releases, rejected: [] }, position, new Date());
 * stored.inserted; // notices stored for the first time
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId } from "../config.ts";
import { MAPPING_VERSION } from "../ocds/documents.ts";
import { mapPage } from "../ocds/map_page.ts";
import type { WriteCounts } from "../db/contracts.ts";
import { writePage } from "../db/page_write.ts";
import { type CompileCounts, writePageProcurements } from "../db/procurements.ts";
import { quarantine, type QuarantineItem } from "../db/quarantine.ts";
import { type ReleaseWrite, writeReleases } from "../db/releases.ts";
import type { Position, RejectedRelease } from "../sources/source.ts";

/** What storing a page did. */
export interface StoredPage extends WriteCounts {
  /** Releases and page text set aside in `quarantine`. */
  readonly quarantined: number;
  /** Release ids that mapped (for quarantine retries to clear their entries). */
  readonly mappedReleaseIds: readonly string[];
  /** Procurements compiled: those of the ocids the page changed, and of ocids notices left. */
  readonly procurements: number;
  /** Notices the page added, by UTC release day (see `writeContracts`). */
  readonly newByDay: Readonly<Record<string, number>>;
  /** What the raw-release step wrote; `null` when it was off. */
  readonly raw: ReleaseWrite | null;
}

/** Options of {@linkcode storePage}. */
export interface StoreOptions {
  /**
   * Keep the page's releases in `releases` (one bulk write), before the contracts, so no
   * contract exists without its raw release (a crash in between replays the page).
   * @default {true}
   */
  readonly keepRaw?: boolean;
  /**
   * Recount the page's buyers exactly instead of adding the page's deltas (a rebuild, where
   * stored counts may be wrong or buyers missing).
   * @default {false}
   */
  readonly exactBuyerCounts?: boolean;
  /**
   * Names the page until its cursor moves (see `WriteContractsOptions.pageKey`), so that `newByDay`
   * is exact when a page is stored again after a crash.
   * @default null
   */
  readonly pageKey?: string | null;
}

/**
 * Maps and stores `releases` (and quarantines `rejected` text) in a few round trips: the raw
 * releases bulk write; the page's transaction (one read of the page's notices and of the other
 * notices of their ocids; procurements insert (new ones) and replace (changed ones), compiled
 * from that read before the contracts are written; contracts insert, bulk update when any
 * changed, buyers with their contract and procurement count deltas, commit; see `writePage`);
 * a quarantine bulk write when anything was set aside.
 */
export async function storePage(
  db: Db,
  source: SourceId,
  page: { readonly releases: readonly unknown[]; readonly rejected: readonly RejectedRelease[] },
  position: Position | null,
  now: Date,
  options: StoreOptions = {},
): Promise<StoredPage> {
  const { mapped, failed, superseded, buyers } = mapPage(source, page.releases);
  const raw = options.keepRaw === false
    ? null
    : await writeReleases(db, source, page.releases, now);
  // The contracts read also fetches the other notices of the page's ocids; the procurements
  // of the ocids the page changes (and of those its notices leave) are written before the
  // contracts are (see writePageProcurements), so a crash in between replays as a change.
  const contracts = mapped.map((m) => m.contract);
  let procurements: CompileCounts = { compiled: 0, removed: 0, notices: 0 };
  const written = await writePage(db, contracts, buyers, now, {
    exactBuyerCounts: options.exactBuyerCounts,
    pageKey: options.pageKey ?? null,
    beforeWrite: async (plan) => {
      procurements = await writePageProcurements(db, source, plan);
    },
  });
  const setAside: QuarantineItem[] = [
    ...failed.map((f) => ({
      source,
      kind: "release" as const,
      releaseId: f.releaseId,
      reason: f.reason,
      error: f.error,
      raw: safeJson(f.raw),
      position,
      mappingVersion: MAPPING_VERSION,
    })),
    ...page.rejected.map((r) => ({
      source,
      kind: "page" as const,
      releaseId: r.releaseId,
      reason: "unparseable",
      error: r.reason,
      raw: r.raw,
      position,
      mappingVersion: MAPPING_VERSION,
    })),
  ];
  await quarantine(db, setAside, now);
  return {
    inserted: written.inserted,
    updated: written.updated,
    unchanged: written.unchanged,
    // a release superseded on its own page is as stale as one older than the stored notice
    stale: written.stale + superseded.length,
    quarantined: setAside.length,
    mappedReleaseIds: mapped.map((m) => m.contract.releaseId),
    procurements: procurements.compiled,
    newByDay: written.newByDay,
    raw,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // cyclic or BigInt: keep what can be kept
  }
}
