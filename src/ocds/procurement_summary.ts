/**
 * One line per notice for a procurement's timeline: what kind of notice it is and the one
 * thing a person wants from it ("awarded to X for £Y", "deadline 2026-05-08, estimated £33,721").
 * Deterministic (no locale or clock of the machine): the same notice always reads the same.
 *
 * @example
 * ```ts
 * import { formatMoney } from "./procurement_summary.ts";
 * formatMoney(1234567.5, "GBP"); // "£1,234,567.50"
 * ```
 * @module
 */
import type { Contract } from "./documents.ts";
import { UK_NOTICE_TYPES } from "./procurement_phase.ts";
import type { CompilerNotice } from "./procurement_notice.ts";

/** Longest summary kept; notice text comes from the internet. */
export const SUMMARY_LIMIT = 300;

const SYMBOLS: ReadonlyMap<string, string> = new Map([["GBP", "£"], ["EUR", "€"], ["USD", "$"]]);
const WHOLE = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat("en-GB", {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const LONDON_DAY = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/London",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * An amount with its currency, grouped by thousands: `£1,200`, `€3.50`, `1,000 AED`.
 *
 * @example
 * ```ts
 * import { formatMoney } from "./procurement_summary.ts";
 * formatMoney(40465.2, "GBP"); // "£40,465.20"
 * formatMoney(5, null); // "5"
 * ```
 */
export function formatMoney(amount: number, currency: string | null): string {
  const digits = Number.isInteger(amount) ? WHOLE.format(amount) : CENTS.format(amount);
  const symbol = currency === null ? undefined : SYMBOLS.get(currency);
  if (symbol !== undefined) return amount < 0 ? `-${symbol}${digits.slice(1)}` : symbol + digits;
  return currency === null ? digits : `${digits} ${currency}`;
}

/**
 * The calendar day of an instant in UK time (`YYYY-MM-DD`): a deadline of 23:59:59 BST is
 * that day, not the next one in UTC.
 *
 * @example
 * ```ts
 * import { ukDay } from "./procurement_summary.ts";
 * ukDay(new Date("2026-05-08T22:59:59Z")); // "2026-05-08"
 * ```
 */
export function ukDay(at: Date): string {
  return LONDON_DAY.format(at);
}

/**
 * What kind of notice this is, for a person: the UK notice type's name and code, or a name
 * from the tags for older FTS and Contracts Finder notices.
 *
 * @example
 * ```ts
 * import { noticeLabel } from "./procurement_summary.ts";
 * noticeLabel({ noticeType: "UK4", releaseTags: ["tender"], stage: "tender" }); // "Tender notice (UK4)"
 * noticeLabel({ noticeType: null, releaseTags: ["tenderAmendment"], stage: "tender" }); // "Tender amendment"
 * ```
 */
export function noticeLabel(n: Pick<Contract, "noticeType" | "releaseTags" | "stage">): string {
  const uk = n.noticeType === null ? undefined : UK_NOTICE_TYPES.get(n.noticeType);
  if (uk !== undefined) return `${uk.name} (${n.noticeType})`;
  const tags = n.releaseTags;
  if (tags.includes("tenderCancellation")) return "Tender cancellation";
  if (tags.includes("contractTermination")) return "Contract termination";
  if (tags.includes("contractAmendment")) return "Contract amendment";
  if (tags.includes("tenderAmendment")) return "Tender amendment";
  if (tags.some((t) => t === "awardUpdate" || t === "tenderUpdate" || t === "planningUpdate")) {
    return `${STAGE_LABEL[n.stage]} (update)`;
  }
  return STAGE_LABEL[n.stage];
}

const STAGE_LABEL: Readonly<Record<Contract["stage"], string>> = {
  planning: "Planning notice",
  tender: "Tender notice",
  award: "Award notice",
  contract: "Contract notice",
  implementation: "Implementation notice",
  unknown: "Notice",
};

/** What a change notice says changed, from its first amendment, shortened. */
const CHANGE_LIMIT = 120;

/**
 * The notice's awarded value: its `awardedValue` (net) or `awardedValueGross` when
 * mapped, else the sum of its awards' values (net when every award has it, else gross);
 * `null` when none.
 */
function awardedMoney(
  n: CompilerNotice,
): { amount: number; currency: string | null; gross: boolean } | null {
  if (n.awardedValue != null) return { amount: n.awardedValue, currency: n.currency, gross: false };
  if (n.awardedValueGross != null) {
    return { amount: n.awardedValueGross, currency: n.currency, gross: true };
  }
  const values = n.awards.map((a) => a.value).filter((v) => v !== null);
  if (values.length === 0) return null;
  const currency = values[0].currency;
  if (values.some((v) => v.currency !== currency)) return null;
  if (values.every((v) => v.amount !== null)) {
    return { amount: values.reduce((s, v) => s + (v.amount ?? 0), 0), currency, gross: false };
  }
  if (values.every((v) => v.amountGross !== null)) {
    return { amount: values.reduce((s, v) => s + (v.amountGross ?? 0), 0), currency, gross: true };
  }
  return null;
}

function names(n: CompilerNotice): string | null {
  const all = n.suppliers.map((s) => s.name ?? s.id).filter((s) => s !== null);
  if (all.length === 0) return null;
  const shown = all.slice(0, 3).join(", ");
  return all.length > 3 ? `${shown} and ${all.length - 3} more` : shown;
}

/**
 * One line for the timeline: the label, then what the notice says (award, deadline and
 * estimate, cancellation). At most {@linkcode SUMMARY_LIMIT} characters.
 *
 * @example
 * ```ts
 * // "Contract award notice (UK6): awarded to Chess ICT for £256,378.74 (gross)"
 * ```
 */
export function summarize(n: CompilerNotice): string {
  const parts: string[] = [];
  if (n.status === "cancelled" || n.status === "withdrawn") parts.push(n.status);
  const change = n.noticeType === "UK10" || n.noticeType === "UK15" ||
    n.releaseTags.includes("contractAmendment");
  if (n.stage === "award" || n.stage === "contract" || n.stage === "implementation") {
    const who = names(n);
    const money = awardedMoney(n);
    const amount = money === null
      ? null
      : `${formatMoney(money.amount, money.currency)}${money.gross ? " (gross)" : ""}`;
    if (change) {
      if (amount !== null) parts.push(`value now ${amount}`);
    } else if (who !== null || amount !== null) {
      parts.push(
        [who === null ? "awarded" : `awarded to ${who}`, amount === null ? null : `for ${amount}`]
          .filter((s) => s !== null).join(" "),
      );
    }
  } else {
    if (n.tenderDeadline !== null) parts.push(`deadline ${ukDay(n.tenderDeadline)}`);
    const min = n.valueMin, max = n.valueMax;
    if (max !== null) {
      parts.push(
        min !== null && min !== max
          ? `estimated ${formatMoney(min, n.currency)}–${formatMoney(max, n.currency)}`
          : `estimated ${formatMoney(max, n.currency)}`,
      );
    }
  }
  const amendment = (n.amendments ?? []).find((a) =>
    a.rationale !== null || a.description !== null
  );
  if (amendment !== undefined) {
    // cut first, so the whitespace pass is bounded whatever the notice's length
    const text = (amendment.rationale ?? amendment.description ?? "").slice(0, CHANGE_LIMIT * 2);
    const what = text.replace(/\s+/g, " ").trim();
    parts.push(
      what.length > CHANGE_LIMIT ? `${what.slice(0, CHANGE_LIMIT - 1).toWellFormed()}…` : what,
    );
  }
  const line = parts.length === 0 ? noticeLabel(n) : `${noticeLabel(n)}: ${parts.join(", ")}`;
  return line.length > SUMMARY_LIMIT ? `${line.slice(0, SUMMARY_LIMIT - 1).toWellFormed()}…` : line;
}
