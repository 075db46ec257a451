/**
 * Every CPV code a release carries, wherever it carries it, normalised and deduplicated with
 * the main code first, and the sectors they fall in.
 *
 * @example
 * ```ts
 * import { classifyRelease } from "./classification.ts";
 * import { Warnings } from "./read.ts";
 * const c = classifyRelease({
 *   tag: [], parties: [], planningDocuments: [], awards: [], contracts: [], bidStatistics: [],
 *   relationships: [],
 *   tender: {
 *     classification: { scheme: "CPV", id: "31500000", path: "tender.classification" },
 *     additionalClassifications: [], items: [], lots: [], documents: [], amendments: [],
 *   },
 * }, new Warnings());
 * c.cpvCodes; // ["31500000"]
 * c.sector; // "electrical-equipment"
 * ```
 * @module
 */
import { classifyCpv, normaliseCpv } from "./cpv.ts";
import type { OcdsClassification, OcdsItem, OcdsRelease } from "./release.ts";
import type { Warnings } from "./read.ts";

/** The classification part of a contract. */
export interface ReleaseClassification {
  readonly cpvCodes: string[];
  readonly sector: string | null;
  readonly sectors: string[];
}

function* itemClassifications(items: readonly OcdsItem[]): Generator<OcdsClassification> {
  for (const item of items) {
    if (item.classification !== undefined) yield item.classification;
    yield* item.additionalClassifications;
  }
}

// The order decides which code is "main": the tender's own classification when given
// (CF, pre-Act FTS), else the first item's (FTS Procurement Act notices leave
// `tender.classification` empty and put CPV on items).
function* allClassifications(r: OcdsRelease): Generator<OcdsClassification> {
  const t = r.tender;
  if (t !== undefined) {
    if (t.classification !== undefined) yield t.classification;
    for (const item of t.items) if (item.classification !== undefined) yield item.classification;
    yield* t.additionalClassifications;
    yield* itemClassifications(t.items);
    for (const lot of t.lots) {
      if (lot.classification !== undefined) yield lot.classification;
      yield* lot.additionalClassifications;
      yield* itemClassifications(lot.items);
    }
  }
  for (const award of r.awards) yield* itemClassifications(award.items);
  for (const contract of r.contracts) yield* itemClassifications(contract.items);
}

/**
 * Collects CPV codes from `tender.classification`, `tender.additionalClassifications`,
 * `tender.items[]`, `tender.lots[]` (their own classifications and items), `awards[].items[]`
 * and `contracts[].items[]`. Only scheme `CPV` counts; malformed codes and codes outside the
 * 45 divisions are reported in `w` (an unknown-division code is kept, without a sector).
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function classifyRelease(r: OcdsRelease, w: Warnings): ReleaseClassification {
  const cpvCodes: string[] = [];
  const sectors: string[] = [];
  const seen = new Set<string>();
  for (const c of allClassifications(r)) {
    if (c.id === undefined) continue;
    if (c.scheme === undefined) {
      w.add(
        "cpv-without-scheme",
        `classification ${JSON.stringify(c.id)} has no scheme; ignored`,
        c.path,
      );
      continue;
    }
    if (c.scheme.toUpperCase() !== "CPV") continue; // other vocabularies (CPVS, UNSPSC …)
    const n = normaliseCpv(c.id);
    if ("problem" in n) {
      w.add(
        "malformed-cpv",
        `CPV id ${JSON.stringify(c.id.slice(0, 40))} is not 8 digits; ignored`,
        c.path,
      );
      continue;
    }
    if (n.note === "padded") {
      w.add(
        "malformed-cpv",
        `CPV id ${JSON.stringify(c.id)} lost its leading zero; read as ${n.code}`,
        c.path,
      );
    }
    if (seen.has(n.code)) continue;
    seen.add(n.code);
    cpvCodes.push(n.code);
    const s = classifyCpv(n.code);
    if (s === undefined) {
      w.add(
        "unknown-cpv-division",
        `CPV ${n.code} is in no CPV 2008 division; kept without sector`,
        c.path,
      );
    } else if (!sectors.includes(s.slug)) {
      sectors.push(s.slug);
    }
  }
  // The primary sector is that of the main code, which may have none (unknown division).
  const main = cpvCodes.length > 0 ? classifyCpv(cpvCodes[0]) : undefined;
  return { cpvCodes, sector: main?.slug ?? null, sectors };
}
