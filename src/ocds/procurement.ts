/**
 * Compiles one procurement from its notices: every stored contract document of one
 * `{source, ocid}` → one {@linkcode Procurement}. Pure and total: no I/O, no clock, no
 * exception whatever the notices, and order-independent — the notices are first put in one
 * total order (release date, then release id with its trailing number compared as a number,
 * then notice id), so any arrival order or page split gives the same document.
 *
 * Edited notices: FTS publishes an edit of a Procurement Act notice as a new notice (new id and
 * address, same ocid, same notice type, an `…Update` tag) that replaces the old version. The
 * newest version is the step; earlier versions stay in the timeline with `current: false` and
 * count for nothing else. UK10 and UK15 cannot be edited, so each of those is always a step.
 * Contracts Finder edits keep the notice id, so the contract document already holds only the
 * newest release of a notice.
 *
 * @example
 * ```ts
 * import { compileProcurement } from "./procurement.ts";
 * import type { CompilerNotice } from "./procurement_notice.ts";
 * declare const notices: CompilerNotice[]; // the stored notices of one ocid
 * const p = compileProcurement({ source: "fts", ocid: "ocds-example-067fb8" }, notices);
 * p?.phase; // "open"
 * ```
 * @module
 */
import type { SourceId } from "./documents.ts";
import { contractSlots, sumOf, uniqueSuppliers } from "./procurement_awards.ts";
import {
  COMPILE_VERSION,
  type MissingNotice,
  type NoticeCounts,
  type Procurement,
  type ProcurementAward,
  type ProcurementLot,
  type ProcurementWarning,
  type ProvenanceField,
  type TimelineEntry,
} from "./procurement_doc.ts";
import { compareNotices, type CompilerNotice, type NoticeAward } from "./procurement_notice.ts";
import { foldPhase, phaseEvent, UK_NOTICE_TYPES, UPDATE_TAGS } from "./procurement_phase.ts";
import { summarize } from "./procurement_summary.ts";

export type { CompilerNotice, NoticeLot } from "./procurement_notice.ts";
export { compareNotices } from "./procurement_notice.ts";

/** Timeline entries kept; the newest are kept, and a warning says how many were left out. */
export const TIMELINE_LIMIT = 500;
/** Notice ids listed in one warning or hint. */
const IDS_LIMIT = 20;

const TENDERISH = new Set(["tender", "planning"]);
const AWARDISH = new Set(["award", "contract", "implementation"]);
const STAGES = new Set(["planning", "tender", "award", "contract", "implementation", "unknown"]);
/** Procedures that never have a tender notice (direct awards, call-offs). */
const NO_TENDER_HINTS = [
  "direct award",
  "without competition",
  "under framework",
  "under a framework",
  "call-off",
  "call off",
];

function ids(list: readonly { noticeId: string }[]): string[] {
  return list.slice(0, IDS_LIMIT).map((n) => n.noticeId);
}

/** The newest notice of `list` (oldest first) for which `pick` gives a value. */
function newest<N, T>(
  list: readonly N[],
  pick: (n: N) => T | null | undefined,
): { value: T; from: N } | null {
  for (let i = list.length - 1; i >= 0; i--) {
    const value = pick(list[i]);
    if (value !== null && value !== undefined) return { value, from: list[i] };
  }
  return null;
}

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | null {
  return list !== undefined && list.length > 0 ? list : null;
}

/** Marks earlier versions of edited notices; returns `supersededBy` per notice id. */
function versions(
  sorted: readonly CompilerNotice[],
  missing: MissingNotice[],
): Map<string, string> {
  const supersededBy = new Map<string, string>();
  const currentOfType = new Map<string, CompilerNotice[]>();
  for (const n of sorted) {
    const type = n.noticeType;
    const uk = type === null ? undefined : UK_NOTICE_TYPES.get(type);
    if (type === null || uk === undefined) continue;
    const earlier = currentOfType.get(type) ?? [];
    if (uk.editable && n.releaseTags.some((t) => UPDATE_TAGS.has(t))) {
      const replaced = lastOverlapping(earlier, n);
      if (replaced === undefined) {
        missing.push({
          kind: "earlier-version",
          reason: `${n.noticeId} is an edited ${type} notice whose earlier version was never ` +
            "seen (it may predate the sync's start date)",
          noticeIds: [n.noticeId],
        });
      } else {
        supersededBy.set(replaced.noticeId, n.noticeId);
        earlier.splice(earlier.indexOf(replaced), 1);
      }
    }
    earlier.push(n);
    currentOfType.set(type, earlier);
  }
  return supersededBy;
}

/** What identifies the contracts of an award notice: its lots, else its suppliers. */
function contractKeys(n: CompilerNotice): Set<string> {
  const keys = new Set<string>();
  for (const a of n.awards as readonly NoticeAward[]) {
    for (const lot of a.lotIds ?? []) keys.add(`lot:${lot}`);
  }
  if (keys.size === 0) {
    for (const s of n.suppliers) keys.add(s.id !== null ? `id:${s.id}` : `name:${s.name}`);
  }
  return keys;
}

/**
 * The version an edit replaces: the newest earlier current notice of its type about the same
 * contracts (lots or suppliers), else simply the newest earlier one of its type.
 */
function lastOverlapping(
  earlier: readonly CompilerNotice[],
  edit: CompilerNotice,
): CompilerNotice | undefined {
  const mine = contractKeys(edit);
  if (mine.size > 0) {
    for (let i = earlier.length - 1; i >= 0; i--) {
      if ([...contractKeys(earlier[i])].some((k) => mine.has(k))) return earlier[i];
    }
  }
  return earlier.at(-1);
}

function buyerWarnings(current: readonly CompilerNotice[]): ProcurementWarning[] {
  const warnings: ProcurementWarning[] = [];
  const without = current.filter((n) => n.buyerOrg === null);
  if (without.length > 0) {
    warnings.push({
      code: "notice-without-buyer",
      message: `${without.length} notice(s) name no buyer; the buyer comes from the others`,
      noticeIds: ids(without),
    });
  }
  const byMain = new Map<string, CompilerNotice>();
  for (const n of current) {
    if (n.buyerOrg !== null && !byMain.has(n.buyerOrg)) byMain.set(n.buyerOrg, n);
  }
  if (byMain.size < 2) return warnings;
  const firsts = [...byMain.values()];
  const unrelated = firsts.some((a, i) =>
    firsts.slice(i + 1).some((b) => !a.buyerOrgs.some((x) => b.buyerOrgs.includes(x)))
  );
  warnings.push(
    unrelated
      ? {
        code: "unrelated-buyers",
        message: `notices of this ocid name ${byMain.size} main buyers with no buyer in ` +
          "common: the ocid may have been reused; the newest notice's buyer is shown",
        noticeIds: ids(firsts),
      }
      : {
        code: "buyer-mismatch",
        message: `notices of this ocid name ${byMain.size} different main buyers (joint ` +
          "procurement?); the newest notice's buyer is shown",
        noticeIds: ids(firsts),
      },
  );
  return warnings;
}

function expectsTender(current: readonly CompilerNotice[]): boolean {
  for (const n of current) {
    if (n.callOff === true || n.noticeType === "UK5") return false;
    if (n.procurementMethod === "limited" || n.procurementMethod === "direct") return false;
    const text = (n.procedure ?? "").slice(0, 200).toLowerCase();
    if (NO_TENDER_HINTS.some((h) => text.includes(h))) return false;
  }
  return true;
}

function lotsOf(
  current: readonly CompilerNotice[],
  slots: readonly ProcurementAward[],
): { lots: ProcurementLot[]; from: CompilerNotice | null } {
  const tenderish = current.filter((n) => TENDERISH.has(n.stage));
  const found = newest(tenderish, (n) => nonEmpty(n.lots)) ??
    newest(current, (n) => nonEmpty(n.lots));
  if (found === null) return { lots: [], from: null };
  const lots = found.value.map((lot) => ({
    id: lot.id,
    title: lot.title,
    status: lot.status,
    value: lot.value,
    contractStart: lot.contractStart,
    contractEnd: lot.contractEnd,
    contractDurationDays: lot.contractDurationDays,
    cpvCodes: [...lot.cpvCodes],
    awards: lot.id === null ? [] : slots.filter((s) => s.lotIds.includes(lot.id!)),
  }));
  return { lots, from: found.from };
}

function timelineOf(
  sorted: readonly CompilerNotice[],
  supersededBy: ReadonlyMap<string, string>,
): TimelineEntry[] {
  return sorted.map((n) => ({
    noticeId: n.noticeId,
    releaseId: n.releaseId,
    noticeType: n.noticeType,
    stage: n.stage,
    tags: [...n.releaseTags],
    status: n.status,
    releaseDate: n.releaseDate,
    publishedDate: n.publishedDate,
    url: n.url,
    summary: summarize(n),
    current: !supersededBy.has(n.noticeId),
    supersededBy: supersededBy.get(n.noticeId) ?? null,
  }));
}

function countsOf(
  all: readonly CompilerNotice[],
  current: readonly CompilerNotice[],
): NoticeCounts {
  const counts = {
    notices: all.length,
    superseded: all.length - current.length,
    planning: 0,
    tender: 0,
    award: 0,
    contract: 0,
    implementation: 0,
    unknown: 0,
  };
  for (const n of current) if (STAGES.has(n.stage)) counts[n.stage]++;
  return counts;
}

/** Earliest start and latest end among `list`, with the newest notice that gave one. */
function periodOf(list: readonly CompilerNotice[]) {
  const starts = list.filter((n) => n.contractStart !== null);
  const ends = list.filter((n) => n.contractEnd !== null);
  if (starts.length === 0 && ends.length === 0) return null;
  const min = starts.length === 0
    ? null
    : new Date(starts.reduce((m, n) => Math.min(m, n.contractStart!.getTime()), Infinity));
  const max = ends.length === 0
    ? null
    : new Date(ends.reduce((m, n) => Math.max(m, n.contractEnd!.getTime()), -Infinity));
  const from = newest(list, (n) => n.contractStart ?? n.contractEnd)!.from;
  return { start: min, end: max, from };
}

/**
 * Compiles the procurement `{source, ocid}` from its notices (see the module doc for the rules
 * and docs/PROCUREMENTS.md for the field table). Notices of another source or ocid are left out with a
 * `foreign-notice` warning; a notice id given twice keeps its newest release. Returns `null`
 * when no notice belongs to the procurement.
 *
 * @example
 * ```ts
 * import { compileProcurement } from "./procurement.ts";
 * compileProcurement({ source: "cf", ocid: "ocds-example-x" }, []); // null
 * ```
 */
export function compileProcurement(
  key: { readonly source: SourceId; readonly ocid: string },
  notices: readonly CompilerNotice[],
): Procurement | null {
  const warnings: ProcurementWarning[] = [];
  const missing: MissingNotice[] = [];
  const byId = new Map<string, CompilerNotice>();
  const foreign: CompilerNotice[] = [];
  for (const n of notices) {
    if (n.source !== key.source || n.ocid !== key.ocid) {
      foreign.push(n);
      continue;
    }
    const held = byId.get(n.noticeId);
    if (held === undefined || compareNotices(n, held) > 0) byId.set(n.noticeId, n);
  }
  if (foreign.length > 0) {
    warnings.push({
      code: "foreign-notice",
      message: `${foreign.length} notice(s) of another source or ocid were left out`,
      noticeIds: ids(foreign),
    });
  }
  const all = [...byId.values()].sort(compareNotices);
  if (all.length === 0) return null;

  const supersededBy = versions(all, missing);
  const current = all.filter((n) => !supersededBy.has(n.noticeId));
  const provenance: Partial<Record<ProvenanceField, string>> = {};
  const note = <T>(field: ProvenanceField, found: { value: T; from: CompilerNotice } | null) => {
    if (found !== null) provenance[field] = found.from.noticeId;
    return found?.value ?? null;
  };

  const phase = foldPhase(current);
  if (phase.noticeId !== null) provenance.phase = phase.noticeId;
  warnings.push(...phase.warnings);

  const tenderish = current.filter((n) => TENDERISH.has(n.stage));
  const tenderFirst = [
    ...current.filter((n) => n.stage === "planning"),
    ...current.filter((n) => n.stage === "tender"),
  ];
  const awardNotices = current.filter((n) => {
    const event = phaseEvent(n);
    return AWARDISH.has(n.stage) &&
      (event === "awarded" || event === "contracted" || event === "changed");
  });

  // who
  const buyer = note("buyer", newest(current, (n) => n.buyerOrg === null ? null : n));
  const buyerOrgs = [
    ...new Set([
      ...(buyer === null ? [] : [buyer.buyerOrg!]),
      ...[...all].reverse().flatMap((n) => n.buyerOrgs),
    ]),
  ];
  warnings.push(...buyerWarnings(current));

  // money
  const currency = note("currency", newest(current, (n) => n.currency));
  const currencies = [...new Set(current.map((n) => n.currency).filter((c) => c !== null))];
  if (currencies.length > 1) {
    warnings.push({
      code: "currency-mismatch",
      message: `notices give amounts in ${currencies.join(", ")}; totals count ${currency} only`,
      noticeIds: ids(current.filter((n) => n.currency !== null && n.currency !== currency)),
    });
  }
  const hasEstimate = (n: CompilerNotice) =>
    n.valueMin !== null || n.valueMax !== null || n.valueGrossMin !== null ||
    n.valueGrossMax !== null;
  const estimate = note(
    "estimatedValue",
    newest(tenderFirst, (n) => hasEstimate(n) ? n : null) ??
      // award notices' own value fields hold an estimate when `valueKind` says so (mapping v2)
      newest(
        current,
        (n) => (n.valueKind === "estimate" || n.valueKind === "both") && hasEstimate(n) ? n : null,
      ),
  );
  const slots = contractSlots(awardNotices);
  const { lots, from: lotsFrom } = lotsOf(current, slots);
  if (lotsFrom !== null) provenance.lots = lotsFrom.noticeId;

  // dates
  const period = periodOf(awardNotices) ?? periodOf(tenderFirst);
  if (period !== null) provenance.contractPeriod = period.from.noticeId;
  const duration = newest(awardNotices, (n) => n.contractDurationDays) ??
    newest(tenderFirst, (n) => n.contractDurationDays);

  // classification and place
  const cpvFrom = newest(current, (n) => nonEmpty(n.cpvCodes) === null ? null : n);
  if (cpvFrom !== null) provenance.cpvCodes = cpvFrom.from.noticeId;
  const newestFirst = [...current].reverse();
  const cpvCodes = [
    ...new Set([...(cpvFrom?.value.cpvCodes ?? []), ...newestFirst.flatMap((n) => n.cpvCodes)]),
  ];
  const sectors = [
    ...new Set([...(cpvFrom?.value.sectors ?? []), ...newestFirst.flatMap((n) => n.sectors)]),
  ];
  const regions = new Map<string, { code: string | null; name: string }>();
  for (const r of newestFirst.flatMap((n) => n.deliveryRegions ?? [])) {
    const k = `${r.code}\u0000${r.name}`;
    if (!regions.has(k)) regions.set(k, { code: r.code, name: r.name });
  }

  // procedure
  const ukType = current.find((n) => n.noticeType !== null && UK_NOTICE_TYPES.has(n.noticeType));
  const legal = newest(current, (n) => n.legalRegime);
  if (legal !== null) provenance.legalRegime = legal.from.noticeId;
  else if (ukType !== undefined) provenance.legalRegime = ukType.noticeId;
  const known = (n: CompilerNotice) =>
    n.suitability !== undefined && (n.suitability.sme !== null || n.suitability.vcse !== null)
      ? n.suitability
      : null;
  const suitability = note("suitability", newest(tenderFirst, known) ?? newest(current, known));

  // the chain
  const hasTender = all.some((n) => {
    const e = phaseEvent(n);
    return TENDERISH.has(n.stage) && (e === "open" || e === "evaluation" || e === "cancelled");
  });
  if (awardNotices.length > 0 && !hasTender && expectsTender(current)) {
    missing.push({
      kind: "tender",
      reason: "award or contract notices but no tender notice: it may predate the sync's " +
        "start date, or have been published elsewhere",
      noticeIds: ids(awardNotices),
    });
    warnings.push({
      code: "award-without-tender",
      message: "an award or contract notice without any tender notice of this ocid",
      noticeIds: ids(awardNotices),
    });
  }
  const afterAward = current.filter((n) => {
    const e = phaseEvent(n);
    return (e === "changed" || e === "terminated") && n.noticeType !== "UK15" &&
      n.noticeType !== "UK16";
  });
  if (afterAward.length > 0 && awardNotices.every((n) => phaseEvent(n) === "changed")) {
    missing.push({
      kind: "award",
      reason: "a contract change or termination without any award or contract notice: it " +
        "may predate the sync's start date",
      noticeIds: ids(afterAward),
    });
  }

  let timeline = timelineOf(all, supersededBy);
  if (timeline.length > TIMELINE_LIMIT) {
    warnings.push({
      code: "timeline-truncated",
      message: `${timeline.length} notices: the oldest ${
        timeline.length - TIMELINE_LIMIT
      } are left out of the timeline (they still count)`,
      noticeIds: [],
    });
    timeline = timeline.slice(-TIMELINE_LIMIT);
  }
  const newestNotice = all[all.length - 1];
  // a reduce, not Math.min(...spread): an ocid may carry more notices than the stack holds
  const firstPublished = all.reduce(
    (m, n) => Math.min(m, (n.publishedDate ?? n.releaseDate).getTime()),
    Infinity,
  );

  return {
    source: key.source,
    ocid: key.ocid,
    phase: phase.phase,
    title: note("title", newest(current, (n) => n.title)),
    description: note("description", newest(current, (n) => n.description)),
    buyerName: buyer?.buyerName ?? null,
    buyerOrg: buyer?.buyerOrg ?? null,
    buyerOrgs,
    cpvCodes,
    sector: cpvFrom?.value.sector ?? null,
    sectors,
    deliveryRegions: [...regions.values()],
    procurementMethod: note(
      "procurementMethod",
      newest(tenderFirst, (n) => n.procurementMethod) ??
        newest(current, (n) => n.procurementMethod),
    ),
    mainProcurementCategory: note(
      "mainProcurementCategory",
      newest(current, (n) => n.mainProcurementCategory),
    ),
    procedure: note(
      "procedure",
      newest(tenderFirst, (n) => n.procedure) ?? newest(current, (n) => n.procedure),
    ),
    framework: current.some((n) => n.framework === true),
    dps: current.some((n) => n.dps === true),
    callOff: current.some((n) => n.callOff === true),
    legalRegime: legal?.value ?? (ukType !== undefined ? "PA2023" : null),
    suitability: suitability === null
      ? { sme: null, vcse: null }
      : { sme: suitability.sme, vcse: suitability.vcse },
    submissionUrl: note(
      "submissionUrl",
      newest(tenderFirst, (n) => n.submissionUrl) ?? newest(current, (n) => n.submissionUrl),
    ),
    tenderDeadline: note("tenderDeadline", newest(tenderish, (n) => n.tenderDeadline)),
    contractStart: period?.start ?? null,
    contractEnd: period?.end ?? null,
    contractDurationDays: duration?.value ?? null,
    currency,
    valueMin: estimate?.valueMin ?? null,
    valueMax: estimate?.valueMax ?? null,
    valueGrossMin: estimate?.valueGrossMin ?? null,
    valueGrossMax: estimate?.valueGrossMax ?? null,
    awardedValue: sumOf(slots, currency, (m) => m.amount),
    awardedValueGross: sumOf(slots, currency, (m) => m.amountGross),
    awards: slots,
    suppliers: uniqueSuppliers(slots),
    lots,
    timeline,
    firstPublished: new Date(firstPublished),
    lastChanged: newestNotice.releaseDate,
    counts: countsOf(all, current),
    noticesMissing: missing,
    provenance,
    warnings,
    compileVersion: COMPILE_VERSION,
  };
}
