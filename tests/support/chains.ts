/**
 * Procurement chains for tests: hand-built notices (contract documents, for the compiler's
 * own tests) and raw OCDS releases shaped like real FTS and CF ones (for tests that go through
 * the mapper, `storePage` and MongoDB).
 *
 * @example
 * ```ts
 * const chain = ftsChain("ocds-h6vhtk-000001", ["UK4", "UK6"], { from: new Date(), seq: 1 });
 * ```
 * @module
 */
import type { Award, Contract, Supplier } from "../../src/ocds/documents.ts";
import type { CompilerNotice } from "../../src/ocds/procurement.ts";
import { aContract } from "./contracts.ts";

/** A day after `base`, `n` times. */
export function day(base: string, n: number): Date {
  return new Date(Date.parse(base) + n * 86_400_000);
}

/** A supplier. */
export function supplier(id: string, name = `Supplier ${id}`): Supplier {
  return { id, name, scale: null };
}

/** An award with a net value in GBP. */
export function award(
  id: string,
  amount: number | null,
  suppliers: readonly Supplier[],
  extra: Partial<Award> = {},
): Award {
  return {
    id,
    title: null,
    status: "active",
    date: null,
    value: amount === null ? null : { amount, amountGross: null, currency: "GBP" },
    suppliers,
    lotIds: [],
    ...extra,
  };
}

const STAGE_OF_TYPE: Readonly<Record<string, CompilerNotice["stage"]>> = {
  UK1: "planning",
  UK2: "planning",
  UK3: "planning",
  UK4: "tender",
  UK5: "award",
  UK6: "award",
  UK7: "award",
  UK9: "implementation",
  UK10: "contract",
  UK11: "contract",
  UK12: "tender",
  UK13: "planning",
  UK14: "award",
  UK15: "award",
  UK16: "planning",
  UK17: "implementation",
};

const TAGS_OF_TYPE: Readonly<Record<string, readonly string[]>> = {
  UK1: ["planning"],
  UK2: ["planning"],
  UK3: ["planning"],
  UK4: ["tender"],
  UK5: ["award", "contract"],
  UK6: ["award", "contract"],
  UK7: ["award", "contract"],
  UK9: ["implementation"],
  UK10: ["contractAmendment"],
  UK11: ["contractTermination"],
  UK12: ["tenderCancellation"],
};

/**
 * An FTS notice of a Procurement Act type, with the tags, stage and status such a notice
 * maps to; override anything.
 */
export function ftsNotice(
  noticeId: string,
  noticeType: string,
  releaseDate: Date,
  overrides: Partial<Contract> = {},
): CompilerNotice {
  const stage = STAGE_OF_TYPE[noticeType] ?? "unknown";
  return aContract({
    noticeId,
    ocid: "ocds-h6vhtk-0c0001",
    releaseId: noticeId,
    releaseDate,
    publishedDate: releaseDate,
    releaseTags: [...(TAGS_OF_TYPE[noticeType] ?? [])],
    noticeType,
    stage,
    status: noticeType === "UK12" ? "cancelled" : stage === "planning" ? "planned" : "active",
    valueMin: null,
    valueMax: null,
    ...overrides,
  });
}

/** A Contracts Finder notice (no notice type; tags only). */
export function cfNotice(
  guid: string,
  sequence: number,
  tags: readonly string[],
  releaseDate: Date,
  overrides: Partial<Contract> = {},
): CompilerNotice {
  const stage = tags.some((t) => t.startsWith("award"))
    ? "award"
    : tags.some((t) => t.startsWith("tender"))
    ? "tender"
    : "planning";
  return aContract({
    source: "cf",
    noticeId: guid,
    ocid: "ocds-b5fd17-0c0001",
    releaseId: `${guid}-${sequence}`,
    releaseDate,
    publishedDate: releaseDate,
    releaseTags: [...tags],
    noticeType: null,
    stage,
    status: stage === "award" ? "complete" : stage === "planning" ? "planned" : "active",
    url: `https://www.contractsfinder.service.gov.uk/Notice/${guid}`,
    buyerOrg: "GB-CFS-1",
    legalRegime: null,
    procedure: null,
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------
// Raw releases, for the mapper and the sync.

/** Notice types of the synthetic FTS chains, in the order a process publishes them. */
export const CHAIN_SHAPES: readonly (readonly string[])[] = [
  ["UK1", "UK2", "UK4", "UK6", "UK7", "UK10"],
  ["UK4", "UK12"],
  ["UK7", "UK11"],
  ["UK4", "UK4+", "UK6"], // a tender, its edited version, the award
  ["UK2", "UK4", "UK6", "UK6"], // two contracts awarded in separate notices
  ["UK5", "UK6", "UK7"],
  ["UK3"],
];

/** One raw FTS release of a Procurement Act notice type (`UK4+` is an edited UK4). */
export function ftsRelease(
  noticeId: string,
  ocid: string,
  type: string,
  date: Date,
  buyer: { id: string; name: string },
  seq: number,
): Record<string, unknown> {
  const edited = type.endsWith("+");
  const code = edited ? type.slice(0, -1) : type;
  const iso = date.toISOString();
  const doc = {
    id: noticeId,
    documentType: "notice",
    noticeType: code,
    url: `https://www.find-tender.service.gov.uk/Notice/${noticeId}`,
    datePublished: iso,
  };
  const tags = edited ? [`${(TAGS_OF_TYPE[code] ?? ["tender"])[0]}Update`] : TAGS_OF_TYPE[code];
  const supplierId = `GB-PPON-SUPP-${(seq % 7).toString().padStart(4, "0")}`;
  const release: Record<string, unknown> = {
    id: noticeId,
    ocid,
    date: iso,
    tag: tags ?? ["planning"],
    initiationType: "tender",
    parties: [
      { id: buyer.id, name: buyer.name, roles: ["buyer"] },
      { id: supplierId, name: `Supplier ${seq % 7}`, roles: ["supplier"] },
    ],
    buyer,
  };
  const tender: Record<string, unknown> = {
    id: ocid,
    title: `Procurement ${ocid}`,
    status: code === "UK12" ? "cancelled" : "active",
    items: [{
      id: "1",
      additionalClassifications: [{ scheme: "CPV", id: seq % 2 === 0 ? "45233141" : "72000000" }],
    }],
  };
  const stage = STAGE_OF_TYPE[code];
  if (stage === "planning") {
    release.planning = { documents: [doc] };
    tender.status = "planning";
  } else if (stage === "tender") {
    tender.documents = [doc];
    tender.value = { amount: 1000 * (seq + 1), currency: "GBP" };
    tender.tenderPeriod = {
      endDate: new Date(date.getTime() + (edited ? 40 : 30) * 86_400_000).toISOString(),
    };
  } else {
    const value = { amount: 900 * (seq + 1) + (code === "UK10" ? 100 : 0), currency: "GBP" };
    const awardEntry = {
      id: "1",
      status: code === "UK6" ? "pending" : "active",
      value,
      suppliers: [{ id: supplierId, name: `Supplier ${seq % 7}` }],
      documents: [doc],
    };
    if (code === "UK10" || code === "UK11" || code === "UK9") {
      release.contracts = [{
        id: "1",
        awardID: "1",
        status: code === "UK11" ? "terminated" : "active",
        value,
        documents: [doc],
      }];
    } else {
      release.awards = [awardEntry];
    }
  }
  release.tender = tender;
  return release;
}

/**
 * A synthetic FTS chain: the releases of one procurement of the given shape, a day apart
 * from `from`. Notice ids are unique per `(chain, step)`.
 */
export function ftsChain(
  chain: number,
  shape: readonly string[],
  from: Date,
): Record<string, unknown>[] {
  const ocid = `ocds-h6vhtk-c${chain.toString(16).padStart(5, "0")}`;
  const buyer = {
    id: `GB-PPON-BUYR-${(chain % 13).toString().padStart(4, "0")}`,
    name: `Buyer ${chain % 13}`,
  };
  return shape.map((type, step) =>
    ftsRelease(
      `${(chain * 10 + step).toString().padStart(6, "0")}-2026`,
      ocid,
      type,
      new Date(from.getTime() + step * 86_400_000 + chain * 1000),
      buyer,
      chain,
    )
  );
}
