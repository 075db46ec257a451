/**
 * The lots of a tender as stored: id, title, status, value, contract period and the lot's own
 * CPV codes — its classifications, its items, and the tender's and awards' items that name it
 * in `relatedLot` (where FTS puts them).
 *
 * @example
 * ```ts
 * import { lotsOf } from "./lots.ts";
 * lotsOf(undefined); // []
 * ```
 * @module
 */
import { normaliseCpv } from "./cpv.ts";
import type { Lot } from "./documents.ts";
import { toMoney } from "./money.ts";
import { spanOf } from "./periods.ts";
import type { OcdsAward, OcdsClassification, OcdsItem, OcdsTender } from "./release.ts";

/** Adds the CPV codes of `classifications` (8 digits, deduplicated) to `codes`. */
function addCpv(codes: Set<string>, c: OcdsClassification | undefined): void {
  // The contract-level classifier has already warned about every malformed code.
  if (c === undefined || c.id === undefined || c.scheme?.toUpperCase() !== "CPV") return;
  const n = normaliseCpv(c.id);
  if ("code" in n) codes.add(n.code);
}

function addItems(codes: Set<string>, items: readonly OcdsItem[]): void {
  for (const item of items) {
    addCpv(codes, item.classification);
    for (const c of item.additionalClassifications) addCpv(codes, c);
  }
}

/**
 * Every lot of `tender` (see the module doc), in published order.
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function lotsOf(
  tender: OcdsTender | undefined,
  awards: readonly Pick<OcdsAward, "items">[] = [],
): Lot[] {
  if (tender === undefined || tender.lots.length === 0) return [];
  const itemsOfLot = new Map<string, OcdsItem[]>();
  for (const item of [...tender.items, ...awards.flatMap((a) => a.items)]) {
    if (item.relatedLot === undefined) continue;
    const list = itemsOfLot.get(item.relatedLot);
    if (list === undefined) itemsOfLot.set(item.relatedLot, [item]);
    else list.push(item);
  }
  return tender.lots.map((lot): Lot => {
    const span = spanOf([lot.contractPeriod]);
    const codes = new Set<string>();
    addCpv(codes, lot.classification);
    for (const c of lot.additionalClassifications) addCpv(codes, c);
    addItems(codes, lot.items);
    if (lot.id !== undefined) addItems(codes, itemsOfLot.get(lot.id) ?? []);
    return {
      id: lot.id ?? null,
      title: lot.title ?? null,
      status: lot.status ?? null,
      value: toMoney(lot.value),
      contractStart: span.start,
      contractEnd: span.end,
      contractDurationDays: span.durationDays,
      cpvCodes: [...codes],
    };
  });
}
