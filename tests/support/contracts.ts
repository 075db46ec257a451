/**
 * Hand-built contracts and buyers for storage tests (the mapper's own tests cover mapping).
 * @module
 */
import { type Buyer, type Contract, MAPPING_VERSION } from "../../src/ocds/documents.ts";

/** A complete contract with every field set; override what a test is about. */
export function aContract(overrides: Partial<Contract> = {}): Contract {
  const noticeId = overrides.noticeId ?? "000001-2026";
  return {
    source: "fts",
    noticeId,
    ocid: `ocds-h6vhtk-${noticeId}`,
    releaseId: noticeId,
    releaseDate: new Date("2026-10-06T12:00:00Z"),
    releaseTags: ["tender"],
    noticeType: "UK4",
    stage: "tender",
    status: "active",
    title: "Road maintenance",
    description: null,
    buyerName: "Some Council",
    buyerOrg: overrides.buyerOrg ?? "GB-PPON-AAAA-0001-BBBB",
    buyerOrgs: [overrides.buyerOrg ?? "GB-PPON-AAAA-0001-BBBB"],
    procurementMethod: "open",
    procedure: "Open procedure",
    framework: false,
    dps: false,
    callOff: false,
    legalRegime: "PA2023",
    suitability: { sme: null, vcse: null },
    mainProcurementCategory: "works",
    valueMin: 1000,
    valueMax: 2000,
    valueGrossMin: null,
    valueGrossMax: null,
    awardedValue: null,
    awardedValueGross: null,
    valueKind: "estimate",
    currency: "GBP",
    awards: [],
    suppliers: [],
    lots: [],
    bidCount: null,
    cpvCodes: ["45233141"],
    sector: "construction",
    sectors: ["construction"],
    publishedDate: new Date("2026-10-06T12:00:00Z"),
    tenderDeadline: null,
    contractStart: null,
    contractEnd: null,
    contractDurationDays: null,
    dateSigned: null,
    deliveryRegions: [],
    deliveryPostcode: null,
    url: `https://www.find-tender.service.gov.uk/Notice/${noticeId}`,
    documents: [],
    submissionUrl: null,
    amendments: [],
    warnings: [],
    mappingVersion: MAPPING_VERSION,
    ...overrides,
  };
}

/** A buyer with every field set. */
export function aBuyer(overrides: Partial<Buyer> = {}): Buyer {
  return {
    orgId: "GB-PPON-AAAA-0001-BBBB",
    name: "Some Council",
    identifiers: ["GB-PPON:AAAA-0001-BBBB"],
    address: null,
    url: null,
    sources: ["fts"],
    ...overrides,
  };
}
