/**
 * What each notice means for its procurement's phase, and the phase of a whole chain. Notices
 * of the Procurement Act 2023 (FTS `UK1`…`UK17`, no `UK8`) are read by their notice type;
 * older FTS notices and Contracts Finder notices by their tags, stage and status.
 *
 * @example
 * ```ts
 * import { phaseEvent } from "./procurement_phase.ts";
 * phaseEvent({ noticeType: "UK12", releaseTags: ["tenderCancellation"], stage: "tender", status: "cancelled" });
 * // "cancelled"
 * ```
 * @module
 */
import type { Contract } from "./documents.ts";
import type { Phase } from "./procurement_doc.ts";

/** The notice fields the phase rules read. */
export type PhaseNotice = Pick<Contract, "noticeType" | "releaseTags" | "stage" | "status"> & {
  /** Issue 12's documents list (CF early engagement shows as `marketEngagementNotice`). */
  readonly documents?: readonly { readonly type: string | null }[];
};

/** A Procurement Act 2023 notice type: its name and what it does to the phase. */
export interface UkNoticeType {
  readonly name: string;
  /** The phase it moves the procurement to; `null` when it says nothing about the process. */
  readonly phase: Phase | null;
  /** Whether FTS lets buyers edit it (an edit is a new version that replaces the old). */
  readonly editable: boolean;
}

/**
 * The seventeen notice types (FTS "Notice types and sequences"; there is no UK8). UK5 is the
 * transparency notice before a direct award: nobody can bid any more, the buyer has chosen,
 * so it reads `evaluation`. Dynamic markets: intention → `open` (applications invited),
 * establishment → `contracted` (the market is in force), modification → `changed`,
 * cessation → `terminated`. UK17 (payments compliance) is about the buyer, not the process.
 * UK10 and UK15 cannot be edited (FTS "Changes to published notices"): each is a step.
 */
export const UK_NOTICE_TYPES: ReadonlyMap<string, UkNoticeType> = new Map([
  ["UK1", { name: "Pipeline notice", phase: "planned", editable: true }],
  ["UK2", {
    name: "Preliminary market engagement notice",
    phase: "market-engagement",
    editable: true,
  }],
  ["UK3", { name: "Planned procurement notice", phase: "planned", editable: true }],
  ["UK4", { name: "Tender notice", phase: "open", editable: true }],
  ["UK5", { name: "Transparency notice", phase: "evaluation", editable: true }],
  ["UK6", { name: "Contract award notice", phase: "awarded", editable: true }],
  ["UK7", { name: "Contract details notice", phase: "contracted", editable: true }],
  ["UK9", { name: "Contract performance notice", phase: "contracted", editable: true }],
  ["UK10", { name: "Contract change notice", phase: "changed", editable: false }],
  ["UK11", { name: "Contract termination notice", phase: "terminated", editable: true }],
  ["UK12", { name: "Procurement termination notice", phase: "cancelled", editable: true }],
  ["UK13", { name: "Dynamic market notice (intention)", phase: "open", editable: true }],
  ["UK14", { name: "Dynamic market notice (establishment)", phase: "contracted", editable: true }],
  ["UK15", { name: "Dynamic market notice (modification)", phase: "changed", editable: false }],
  ["UK16", { name: "Dynamic market notice (cessation)", phase: "terminated", editable: true }],
  ["UK17", { name: "Payments compliance notice", phase: null, editable: true }],
]);

/** Tags FTS gives an edited version of a notice (a new notice that replaces the old one). */
export const UPDATE_TAGS: ReadonlySet<string> = new Set([
  "planningUpdate",
  "tenderUpdate",
  "awardUpdate",
  "contractUpdate",
]);

/**
 * Order of progress. `cancelled` and `terminated` are outside it: they end the process
 * whatever came before, until a later notice shows the process going on.
 */
const RANK: Readonly<Record<Phase, number>> = {
  unknown: 0,
  planned: 1,
  "market-engagement": 2,
  open: 3,
  evaluation: 4,
  awarded: 5,
  contracted: 6,
  changed: 7,
  cancelled: -1,
  terminated: -1,
};

const ENDED = new Set<string>(["cancelled", "withdrawn", "unsuccessful"]);

/**
 * The phase one notice moves its procurement to, or `null` when it says nothing.
 * By notice type when it is a UK type; otherwise by tags and stage: a cancellation tag, or a
 * planning/tender notice whose status is cancelled, withdrawn or unsuccessful → `cancelled`;
 * `contractTermination` → `terminated`; `contractAmendment` → `changed`; implementation or
 * contract stage → `contracted`; award → `awarded`; tender → `open`; planning →
 * `market-engagement` when it carries a market engagement notice, else `planned`.
 *
 * @example
 * ```ts
 * import { phaseEvent } from "./procurement_phase.ts";
 * phaseEvent({ noticeType: null, releaseTags: ["award"], stage: "award", status: "complete" }); // "awarded"
 * ```
 */
export function phaseEvent(n: PhaseNotice): Phase | null {
  const uk = n.noticeType === null ? undefined : UK_NOTICE_TYPES.get(n.noticeType);
  if (uk !== undefined) {
    // A pipeline or tender withdrawn (FTS: status `withdrawn`) ends the process before award.
    const early = uk.phase !== null && RANK[uk.phase] >= RANK.planned &&
      RANK[uk.phase] <= RANK.evaluation;
    return early && ENDED.has(n.status) ? "cancelled" : uk.phase;
  }
  const tags = n.releaseTags;
  if (tags.includes("tenderCancellation")) return "cancelled";
  if (tags.includes("contractTermination")) return "terminated";
  if (tags.includes("contractAmendment")) return "changed";
  if ((n.stage === "planning" || n.stage === "tender") && ENDED.has(n.status)) return "cancelled";
  switch (n.stage) {
    case "implementation":
    case "contract":
      return "contracted";
    case "award":
      return n.status === "cancelled" ? "cancelled" : "awarded";
    case "tender":
      return "open";
    case "planning":
      return (n.documents ?? []).some((d) => d.type === "marketEngagementNotice")
        ? "market-engagement"
        : "planned";
    default:
      return null;
  }
}

/** The phase of a chain, which notice set it, and what looked wrong on the way. */
export interface PhaseResult {
  readonly phase: Phase;
  /** The notice that set the phase (`null` when no notice said anything). */
  readonly noticeId: string | null;
  readonly warnings: readonly { code: string; message: string; noticeIds: string[] }[];
}

/**
 * Folds the current notices of a procurement, oldest first, into its phase. Progress never
 * moves backwards (a tender notice dated after an award is a warning, not a reopening);
 * a cancellation or termination ends the process until a later notice of tender stage or
 * beyond shows it going on (re-tendered, or a corrected notice published after a UK11/UK12).
 *
 * @example
 * ```ts
 * import { foldPhase } from "./procurement_phase.ts";
 * const n = (noticeId: string, noticeType: string) =>
 *   ({ noticeId, noticeType, releaseTags: [], stage: "tender", status: "active" } as const);
 * foldPhase([n("1", "UK4"), n("2", "UK12")]).phase; // "cancelled"
 * ```
 */
export function foldPhase(
  notices: readonly (PhaseNotice & { readonly noticeId: string })[],
): PhaseResult {
  let phase: Phase = "unknown";
  let setBy: string | null = null;
  const warnings: { code: string; message: string; noticeIds: string[] }[] = [];
  const award = notices.find((n) => {
    const e = phaseEvent(n);
    return e !== null && RANK[e] >= RANK.awarded;
  });
  for (const n of notices) {
    const event = phaseEvent(n);
    if (event === null) continue;
    if (event === "cancelled" || event === "terminated") {
      if (event === "terminated" && RANK[phase] < RANK.awarded && phase !== "terminated") {
        warnings.push({
          code: "termination-without-award",
          message: `${n.noticeId} terminates a contract, but no award or contract notice ` +
            "was seen before it",
          noticeIds: [n.noticeId],
        });
      }
      phase = event;
      setBy = n.noticeId;
      continue;
    }
    if (phase === "cancelled" || phase === "terminated") {
      if (RANK[event] >= RANK.open) {
        warnings.push({
          code: "activity-after-cancellation",
          message: `${n.noticeId} continues the process after it was ${phase} by ${setBy}`,
          noticeIds: [setBy ?? n.noticeId, n.noticeId],
        });
        phase = event;
        setBy = n.noticeId;
      }
      continue;
    }
    if (RANK[event] > RANK[phase]) {
      phase = event;
      setBy = n.noticeId;
    } else if (
      (event === "open" || event === "evaluation") && award !== undefined &&
      RANK[phase] >= RANK.awarded
    ) {
      warnings.push({
        code: "tender-after-award",
        message: `${n.noticeId} is a tender-stage notice dated after the award ` +
          `${award.noticeId}; the phase stays ${phase}`,
        noticeIds: [award.noticeId, n.noticeId],
      });
    }
  }
  return { phase, noticeId: setBy, warnings };
}
