/**
 * The money fields of a contract: the estimate (a range, net and gross kept apart), what was
 * awarded, which of the two is known, the currency, and currency mismatches and implausible
 * values reported rather than silently mixed.
 *
 * @example
 * ```ts
 * import { contractMoney } from "./money.ts";
 * import { Warnings } from "./read.ts";
 * const m = contractMoney({
 *   tender: {
 *     minValue: { amount: 80000, currency: "GBP", path: "tender.minValue" },
 *     value: { amount: 95000, currency: "GBP", path: "tender.value" },
 *     additionalClassifications: [], items: [], lots: [], documents: [], amendments: [],
 *   },
 *   awards: [], contracts: [],
 * }, new Warnings());
 * [m.valueMin, m.valueMax, m.valueKind]; // [80000, 95000, "estimate"]
 * ```
 * @module
 */
import type { Contract, Money } from "./documents.ts";
import type { OcdsRelease, OcdsValue } from "./release.ts";
import type { Warnings } from "./read.ts";

/** The money part of a contract: its fields, as {@linkcode Contract} declares them. */
export type ContractMoney = Pick<
  Contract,
  | "valueMin"
  | "valueMax"
  | "valueGrossMin"
  | "valueGrossMax"
  | "awardedValue"
  | "awardedValueGross"
  | "valueKind"
  | "currency"
>;

/** An award this far above its estimate's maximum (or below its minimum) is flagged. */
export const OUTSIDE_ESTIMATE_FACTOR = 2;

/**
 * A published value as stored `Money`, or `null` when it carries no amount at all.
 *
 * @example
 * ```ts
 * import { toMoney } from "./money.ts";
 * toMoney({ amountGross: 256378.74, currency: "GBP", path: "awards[0].value" });
 * // { amount: null, amountGross: 256378.74, currency: "GBP" }
 * ```
 */
export function toMoney(v: OcdsValue | undefined): Money | null {
  if (v === undefined || (v.amount === undefined && v.amountGross === undefined)) return null;
  return {
    amount: v.amount ?? null,
    amountGross: v.amountGross ?? null,
    currency: v.currency ?? null,
  };
}

function sum(values: readonly (number | undefined)[]): number | null {
  let total: number | null = null;
  for (const n of values) if (n !== undefined) total = (total ?? 0) + n;
  return total;
}

// An award or contract that did not happen is not part of what was awarded.
const NOT_AWARDED = new Set(["cancelled", "unsuccessful"]);

/**
 * The money of a release. The estimate (`valueMin`/`valueMax`, gross apart) comes from
 * `tender.value` and `tender.minValue`, else from the sum of the lots' values. What was
 * awarded (`awardedValue`, `awardedValueGross`) is the sum of `awards[].value` of awards not
 * cancelled or unsuccessful, else of `contracts[].value`. Sums use the notice's currency only
 * (the first one published, `value` first); other currencies raise `currency-mismatch`.
 * Placeholder amounts never get here (`release.ts` drops them with `placeholder-amount`). A
 * minimum above its maximum warns `value-range-inverted`; an award more than
 * {@linkcode OUTSIDE_ESTIMATE_FACTOR}× above the estimate's maximum or below its minimum warns
 * `award-outside-estimate`.
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function contractMoney(
  r: Pick<OcdsRelease, "tender" | "awards" | "contracts">,
  w: Warnings,
): ContractMoney {
  const t = r.tender;
  const all: OcdsValue[] = [];
  const add = (v: OcdsValue | undefined) => v !== undefined && all.push(v);
  add(t?.value);
  add(t?.minValue);
  for (const lot of t?.lots ?? []) add(lot.value);
  for (const a of r.awards) add(a.value);
  for (const c of r.contracts) add(c.value);
  const currency = all.find((v) => v.currency !== undefined)?.currency ?? null;
  for (const v of all) {
    if (currency !== null && v.currency !== undefined && v.currency !== currency) {
      w.add(
        "currency-mismatch",
        `${v.currency} where the notice uses ${currency}; amount kept, not converted`,
        `${v.path}.currency`,
      );
    }
  }
  const usable = (v: OcdsValue | undefined): v is OcdsValue =>
    v !== undefined && (v.amount !== undefined || v.amountGross !== undefined) &&
    (v.currency === undefined || currency === null || v.currency === currency);

  const hasAmount = (v: OcdsValue | undefined): v is OcdsValue =>
    v !== undefined && (v.amount !== undefined || v.amountGross !== undefined);

  let estimate: Pick<ContractMoney, "valueMin" | "valueMax" | "valueGrossMin" | "valueGrossMax">;
  // The tender's own figures are kept even in another currency (warned above): they are
  // what the buyer published, not a sum that would mix currencies.
  if (t !== undefined && (hasAmount(t.value) || hasAmount(t.minValue))) {
    const max = hasAmount(t.value) ? t.value : undefined;
    const min = hasAmount(t.minValue) ? t.minValue : max;
    estimate = {
      valueMin: min?.amount ?? max?.amount ?? null,
      valueMax: max?.amount ?? null,
      valueGrossMin: min?.amountGross ?? max?.amountGross ?? null,
      valueGrossMax: max?.amountGross ?? null,
    };
  } else {
    const lots = (t?.lots ?? []).map((l) => l.value).filter(usable);
    const net = sum(lots.map((v) => v.amount)), gross = sum(lots.map((v) => v.amountGross));
    estimate = { valueMin: net, valueMax: net, valueGrossMin: gross, valueGrossMax: gross };
  }
  const counted = (status: string | undefined) => status === undefined || !NOT_AWARDED.has(status);
  const awards = r.awards.filter((a) => counted(a.status)).map((a) => a.value).filter(usable);
  const parts = awards.length > 0
    ? awards
    : r.contracts.filter((c) => c.status !== "cancelled").map((c) => c.value).filter(usable);
  const awardedValue = sum(parts.map((v) => v.amount));
  const awardedValueGross = sum(parts.map((v) => v.amountGross));

  checkRange(estimate.valueMin, estimate.valueMax, "", w);
  checkRange(estimate.valueGrossMin, estimate.valueGrossMax, "gross ", w);
  const [min, max, awarded] = awardedValue !== null && estimate.valueMax !== null
    ? [estimate.valueMin, estimate.valueMax, awardedValue]
    : [estimate.valueGrossMin, estimate.valueGrossMax, awardedValueGross];
  if (min !== null && max !== null && awarded !== null && min > 0 && max > 0) {
    if (awarded > max * OUTSIDE_ESTIMATE_FACTOR || awarded < min / OUTSIDE_ESTIMATE_FACTOR) {
      w.add(
        "award-outside-estimate",
        `awarded ${awarded} is far outside the estimate ${min}–${max}; both kept`,
        "awards",
      );
    }
  }
  const hasEstimate = estimate.valueMax !== null || estimate.valueMin !== null ||
    estimate.valueGrossMax !== null || estimate.valueGrossMin !== null;
  const hasAwarded = awardedValue !== null || awardedValueGross !== null;
  return {
    ...estimate,
    awardedValue,
    awardedValueGross,
    valueKind: hasEstimate ? (hasAwarded ? "both" : "estimate") : hasAwarded ? "awarded" : "none",
    currency,
  };
}

function checkRange(min: number | null, max: number | null, kind: string, w: Warnings): void {
  if (min !== null && max !== null && min > max) {
    w.add(
      "value-range-inverted",
      `${kind}minimum ${min} is above the ${kind}maximum ${max}; both kept as published`,
      "tender.minValue",
    );
  }
}
