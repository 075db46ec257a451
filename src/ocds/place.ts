/**
 * Where the work happens: every delivery address of the release (tender items, lot items,
 * award items, contract items), as normalised regions, and the first delivery postcode. The
 * buyer's own address is never used here; it stays on the buyer document.
 *
 * @example
 * ```ts
 * import { deliveryPlace } from "./place.ts";
 * const p = deliveryPlace({
 *   tender: {
 *     items: [{ additionalClassifications: [], deliveryAddresses: [{ region: "UKE2" }] }],
 *     additionalClassifications: [], lots: [], documents: [], amendments: [],
 *   },
 *   awards: [], contracts: [],
 * });
 * p.deliveryRegions; // [{ code: "UKE2", name: "North Yorkshire" }]
 * ```
 * @module
 */
import type { DeliveryRegion } from "./documents.ts";
import { normaliseRegion } from "./regions.ts";
import type { OcdsItem, OcdsRelease } from "./release.ts";

/** Most delivery regions kept per notice. */
export const MAX_REGIONS = 50;

/** The place part of a contract. */
export interface DeliveryPlace {
  readonly deliveryRegions: DeliveryRegion[];
  readonly deliveryPostcode: string | null;
}

/**
 * Every delivery place once (by code, else by name), in the order published: an address's
 * `region`, else its `countryName` (CF lists places such as `Channel Islands` that way).
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function deliveryPlace(
  r: Pick<OcdsRelease, "tender" | "awards" | "contracts">,
): DeliveryPlace {
  const regions: DeliveryRegion[] = [];
  const seen = new Set<string>();
  let postcode: string | null = null;
  // Plain loops, not generators: this runs for every release of every page.
  const visit = (items: readonly OcdsItem[]) => {
    for (const item of items) {
      for (const a of item.deliveryAddresses) {
        if (postcode === null && a.postalCode !== undefined) postcode = a.postalCode;
        if (regions.length >= MAX_REGIONS) continue;
        const place = a.region ?? a.countryName;
        const region = place === undefined ? undefined : normaliseRegion(place);
        if (region === undefined) continue;
        const key = region.code ?? `name:${region.name.toLowerCase()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        regions.push(region);
      }
    }
  };
  if (r.tender !== undefined) {
    visit(r.tender.items);
    for (const lot of r.tender.lots) visit(lot.items);
  }
  for (const a of r.awards) visit(a.items);
  for (const c of r.contracts) visit(c.items);
  return { deliveryRegions: regions, deliveryPostcode: postcode };
}
