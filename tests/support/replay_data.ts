/**
 * Releases for the replay server: the project's fixtures, the real pages in ../shared/data
 * (read in place, skipped when absent), and synthetic volume generated from real releases.
 *
 * @example
 * ```ts
 * import { syntheticReleases } from "./replay_data.ts";
 * const releases = syntheticReleases("fts", 500, {
 *   from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-08T00:00:00Z"), seed: 1,
 * });
 * releases.length; // 500, newest first, unique ids
 * ```
 * @module
 */
import type { SourceId } from "../../src/config.ts";
import type { DateWindow } from "../../src/sources/source.ts";
import {
  apiWindow,
  londonOffsetMs,
  londonWallClock,
  parseLondonWallClock,
} from "../../src/sources/windows.ts";
import { CF_FIXTURE_RELEASES, FTS_FIXTURE_RELEASES, type ReleaseJson } from "./replay_fixtures.ts";
import { prng } from "./random.ts";

export type { ReleaseJson };

/** ../shared/data, seen from the repository root (tests read it in place). */
export const SHARED_DATA = new URL("../../../shared/data/", import.meta.url);

const REAL_FILES: Record<SourceId, string[]> = {
  fts: [
    "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json",
    "fts/fts_notice_032703-2026_UK4_tender.json",
  ],
  cf: [
    "cf/cf_release_planning.json",
    "cf/cf_release_tender_minValue_value.json",
    "cf/cf_release_award_minValue.json",
    "cf/cf_release_award_12_suppliers.json",
    "cf/cf_releases_same_ocid_tender_and_tenderAmendment.json",
    "cf/cf_releases_same_ocid_award_and_awardUpdate.json",
    "cf/cf_releases_same_ocid_different_notice_guids.json",
  ],
};

/**
 * Whether ../shared/data is there (tests that need it skip with a message otherwise).
 *
 * @example
 * ```ts
 * Deno.test({ name: "real pages", ignore: !hasSharedData(), fn: () => {} });
 * ```
 */
export function hasSharedData(): boolean {
  try {
    return Deno.statSync(SHARED_DATA).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The real releases of one source from ../shared/data (deduplicated by id), or `[]` when the
 * folder is absent.
 *
 * @example
 * ```ts
 * realReleases("cf").length; // 10 when ../shared/data is present
 * ```
 */
export function realReleases(source: SourceId): ReleaseJson[] {
  if (!hasSharedData()) return [];
  const byId = new Map<string, ReleaseJson>();
  for (const file of REAL_FILES[source]) {
    const pkg = JSON.parse(Deno.readTextFileSync(new URL(file, SHARED_DATA)));
    for (const release of pkg.releases as ReleaseJson[]) byId.set(release.id, release);
  }
  return [...byId.values()];
}

/**
 * The project's fixture releases of one source (always available).
 *
 * @example
 * ```ts
 * fixtureReleases("fts")[0].id; // "900001-2026"
 * ```
 */
export function fixtureReleases(source: SourceId): ReleaseJson[] {
  return structuredClone([...(source === "fts" ? FTS_FIXTURE_RELEASES : CF_FIXTURE_RELEASES)]);
}

/** Options of {@linkcode syntheticReleases}. */
export interface SyntheticOptions {
  /** Earliest release date (inclusive). */
  readonly from: Date;
  /** Latest release date (exclusive). */
  readonly to: Date;
  /** Same seed, same releases. */
  readonly seed?: number;
}

/**
 * A release date as the APIs write it: UK local time with its offset (`Z` in winter,
 * `+01:00` in summer).
 *
 * @example
 * ```ts
 * ukDate(new Date("2026-07-01T12:00:00Z")); // "2026-07-01T13:00:00+01:00"
 * ```
 */
export function ukDate(instant: Date): string {
  return londonWallClock(instant) + (londonOffsetMs(instant) === 0 ? "Z" : "+01:00");
}

/**
 * `n` releases of `source` made from real ones (fixtures when ../shared is absent) with new
 * ids, ocids and dates spread at random (seeded) over `[from, to)`, whole seconds, newest
 * first. FTS ids are `NNNNNN-YYYY` (NNNNNN = 1…n); CF ids `{guid}-{sequence}`. Ids are
 * unique within one call; two calls with different seeds share FTS ids, so do not serve both.
 *
 * @example
 * ```ts
 * const r = syntheticReleases("cf", 3, { from: new Date("2026-01-01"), to: new Date("2026-01-02") });
 * r.map((x) => x.date); // three dates on 1 January 2026, newest first
 * ```
 */
export function syntheticReleases(
  source: SourceId,
  n: number,
  options: SyntheticOptions,
): ReleaseJson[] {
  const templates = realReleases(source);
  if (templates.length === 0) templates.push(...fixtureReleases(source));
  const random = prng(options.seed ?? 1);
  const from = options.from.getTime();
  const span = options.to.getTime() - from;
  const seedHex = ((options.seed ?? 1) >>> 0).toString(16).padStart(8, "0").slice(-8);
  const out: ReleaseJson[] = [];
  for (let i = 0; i < n; i++) {
    const release = structuredClone(templates[i % templates.length]);
    const at = new Date(Math.floor((from + random() * span) / 1000) * 1000);
    release.date = ukDate(at);
    if (source === "fts") {
      release.id = `${String(i + 1).padStart(6, "0")}-${at.getUTCFullYear()}`;
      release.ocid = `ocds-h6vhtk-s${seedHex.slice(-3)}${i.toString(16).padStart(6, "0")}`;
    } else {
      const tail = i.toString(16).padStart(12, "0");
      const guid = `${seedHex}-5e00-4000-8000-${tail}`;
      release.id = `${guid}-${100_000 + i}`;
      release.ocid = `ocds-b5fd17-${guid}`;
    }
    out.push(release);
  }
  return sortNewestFirst(out);
}

/**
 * The instant of a release's `date` (what both APIs filter on here).
 *
 * @example
 * ```ts
 * releaseInstant({ id: "x", date: "2026-07-01T13:00:00+01:00" }); // 2026-07-01T12:00:00Z
 * ```
 */
export function releaseInstant(release: ReleaseJson): number {
  return Date.parse(release.date);
}

/**
 * Releases sorted as the APIs send them: newest first, then by id descending.
 *
 * @example
 * ```ts
 * sortNewestFirst(realReleases("fts"))[0].id;
 * ```
 */
export function sortNewestFirst(releases: ReleaseJson[]): ReleaseJson[] {
  return releases.sort((a, b) =>
    releaseInstant(b) - releaseInstant(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

/**
 * The releases the replay server answers for a window as a source sends it (formatted and
 * maybe widened by `apiWindow`, read back as Europe/London): what a test should expect.
 *
 * @example
 * ```ts
 * const expected = releasesForWindow(releases, { from, to }).map((r) => r.id);
 * ```
 */
export function releasesForWindow(releases: ReleaseJson[], window: DateWindow): ReleaseJson[] {
  const sent = apiWindow(window);
  const from = parseLondonWallClock(sent.from)!.getTime();
  const to = parseLondonWallClock(sent.to)!.getTime();
  return releases.filter((r) => releaseInstant(r) >= from && releaseInstant(r) < to);
}
