/**
 * Small pure helpers over one mapped page.
 * @module
 */
import type { Buyer, Contract } from "../ocds/contract.ts";

/**
 * The page's buyers, one per `orgId` (the first seen wins, as `$setOnInsert` would), with
 * their `sources` and `identifiers` merged.
 *
 * @example
 * ```ts
 * uniqueBuyers([{ contract, buyers: [a, a] }]).length; // 1
 * ```
 */
export function uniqueBuyers(
  mapped: readonly { readonly contract: Contract; readonly buyers: readonly Buyer[] }[],
): Buyer[] {
  const byId = new Map<string, Buyer>();
  for (const { buyers } of mapped) {
    for (const buyer of buyers) {
      const seen = byId.get(buyer.orgId);
      byId.set(
        buyer.orgId,
        seen
          ? {
            ...seen,
            sources: [...new Set([...seen.sources, ...buyer.sources])],
            identifiers: [...new Set([...seen.identifiers, ...buyer.identifiers])],
          }
          : buyer,
      );
    }
  }
  return [...byId.values()];
}
