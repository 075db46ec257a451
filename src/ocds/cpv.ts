/**
 * CPV 2008 codes and the product's sector taxonomy. Every code of CPV 2008 falls in one of
 * its 45 divisions (the first two digits), and every division is a sector here; a few broad
 * divisions are split further by their three-digit group, because users look for "legal
 * services" or "social care", not "business services" or "health and social work". A code is
 * classified by its longest matching prefix.
 *
 * @example
 * ```ts
 * import { classifyCpv, normaliseCpv } from "./cpv.ts";
 * normaliseCpv("72000000-5"); // { code: "72000000" }
 * classifyCpv("79110000")?.slug; // "legal-services"
 * classifyCpv("72267000")?.slug; // "it-services"
 * ```
 * @module
 */

/** One sector of the taxonomy. */
export interface Sector {
  /** Stable identifier stored in contracts (`it-services`). Never reuse a slug. */
  readonly slug: string;
  /** English label for people. */
  readonly label: string;
  /** The CPV prefix it covers: two digits for a division, three for a group. */
  readonly prefix: string;
  /** The two-digit CPV division it belongs to. */
  readonly division: string;
}

function sector(prefix: string, slug: string, label: string): Sector {
  return { slug, label, prefix, division: prefix.slice(0, 2) };
}

/** One sector per CPV 2008 division, in code order. */
export const DIVISION_SECTORS: readonly Sector[] = [
  sector("03", "agriculture-products", "Agricultural, farming, fishing and forestry products"),
  sector("09", "energy-fuels", "Petroleum products, fuel, electricity and other energy"),
  sector("14", "mining-metals", "Mining, basic metals and related products"),
  sector("15", "food-beverages", "Food, beverages and tobacco"),
  sector("16", "agricultural-machinery", "Agricultural machinery"),
  sector("18", "clothing-footwear", "Clothing, footwear, luggage and accessories"),
  sector("19", "textiles-plastics-rubber", "Leather and textile fabrics, plastic and rubber"),
  sector("22", "printed-matter", "Printed matter and related products"),
  sector("24", "chemicals", "Chemical products"),
  sector("30", "office-computing-equipment", "Office and computing machinery and supplies"),
  sector("31", "electrical-equipment", "Electrical machinery, apparatus and lighting"),
  sector("32", "telecoms-equipment", "Radio, television and telecommunication equipment"),
  sector("33", "medical-equipment", "Medical equipment and personal care products"),
  sector("34", "transport-equipment", "Transport equipment and auxiliary products"),
  sector(
    "35",
    "security-defence-equipment",
    "Security, fire-fighting, police and defence equipment",
  ),
  sector(
    "37",
    "sports-leisure-goods",
    "Musical instruments, sport goods, games, toys and art supplies",
  ),
  sector("38", "laboratory-equipment", "Laboratory, optical and precision equipment"),
  sector(
    "39",
    "furniture-furnishings",
    "Furniture, furnishings, domestic appliances and cleaning products",
  ),
  sector("41", "water", "Collected and purified water"),
  sector("42", "industrial-machinery", "Industrial machinery"),
  sector("43", "mining-construction-machinery", "Machinery for mining, quarrying and construction"),
  sector("44", "construction-materials", "Construction structures and materials"),
  sector("45", "construction-works", "Construction work"),
  sector("48", "software-packages", "Software packages and information systems"),
  sector("50", "repair-maintenance", "Repair and maintenance services"),
  sector("51", "installation-services", "Installation services (except software)"),
  sector("55", "hospitality-catering", "Hotel, restaurant and retail trade services"),
  sector("60", "transport-services", "Transport services (excluding waste transport)"),
  sector("63", "transport-support-travel", "Supporting transport services and travel agencies"),
  sector("64", "postal-telecoms-services", "Postal and telecommunications services"),
  sector("65", "public-utilities", "Public utilities"),
  sector("66", "financial-insurance", "Financial and insurance services"),
  sector("70", "real-estate", "Real estate services"),
  sector(
    "71",
    "architecture-engineering",
    "Architectural, construction, engineering and inspection services",
  ),
  sector(
    "72",
    "it-services",
    "IT services: consulting, software development, internet and support",
  ),
  sector("73", "research-development", "Research and development services"),
  sector("75", "public-administration", "Administration, defence and social security services"),
  sector("76", "oil-gas-services", "Services related to the oil and gas industry"),
  sector(
    "77",
    "agriculture-forestry-services",
    "Agricultural, forestry, horticultural and related services",
  ),
  sector("79", "business-services", "Business services"),
  sector("80", "education-training", "Education and training services"),
  sector("85", "health-social-work", "Health and social work services"),
  sector("90", "environmental-services", "Sewage, refuse, cleaning and environmental services"),
  sector("92", "recreation-culture-sport", "Recreational, cultural and sporting services"),
  sector("98", "community-personal-services", "Other community, social and personal services"),
];

/** Finer sectors inside broad divisions, by three-digit CPV group. */
export const GROUP_SECTORS: readonly Sector[] = [
  sector("336", "pharmaceuticals", "Pharmaceutical products"),
  sector("791", "legal-services", "Legal services"),
  sector("792", "accounting-audit", "Accounting, auditing and fiscal services"),
  sector("793", "research-polling", "Market and economic research, polling and statistics"),
  sector("794", "management-consultancy", "Business and management consultancy"),
  sector("796", "recruitment", "Recruitment and staffing services"),
  sector("797", "security-services", "Investigation and security services"),
  sector("798", "printing-services", "Printing and related services"),
  sector("851", "health-services", "Health services"),
  sector("852", "veterinary-services", "Veterinary services"),
  sector("853", "social-care", "Social work and related services"),
  sector("905", "waste-management", "Refuse and waste related services"),
  sector("909", "cleaning-services", "Cleaning and sanitation services"),
];

/** Every sector: divisions then groups. */
export const SECTORS: readonly Sector[] = [...DIVISION_SECTORS, ...GROUP_SECTORS];

const BY_DIVISION = new Map(DIVISION_SECTORS.map((s) => [s.prefix, s]));
const BY_GROUP = new Map(GROUP_SECTORS.map((s) => [s.prefix, s]));
const BY_SLUG = new Map(SECTORS.map((s) => [s.slug, s]));

/** Result of {@linkcode normaliseCpv}: an 8-digit code, or why there is none. */
export type CpvNormalisation =
  | { readonly code: string; readonly note?: "padded" }
  | { readonly problem: "malformed" };

// 8 digits, optionally the check digit (`-5`), as CPV codes are printed in the regulation.
const CPV = /^(\d{8})(?:-\d)?$/;
// Seven digits: a code whose leading zero was lost (e.g. read as a number by a spreadsheet).
const CPV_LOST_ZERO = /^(\d{7})(?:-\d)?$/;

/**
 * Turns a published CPV id into 8 digits: trims, strips a `-N` check digit, and restores a
 * leading zero lost by number conversion (`3000000` → `03000000`, noted as `padded`).
 *
 * @example
 * ```ts
 * import { normaliseCpv } from "./cpv.ts";
 * normaliseCpv(" 45000000-7 "); // { code: "45000000" }
 * normaliseCpv("9310000"); // { code: "09310000", note: "padded" }
 * normaliseCpv("CPV-7200"); // { problem: "malformed" }
 * ```
 */
export function normaliseCpv(raw: string): CpvNormalisation {
  const s = raw.trim();
  const full = CPV.exec(s);
  if (full !== null) return { code: full[1] };
  const short = CPV_LOST_ZERO.exec(s);
  if (short !== null) return { code: `0${short[1]}`, note: "padded" };
  return { problem: "malformed" };
}

/**
 * The sector of an 8-digit CPV code (longest prefix wins), or `undefined` when its division
 * is not one of the 45 of CPV 2008.
 *
 * @example
 * ```ts
 * import { classifyCpv } from "./cpv.ts";
 * classifyCpv("85311000")?.slug; // "social-care"
 * classifyCpv("85000000")?.slug; // "health-social-work"
 * classifyCpv("99000000"); // undefined
 * ```
 */
export function classifyCpv(code: string): Sector | undefined {
  return BY_GROUP.get(code.slice(0, 3)) ?? BY_DIVISION.get(code.slice(0, 2));
}

/**
 * Looks a sector up by slug (for labels in the API and dashboard).
 *
 * @example
 * ```ts
 * import { sectorBySlug } from "./cpv.ts";
 * sectorBySlug("it-services")?.label; // "IT services: consulting, …"
 * ```
 */
export function sectorBySlug(slug: string): Sector | undefined {
  return BY_SLUG.get(slug);
}
