/**
 * What identifies and describes a notice: its id per source, UK notice type, stage and
 * status (its public URL and source facts are in `../sources/catalog.ts`).
 *
 * @example
 * ```ts
 * import { noticeIdOf } from "./notice.ts";
 * noticeIdOf("cf", "8f124d5d-fa11-457c-a0ed-431674a867c1-819916");
 * // { noticeId: "8f124d5d-fa11-457c-a0ed-431674a867c1", sequenced: true }
 * ```
 * @module
 */
import type { ContractStatus, SourceId, Stage } from "./documents.ts";
import type { OcdsDocument, OcdsRelease } from "./release.ts";

const CF_SEQUENCE = /^(.+)-(\d+)$/;

/**
 * The notice id of a release. FTS: the release id itself. CF: the release id without its
 * trailing `-N` (the notice GUID shared by a notice's tender and amendment releases);
 * `sequenced: false` when a CF id has no such suffix and is used whole.
 *
 * @example
 * ```ts
 * import { noticeIdOf } from "./notice.ts";
 * noticeIdOf("fts", "094477-2026"); // { noticeId: "094477-2026", sequenced: true }
 * ```
 */
export function noticeIdOf(
  source: SourceId,
  releaseId: string,
): { readonly noticeId: string; readonly sequenced: boolean } {
  if (source === "fts") return { noticeId: releaseId, sequenced: true };
  const m = CF_SEQUENCE.exec(releaseId);
  return m === null
    ? { noticeId: releaseId, sequenced: false }
    : { noticeId: m[1], sequenced: true };
}

/** Every document of a release, latest stage first (the notice's own document is usually there). */
export function documentsOf(r: OcdsRelease): OcdsDocument[] {
  return [
    ...r.contracts.flatMap((c) => c.documents),
    ...r.awards.flatMap((a) => a.documents),
    ...(r.tender?.documents ?? []),
    ...r.planningDocuments,
  ];
}

/**
 * The document that *is* the notice: the one whose id is the notice id (FTS), or whose URL is
 * the notice page (CF), else the first with a `noticeType`.
 *
 * @example
 * ```ts
 * import { noticeDocument } from "./notice.ts";
 * noticeDocument([{ id: "1", url: "https://x/Notice/abc" }], "abc", "https://x/Notice/abc")?.id; // "1"
 * ```
 */
export function noticeDocument(
  docs: readonly OcdsDocument[],
  noticeId: string,
  url: string,
): OcdsDocument | undefined {
  return docs.find((d) => d.id === noticeId && d.noticeType !== undefined) ??
    docs.find((d) => d.url === url) ??
    docs.find((d) => d.noticeType !== undefined);
}

// Most advanced first. `award` outranks `contract` on purpose: FTS tags every award notice
// (UK5, UK6, UK7) `award,contract`, and users think of those as awards; a release tagged only
// with contract tags (UK10 changes, terminations) is about the contract.
const STAGE_OF_TAG: ReadonlyArray<readonly [Stage, readonly string[]]> = [
  ["implementation", ["implementation", "implementationUpdate"]],
  ["award", ["award", "awardUpdate", "awardCancellation"]],
  ["contract", ["contract", "contractUpdate", "contractAmendment", "contractTermination"]],
  ["tender", ["tender", "tenderAmendment", "tenderUpdate", "tenderCancellation"]],
  ["planning", ["planning", "planningUpdate"]],
];

/**
 * The stage of a release from its tags (see the ranking above); `unknown` without known tags.
 *
 * @example
 * ```ts
 * import { stageOf } from "./notice.ts";
 * stageOf(["award", "contract"]); // "award"
 * stageOf(["contractAmendment"]); // "contract"
 * ```
 */
export function stageOf(tags: readonly string[]): Stage {
  for (const [stage, names] of STAGE_OF_TAG) {
    if (tags.some((t) => names.includes(t))) return stage;
  }
  return "unknown";
}

// A Map, not an object literal, so a status such as "constructor" cannot hit a prototype key.
const TENDER_STATUS: ReadonlyMap<string, ContractStatus> = new Map([
  ["planning", "planned"],
  ["planned", "planned"],
  ["active", "active"],
  ["cancelled", "cancelled"],
  ["unsuccessful", "unsuccessful"],
  ["complete", "complete"],
  ["withdrawn", "withdrawn"],
]);

/** UK12, the Procurement Act "procurement termination notice", cancels a procurement. */
const CANCELLING_NOTICE_TYPES = new Set(["UK12"]);
/** UK10 (contract change) and UK15 (dynamic market modification) change what was published. */
const AMENDING_NOTICE_TYPES = new Set(["UK10", "UK15"]);
/** OCDS tags of a release that amends (CF publishes `tenderAmendment`). */
const AMENDING_TAGS = ["tenderAmendment", "awardAmendment", "contractAmendment"];

/**
 * The status of a notice. Cancelled when any sign says so (tag `tenderCancellation`,
 * `tender.status` `cancelled`, notice type UK12); else amended for a change notice (notice
 * type UK10 or UK15, tag `tenderAmendment`, `awardAmendment` or `contractAmendment`); else
 * `tender.status`, else `planned` for a planning stage and `unknown` otherwise.
 *
 * @example
 * ```ts
 * import { statusOf } from "./notice.ts";
 * statusOf(["tenderCancellation"], "active", null, "tender"); // "cancelled"
 * statusOf(["tender"], "active", "UK4", "tender"); // "active"
 * ```
 */
export function statusOf(
  tags: readonly string[],
  tenderStatus: string | undefined,
  noticeType: string | null,
  stage: Stage,
): ContractStatus {
  if (
    tags.includes("tenderCancellation") || tenderStatus === "cancelled" ||
    (noticeType !== null && CANCELLING_NOTICE_TYPES.has(noticeType))
  ) {
    return "cancelled";
  }
  if (isAmendment(tags, noticeType)) return "amended";
  const fromTender = tenderStatus === undefined ? undefined : TENDER_STATUS.get(tenderStatus);
  if (fromTender !== undefined) return fromTender;
  return stage === "planning" ? "planned" : "unknown";
}

/**
 * Whether a release is a change notice (see {@linkcode statusOf}).
 *
 * @example
 * ```ts
 * import { isAmendment } from "./notice.ts";
 * isAmendment(["tenderAmendment"], null); // true
 * isAmendment(["award", "contract"], "UK10"); // true
 * ```
 */
export function isAmendment(tags: readonly string[], noticeType: string | null): boolean {
  return (noticeType !== null && AMENDING_NOTICE_TYPES.has(noticeType)) ||
    tags.some((t) => AMENDING_TAGS.includes(t));
}
