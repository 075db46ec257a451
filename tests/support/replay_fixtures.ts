/**
 * The project's own small release fixtures for the replay server, written for it (not
 * copied): a few FTS and CF releases, two of them on the days clocks change in 2026, so a
 * test can see them come back across a clock change without ../shared.
 *
 * @example
 * ```ts
 * import { CF_FIXTURE_RELEASES, FTS_FIXTURE_RELEASES } from "./replay_fixtures.ts";
 * FTS_FIXTURE_RELEASES.length; // 4
 * ```
 * @module
 */

/** A release as JSON; the replay server reads only `id` and `date`. */
export type ReleaseJson = Record<string, unknown> & { id: string; date: string };

function ftsRelease(id: string, ocid: string, date: string, tag: string[]): ReleaseJson {
  return {
    ocid,
    id,
    date,
    tag,
    initiationType: "tender",
    parties: [{
      id: "GB-PPON-PXYZ-0001-FIXT",
      name: "Fixture Borough Council",
      roles: ["buyer"],
      address: { locality: "Fixtureton", postalCode: "FX1 1AA", countryName: "United Kingdom" },
    }],
    buyer: { id: "GB-PPON-PXYZ-0001-FIXT", name: "Fixture Borough Council" },
    tender: {
      id: ocid,
      title: `Fixture tender ${id}`,
      status: tag.includes("tender") ? "active" : "complete",
      value: { amount: 100_000, amountGross: 120_000, currency: "GBP" },
      items: [{
        id: "1",
        additionalClassifications: [{ scheme: "CPV", id: "72000000", description: "IT" }],
      }],
      documents: [{ id: "1", documentType: "tenderNotice", noticeType: "UK4" }],
    },
  };
}

function cfRelease(guid: string, seq: number, date: string, tag: string[]): ReleaseJson {
  const ocid = `ocds-b5fd17-${guid}`;
  return {
    ocid,
    id: `${guid}-${seq}`,
    date,
    tag,
    initiationType: "tender",
    parties: [{ id: "GB-CFS-FIXTURE", name: "Fixture NHS Trust", roles: ["buyer"] }],
    buyer: { id: "GB-CFS-FIXTURE", name: "Fixture NHS Trust" },
    tender: {
      id: guid,
      title: `Fixture notice ${guid.slice(0, 8)}`,
      status: "active",
      classification: { scheme: "CPV", id: "85000000", description: "Health" },
      minValue: { amount: 5_000, currency: "GBP" },
      value: { amount: 22_000, currency: "GBP" },
    },
  };
}

/** FTS fixtures: two around the March 2026 clock change, one around October's, one plain. */
export const FTS_FIXTURE_RELEASES: readonly ReleaseJson[] = Object.freeze([
  ftsRelease("900001-2026", "ocds-h6vhtk-f00001", "2026-03-29T00:45:00Z", ["tender"]),
  ftsRelease("900002-2026", "ocds-h6vhtk-f00002", "2026-03-29T03:15:00+01:00", ["tender"]),
  ftsRelease("900003-2026", "ocds-h6vhtk-f00003", "2026-10-25T01:30:00Z", [
    "award",
    "contract",
  ]),
  ftsRelease("900004-2026", "ocds-h6vhtk-f00004", "2026-06-15T12:00:00+01:00", ["planning"]),
]);

/** CF fixtures: a tender and its amendment (same notice GUID), and an award. */
export const CF_FIXTURE_RELEASES: readonly ReleaseJson[] = Object.freeze([
  cfRelease("0f1e2d3c-0000-4000-8000-00000000c0f1", 1001, "2026-03-29T00:30:00Z", ["tender"]),
  cfRelease("0f1e2d3c-0000-4000-8000-00000000c0f1", 1002, "2026-03-29T02:30:00+01:00", [
    "tenderAmendment",
  ]),
  cfRelease("0f1e2d3c-0000-4000-8000-00000000c0f2", 1003, "2026-10-25T01:10:00+01:00", [
    "award",
  ]),
]);
