/**
 * What the `RETAIN_*` settings remove: one rule per collection, read by `src/config.ts` (the
 * setting, validated as an age) and applied by `src/db/retention.ts` after each cron tick.
 * Adding a collection is one entry here (and its line in the README settings table). Every
 * rule is off until its setting is given.
 *
 * A rule's query is `{...scope, [field]: {$lt: now − age}}`; an index must begin with the
 * scope's fields and then `field`, so finding what to remove never scans the collection.
 *
 * @example
 * ```ts
 * // closed procurements, by when they closed (scope narrows the rule to them):
 * // { setting: "RETAIN_CLOSED_PROCUREMENTS", collection: "procurements", field: "closedAt",
 * //   scope: { status: "closed" }, description: "…" },
 * RETENTION_RULES.map((rule) => rule.setting); // ["RETAIN_NOTICES", …]
 * ```
 * @module
 */
import { SOURCE_IDS } from "./sources/catalog.ts";

/** One collection's retention. */
export interface RetentionRule {
  /** The setting: an age such as `365d`; unset or `off` keeps everything. */
  readonly setting: `RETAIN_${string}`;
  readonly collection: string;
  /** The date compared with the age. */
  readonly field: string;
  /** Conditions every removed document also meets (and the leading fields of the index). */
  readonly scope?: Readonly<Record<string, unknown>>;
  /** Removing these documents lowers buyer counts (`buyerOrgs`): done with the counts. */
  readonly countsBuyers?: boolean;
  /** What it removes, for the settings table. */
  readonly description: string;
}

/** Every retention rule. */
export const RETENTION_RULES = [
  {
    setting: "RETAIN_NOTICES",
    collection: "contracts",
    field: "releaseDate",
    countsBuyers: true,
    description: "Remove notices whose latest release is older than this (buyer counts follow).",
  },
  {
    setting: "RETAIN_RELEASES",
    collection: "releases",
    field: "date",
    description:
      "Remove kept raw releases older than this (`deno task remap` cannot rebuild them).",
  },
  {
    setting: "RETAIN_QUARANTINE",
    collection: "quarantine",
    field: "firstSeenAt",
    scope: { kind: { $in: ["release", "page"] } },
    description: "Remove quarantine entries first met longer ago than this (raw text included).",
  },
  {
    setting: "RETAIN_RUNS",
    collection: "sync_runs",
    field: "startedAt",
    scope: { source: { $in: [...SOURCE_IDS] } },
    description: "Remove run records older than this (SYNC_RUNS_KEPT bounds them by count).",
  },
] as const satisfies readonly RetentionRule[];

/** The name of a retention setting. */
export type RetentionSetting = typeof RETENTION_RULES[number]["setting"];
