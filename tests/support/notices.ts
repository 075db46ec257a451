/**
 * Synthetic mapped notices for read-API tests and the HTTP benchmark: varied sources, buyers,
 * suppliers, CPV codes (with their real sectors), regions, values, deadlines and statuses, from
 * a seeded generator so every run stores the same data. Stored through the real write path
 * (`writeContracts`, `writeBuyers`), so search tokens and buyer counts are what the sync makes.
 * @module
 */
import type { Db } from "mongodb";
import { buyersCollection } from "../../src/db/buyers.ts";
import { compileProcurement } from "../../src/db/procurement_search.ts";
import { procurementId, procurementsCollection } from "../../src/db/procurements.ts";
import { contentHash, insertNewContracts } from "../../src/db/contracts.ts";
import { writePage } from "../../src/db/page_write.ts";
import { saveState } from "../../src/db/sync_state.ts";
import { classifyCpv } from "../../src/ocds/cpv.ts";
import { searchTokens } from "../../src/ocds/search_tokens.ts";
import type { Buyer, Contract } from "../../src/ocds/documents.ts";
import { aContract } from "./contracts.ts";
import { prng } from "./random.ts";

const WORDS = [
  "road",
  "maintenance",
  "school",
  "catering",
  "cleaning",
  "software",
  "licence",
  "bridge",
  "repair",
  "waste",
  "collection",
  "consultancy",
  "security",
  "housing",
  "energy",
  "audit",
  "legal",
  "transport",
  "fleet",
  "café",
];
const CPVS = [
  "45233141",
  "45000000",
  "72000000",
  "72212000",
  "55520000",
  "90910000",
  "79710000",
  "33600000",
  "50000000",
  "85100000",
];
const REGIONS = [
  { code: "UKI", name: "London" },
  { code: "UKI3", name: "Inner London – West" },
  { code: "UKD3", name: "Greater Manchester" },
  { code: "UKM", name: "Scotland" },
  { code: "UKE4", name: "West Yorkshire" },
  { code: "TLI", name: "London" },
];
const STATUSES = ["active", "active", "complete", "cancelled", "planned"] as const;
const DAY = 86_400_000;

/** A synthetic notice with the fields of issue 12 that the read API filters on. */
export type SyntheticNotice = Contract & {
  readonly awardedValue: number | null;
  readonly deliveryRegions: readonly { code: string | null; name: string }[];
};

/** `n` varied notices, published over the 90 days before `now`. */
export function syntheticNotices(
  n: number,
  seed: number,
  now: number,
  offset = 0,
): SyntheticNotice[] {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const out: SyntheticNotice[] = [];
  for (let i = 0; i < n; i++) {
    const k = i + offset;
    const source = random() < 0.5 ? "fts" as const : "cf" as const;
    const noticeId = source === "fts"
      ? `${String(k).padStart(6, "0")}-2026`
      : `${Math.floor(random() * 0xffffffff).toString(16).padStart(8, "0")}-cf${k}`;
    const buyer = Math.floor(random() * 30);
    const published = new Date(now - Math.floor(random() * 90 * DAY));
    const cpv = pick(CPVS);
    const sector = classifyCpv(cpv)?.slug ?? null;
    const status = pick(STATUSES);
    const awardedStage = status === "complete";
    const suppliers = awardedStage
      ? [{
        id: `GB-COH-${String(Math.floor(random() * 40)).padStart(8, "0")}`,
        name: `${pick(WORDS)} Ltd`,
        scale: null,
      }]
      : [];
    const value = random() < 0.8 ? Math.round(random() * 5_000_000) : null;
    const title = `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}${
      k % 97 === 0 ? " (a+)+$ .* [x]" : ""
    }`;
    out.push({
      ...aContract({
        source,
        noticeId,
        ocid: `ocds-h6vhtk-${String(Math.floor(k / 2)).padStart(6, "0")}`,
        releaseId: source === "cf" ? `${noticeId}-1` : noticeId,
        releaseDate: published,
        publishedDate: published,
        noticeType: source === "fts" ? (awardedStage ? "UK6" : "UK4") : null,
        stage: awardedStage ? "award" : status === "planned" ? "planning" : "tender",
        status,
        title,
        description: `${pick(WORDS)} services for the ${pick(WORDS)} programme`,
        buyerName: `Buyer ${buyer} Council`,
        buyerOrg: `GB-PPON-TEST-${String(buyer).padStart(4, "0")}`,
        buyerOrgs: [`GB-PPON-TEST-${String(buyer).padStart(4, "0")}`],
        valueMin: value,
        valueMax: value,
        cpvCodes: [cpv],
        sector,
        sectors: sector ? [sector] : [],
        tenderDeadline: random() < 0.7
          ? new Date(now + Math.floor((random() - 0.3) * 60 * DAY))
          : null,
        suppliers,
        url: source === "fts" ? `https://www.find-tender.service.gov.uk/Notice/${noticeId}` : null,
      }),
      awardedValue: awardedStage ? Math.round(random() * 4_000_000) : null,
      deliveryRegions: random() < 0.8 ? [pick(REGIONS)] : [],
    });
  }
  return out;
}

/** The buyers of some notices. */
export function buyersOf(notices: readonly Contract[]): Buyer[] {
  const seen = new Map<string, Buyer>();
  for (const n of notices) {
    const orgId = n.buyerOrg!;
    seen.set(orgId, {
      orgId,
      name: n.buyerName,
      identifiers: [],
      address: {
        streetAddress: null,
        locality: "Leeds",
        region: null,
        postalCode: "LS1 1AA",
        countryName: "UK",
      },
      url: "https://example.org/buyer",
      sources: [n.source],
    });
  }
  return [...seen.values()];
}

/**
 * Stores notices through the real write path in pages of `pageSize`, with their buyers and
 * the figures the sync keeps (so the dashboard shows them).
 */
export async function storeNotices(
  db: Db,
  notices: readonly Contract[],
  now: number,
  pageSize = 500,
): Promise<void> {
  for (let i = 0; i < notices.length; i += pageSize) {
    const page = notices.slice(i, i + pageSize);
    await writePage(db, page, buyersOf(page), new Date(now), { pageKey: `store@${i}` });
    for (const source of ["fts", "cf"] as const) {
      const own = page.filter((n) => n.source === source);
      const days: Record<string, number> = {};
      for (const n of own) {
        const day = n.releaseDate.toISOString().slice(0, 10);
        days[day] = (days[day] ?? 0) + 1;
      }
      await saveState(
        db,
        source,
        1,
        {
          source,
          kind: "main",
          mode: "incremental",
          rangeFrom: new Date(now - 90 * DAY),
          rangeTo: null,
          window: null,
          cursor: null,
          watermark: new Date(now - 60_000),
          status: "ok",
          lastError: null,
          lastRunId: null,
          lastSuccessAt: new Date(now - 60_000),
        },
        { pages: 1, releases: own.length, notices: own.length, days },
        new Date(now),
      );
    }
  }
}

/** Options of {@linkcode insertNotices} and {@linkcode insertProcurements}. */
export interface InsertOptions {
  /**
   * Documents per `insertMany`. Bounds the time of one command on the embedded server, whose
   * inserts slow down as a collection grows (a batch of 5,000 timed out on its way to 50,000
   * notices; one of 1,000 took 86 s with 27,000 stored: the caller sets its socket timeout).
   * @default 1000
   */
  readonly batch?: number;
  /** Called after each batch with the documents stored so far (for a benchmark's progress). */
  readonly onBatch?: (stored: number) => void;
}

/**
 * Stores many notices fast, for benchmarks: the documents `writeContracts` would write
 * (content hash and search tokens included), inserted in batches (see
 * {@linkcode InsertOptions}) without the per-page read-back; buyers with their exact counts in
 * one bulk write; the figures the sync keeps. Counts and figures are added, so successive calls
 * with notices not yet stored grow a database exactly. The embedded server's inserts slow down as a
 * collection grows, so a 50,000-notice database through the page-by-page path would take hours
 * there.
 */
export async function insertNotices(
  db: Db,
  notices: readonly Contract[],
  now: number,
  options: InsertOptions = {},
): Promise<void> {
  const batch = options.batch ?? 1000;
  const at = new Date(now);
  for (let i = 0; i < notices.length; i += batch) {
    const docs = await Promise.all(
      notices.slice(i, i + batch).map(async (c) => ({
        ...c,
        contentHash: await contentHash(c),
        firstSeenAt: at,
        updatedAt: at,
        firstSeenPage: null,
        searchTokens: searchTokens(c),
      })),
    );
    await insertNewContracts(db, docs);
    options.onBatch?.(i + docs.length);
  }
  const counts = new Map<string, number>();
  for (const n of notices) counts.set(n.buyerOrg!, (counts.get(n.buyerOrg!) ?? 0) + 1);
  const buyers = buyersOf(notices);
  if (buyers.length > 0) {
    await buyersCollection(db).bulkWrite(buyers.map((b) => ({
      updateOne: {
        filter: { orgId: b.orgId },
        update: {
          // added, so a benchmark can grow a database by calls with the next notices
          $inc: { contractCount: counts.get(b.orgId) ?? 0 },
          $set: { countedAt: at },
          $setOnInsert: { ...b, firstSeenAt: at },
        },
        upsert: true,
      },
    })));
  }
  for (const source of ["fts", "cf"] as const) {
    const own = notices.filter((n) => n.source === source);
    const days: Record<string, number> = {};
    for (const n of own) {
      const day = n.releaseDate.toISOString().slice(0, 10);
      if (n.releaseDate.getTime() > now - 91 * DAY) days[day] = (days[day] ?? 0) + 1;
    }
    await saveState(db, source, 1, mainState(source, now), {
      pages: 1,
      releases: own.length,
      notices: own.length,
      days,
    }, at);
  }
}

/**
 * Compiles and inserts the procurements of notices inserted by {@linkcode insertNotices}, for
 * benchmarks: the documents `compileProcurements` writes (search tokens included), inserted in
 * batches (see {@linkcode InsertOptions}) without its read of the stored notices. Every
 * procurement of `notices` must be new: all its notices are in this call.
 */
export async function insertProcurements(
  db: Db,
  notices: readonly Contract[],
  options: InsertOptions = {},
): Promise<number> {
  const batch = options.batch ?? 1000;
  const byKey = new Map<string, Contract[]>();
  for (const n of notices) {
    const key = procurementId(n.source, n.ocid);
    const list = byKey.get(key);
    if (list) list.push(n);
    else byKey.set(key, [n]);
  }
  const docs = [];
  for (const [_id, list] of byKey) {
    const p = compileProcurement({ source: list[0].source, ocid: list[0].ocid }, list);
    if (p !== null) docs.push({ _id, ...p });
  }
  for (let i = 0; i < docs.length; i += batch) {
    const slice = docs.slice(i, i + batch);
    await procurementsCollection(db).insertMany(slice, { ordered: false });
    options.onBatch?.(i + slice.length);
  }
  return docs.length;
}

function mainState(source: "fts" | "cf", now: number) {
  return {
    source,
    kind: "main" as const,
    mode: "incremental" as const,
    rangeFrom: new Date(now - 90 * DAY),
    rangeTo: null,
    window: null,
    cursor: null,
    watermark: new Date(now - 60_000),
    status: "ok" as const,
    lastError: null,
    lastRunId: null,
    lastSuccessAt: new Date(now - 60_000),
  };
}
