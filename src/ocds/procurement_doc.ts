/**
 * The procurement document: one per `{source, ocid}`, compiled from every stored notice of
 * that ocid (see `procurement.ts`). Like the contract documents, no field is ever `undefined`:
 * absent values are `null` or empty arrays, so documents have one shape.
 *
 * The document is a pure function of its notices — no wall clock anywhere — so compiling the
 * same notices in any order, in any page split, gives the same document. That is why `phase`
 * never says `evaluation` because a deadline passed: a tender stays `open` in the stored
 * document and {@linkcode phaseAt} turns it into `evaluation` at read time, from
 * `tenderDeadline`.
 * @module
 */
import type { Lot, Money, SourceId, Stage, Supplier } from "./documents.ts";

/**
 * Bumped whenever the compiling rules change: the cron then rebuilds every procurement from the
 * stored notices, a bounded slice per tick. (Re-mapped notices recompile their procurements as
 * they are written, so a `MAPPING_VERSION` change needs no rebuild.)
 */
export const COMPILE_VERSION = 1;

/**
 * Where a procurement stands across its notices (see the phase table in docs/PROCUREMENTS.md).
 * `unknown` when no notice says anything about the process (e.g. only a UK17 payments
 * compliance notice, or tags the mapper does not know).
 */
export type Phase =
  | "planned"
  | "market-engagement"
  | "open"
  | "evaluation"
  | "awarded"
  | "contracted"
  | "changed"
  | "cancelled"
  | "terminated"
  | "unknown";

/** One notice of the procurement, in the timeline. */
export interface TimelineEntry {
  readonly noticeId: string;
  readonly releaseId: string;
  /** `UK1`…`UK17` when published (Procurement Act 2023 notices), else `null`. */
  readonly noticeType: string | null;
  readonly stage: Stage;
  readonly tags: readonly string[];
  /** The notice's own status (see the contract documents). */
  readonly status: string;
  readonly releaseDate: Date;
  readonly publishedDate: Date | null;
  readonly url: string | null;
  /** One line for a person, e.g. `Contract award notice (UK6): awarded to X for £1,200`. */
  readonly summary: string;
  /**
   * `false` for an edited notice's earlier version: FTS publishes an edit as a new notice (new
   * id and address, same ocid, an `…Update` tag) that replaces the old one, which is then kept
   * here for reference but is not a step of its own (not counted, no phase, no values).
   */
  readonly current: boolean;
  /** The notice id of the version that replaced this one, when `current` is `false`. */
  readonly supersededBy: string | null;
}

/** A contract slot of the procurement: the newest award of one lot set or supplier set. */
export interface ProcurementAward {
  /** The notice the award (or contract) was read from. */
  readonly noticeId: string;
  readonly awardId: string | null;
  readonly status: string | null;
  readonly date: Date | null;
  readonly value: Money | null;
  readonly suppliers: readonly ProcurementSupplier[];
  /** Lots the award covers (`[]` when the notice names none). */
  readonly lotIds: readonly string[];
}

/** A supplier of the procurement's awards: as its notice names it. */
export type ProcurementSupplier = Supplier;

/** A lot, from the newest tender-stage notice that lists lots, with its own awards. */
export interface ProcurementLot extends Lot {
  /** The procurement's awards that name this lot (none for a lot without an id). */
  readonly awards: readonly ProcurementAward[];
}

/** Something the chain of notices lacks, as far as one can tell. */
export interface MissingNotice {
  /** What kind of notice seems missing: `tender`, `award`, `earlier-version`. */
  readonly kind: string;
  /** Why it is expected, and the likely reason it is absent. */
  readonly reason: string;
  /** The notices that make it expected. */
  readonly noticeIds: readonly string[];
}

/** Notices of one procurement that disagree, and how the compiler handled it. */
export interface ProcurementWarning {
  /**
   * `buyer-mismatch`, `unrelated-buyers`, `notice-without-buyer`, `currency-mismatch`,
   * `tender-after-award`, `award-without-tender`, `activity-after-cancellation`,
   * `termination-without-award`, `foreign-notice`, `timeline-truncated`.
   */
  readonly code: string;
  readonly message: string;
  readonly noticeIds: readonly string[];
}

/** Counts of the procurement's notices. */
export interface NoticeCounts {
  /** Every notice, superseded versions included. */
  readonly notices: number;
  /** Earlier versions of edited notices (not steps of their own). */
  readonly superseded: number;
  /** Current notices by stage. */
  readonly planning: number;
  readonly tender: number;
  readonly award: number;
  readonly contract: number;
  readonly implementation: number;
  readonly unknown: number;
}

/** The headline fields whose origin is recorded in `provenance`. */
export type ProvenanceField =
  | "phase"
  | "title"
  | "description"
  | "buyer"
  | "cpvCodes"
  | "tenderDeadline"
  | "estimatedValue"
  | "currency"
  | "procurementMethod"
  | "mainProcurementCategory"
  | "contractPeriod"
  | "lots"
  | "procedure"
  | "legalRegime"
  | "suitability"
  | "submissionUrl";

/** The compiled procurement. */
export interface Procurement {
  readonly source: SourceId;
  readonly ocid: string;
  /** The stored phase; read it through {@linkcode phaseAt} (open → evaluation by deadline). */
  readonly phase: Phase;
  // what and who
  readonly title: string | null;
  readonly description: string | null;
  readonly buyerName: string | null;
  readonly buyerOrg: string | null;
  /** Every buyer any notice names, the main one first. */
  readonly buyerOrgs: readonly string[];
  readonly cpvCodes: readonly string[];
  readonly sector: string | null;
  readonly sectors: readonly string[];
  readonly deliveryRegions: readonly { readonly code: string | null; readonly name: string }[];
  readonly procurementMethod: string | null;
  readonly mainProcurementCategory: string | null;
  readonly procedure: string | null;
  readonly framework: boolean;
  readonly dps: boolean;
  readonly callOff: boolean;
  readonly legalRegime: string | null;
  readonly suitability: { readonly sme: boolean | null; readonly vcse: boolean | null };
  readonly submissionUrl: string | null;
  // dates
  readonly tenderDeadline: Date | null;
  readonly contractStart: Date | null;
  readonly contractEnd: Date | null;
  readonly contractDurationDays: number | null;
  // money
  readonly currency: string | null;
  /** The estimate, from the newest tender (or planning) notice that gives one. */
  readonly valueMin: number | null;
  readonly valueMax: number | null;
  readonly valueGrossMin: number | null;
  readonly valueGrossMax: number | null;
  /** Net total of the current awards in `currency`; `null` when nothing was awarded. */
  readonly awardedValue: number | null;
  readonly awardedValueGross: number | null;
  readonly awards: readonly ProcurementAward[];
  readonly suppliers: readonly ProcurementSupplier[];
  readonly lots: readonly ProcurementLot[];
  // chain
  readonly timeline: readonly TimelineEntry[];
  readonly firstPublished: Date | null;
  /** Release date of the newest notice: never the wall clock. */
  readonly lastChanged: Date;
  readonly counts: NoticeCounts;
  readonly noticesMissing: readonly MissingNotice[];
  /** Which notice each headline field came from (notice ids; absent when no notice gave it). */
  readonly provenance: Readonly<Partial<Record<ProvenanceField, string>>>;
  readonly warnings: readonly ProcurementWarning[];
  readonly compileVersion: number;
}

/**
 * The phase of a stored procurement at `now`: a stored `open` whose `tenderDeadline` has
 * passed reads `evaluation` (deadline passed, no award yet); everything else as stored. A
 * tender without a published deadline stays `open`.
 *
 * @example
 * ```ts
 * import { phaseAt } from "./procurement_doc.ts";
 * const p = { phase: "open", tenderDeadline: new Date("2026-05-08T22:59:59Z") } as const;
 * phaseAt(p, new Date("2026-05-01T00:00:00Z")); // "open"
 * phaseAt(p, new Date("2026-06-01T00:00:00Z")); // "evaluation"
 * ```
 */
export function phaseAt(
  p: Pick<Procurement, "phase" | "tenderDeadline">,
  now: Date,
): Phase {
  if (p.phase === "open" && p.tenderDeadline !== null && p.tenderDeadline <= now) {
    return "evaluation";
  }
  return p.phase;
}
