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

function* cpvOfItems(items: readonly OcdsItem[]): Generator<OcdsClassification> {
  for (const item of items) {
    if (item.classification !== undefined) yield item.classification;
    yield* item.additionalClassifications;
  }
}

function cpvCodes(classifications: Iterable<OcdsClassification>): string[] {
  // The contract-level classifier has already warned about every malformed code.
  const codes = new Set<string>();
  for (const c of classifications) {
    if (c.id === undefined || c.scheme?.toUpperCase() !== "CPV") continue;
    const n = normaliseCpv(c.id);
    if ("code" in n) codes.add(n.code);
  }
  return [...codes];
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
    const own = function* () {
      if (lot.classification !== undefined) yield lot.classification;
      yield* lot.additionalClassifications;
      yield* cpvOfItems(lot.items);
      if (lot.id !== undefined) yield* cpvOfItems(itemsOfLot.get(lot.id) ?? []);
    };
    return {
      id: lot.id ?? null,
      title: lot.title ?? null,
      status: lot.status ?? null,
      value: toMoney(lot.value),
      contractStart: span.start,
      contractEnd: span.end,
      contractDurationDays: span.durationDays,
      cpvCodes: cpvCodes(own()),
    };
  });
}
