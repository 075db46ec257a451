/**
 * The money fields of a contract: a value range (net and gross kept apart), its currency,
 * and currency mismatches reported rather than silently mixed.
 *
 * @example
 * ```ts
 * import { contractMoney } from "./money.ts";
 * import { Warnings } from "./read.ts";
 * const m = contractMoney({
 *   tender: {
 *     minValue: { amount: 80000, currency: "GBP", path: "tender.minValue" },
 *     value: { amount: 95000, currency: "GBP", path: "tender.value" },
 *     additionalClassifications: [], items: [], lots: [], documents: [],
 *   },
 *   awards: [], contracts: [],
 * }, new Warnings());
 * [m.valueMin, m.valueMax]; // [80000, 95000]
 * ```
 * @module
 */
import type { Money } from "./documents.ts";
import type { OcdsRelease, OcdsValue } from "./release.ts";
import type { Warnings } from "./read.ts";

/** The money part of a contract. */
export interface ContractMoney {
  readonly valueMin: number | null;
  readonly valueMax: number | null;
  readonly valueGrossMin: number | null;
  readonly valueGrossMax: number | null;
  readonly currency: string | null;
}

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
  const present = values.filter((n): n is number => n !== undefined);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

/**
 * Value range of a release: `tender.value` and `tender.minValue` when the tender has them;
 * otherwise (award and contract notices often have no tender value) the sum of
 * `awards[].value`, or failing that of `contracts[].value`. `valueMin` is `minValue` ??
 * `value`; gross amounts are never used as net ones. Currencies that disagree with the
 * contract's currency (`value` first) raise `currency-mismatch`; amounts in another currency
 * are not added to a sum.
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
  const sameCurrency = (v: OcdsValue | undefined): v is OcdsValue =>
    v !== undefined && (v.currency === undefined || currency === null || v.currency === currency);
  const hasAmount = (v: OcdsValue | undefined) =>
    v !== undefined && (v.amount !== undefined || v.amountGross !== undefined);

  if (t !== undefined && (hasAmount(t.value) || hasAmount(t.minValue))) {
    const max = t.value, min = t.minValue ?? t.value;
    return {
      valueMin: min?.amount ?? max?.amount ?? null,
      valueMax: max?.amount ?? null,
      valueGrossMin: min?.amountGross ?? max?.amountGross ?? null,
      valueGrossMax: max?.amountGross ?? null,
      currency,
    };
  }
  const awarded = r.awards.map((a) => a.value).filter(sameCurrency);
  const parts = awarded.length > 0 ? awarded : r.contracts.map((c) => c.value).filter(sameCurrency);
  const net = sum(parts.map((v) => v.amount));
  const gross = sum(parts.map((v) => v.amountGross));
  return { valueMin: net, valueMax: net, valueGrossMin: gross, valueGrossMax: gross, currency };
}
