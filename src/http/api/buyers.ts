/**
 * `GET /api/v1/buyers/{orgId}` and `GET /api/v1/sectors`: a buyer with its counts, newest
 * notices and newest procurements (three MongoDB commands), and notices per sector.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const buyer = await readBuyer(db, "GB-PPON-ABCD-1234-EFGH");
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { type BuyerDoc, buyersCollection } from "../../db/buyers.ts";
import { type ContractDoc, contractsCollection } from "../../db/contracts.ts";
import { type ProcurementDoc, procurementsCollection } from "../../db/procurements.ts";
import { SECTORS } from "../../ocds/cpv.ts";
import { NOTICES } from "./notice_resource.ts";
import { PROCUREMENTS } from "./procurement_resource.ts";
import { plain } from "./resource.ts";

/** Newest notices, and newest procurements, listed with a buyer. */
export const BUYER_NEWEST = 10;

/** A buyer, its counts, newest notices and newest procurements, in public form. */
export interface BuyerAnswer {
  readonly buyer: Record<string, unknown>;
  readonly counts: {
    readonly notices: number;
    /** Procurements (ocids) naming the buyer, kept exact by the sync. */
    readonly procurements: number;
    readonly byStatus: Record<string, number>;
  };
  readonly newest: Record<string, unknown>[];
  /** The buyer's procurements, newest first by first publication. */
  readonly newestProcurements: Record<string, unknown>[];
  readonly links: {
    readonly notices: string;
    readonly procurements: string;
    readonly page: string;
  };
}

/** The public form of a buyer document. */
export function publicBuyer(doc: BuyerDoc): Record<string, unknown> {
  const { _id: _, ...rest } = doc as BuyerDoc & { _id?: unknown };
  return plain(rest) as Record<string, unknown>;
}

/** A buyer as stored, its notices by status, its newest notices and procurements. */
export interface BuyerFacts {
  readonly buyer: BuyerDoc;
  readonly byStatus: Record<string, number>;
  readonly newest: ContractDoc[];
  readonly newestProcurements: ProcurementDoc[];
}

/**
 * A buyer, its notices by status, its newest notices and procurements, or `null` when
 * unknown: three commands at once — one `findOne`; one aggregation over the buyer's notices
 * (index `buyerOrgs_v1`) whose `$facet` counts them by status and keeps the newest (a sort
 * with a limit: top-k, constant memory); one `find` of the newest procurements (index
 * `buyerOrgs_firstPublished_id_v1`).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await readBuyerFacts(db, "GB-PPON-ABCD-1234-EFGH"))?.buyer.contractCount;
 * ```
 */
export async function readBuyerFacts(db: Db, orgId: string): Promise<BuyerFacts | null> {
  const hide = (fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, 0]));
  const [buyer, facets, newestProcurements] = await Promise.all([
    buyersCollection(db).findOne({ orgId }, { projection: { _id: 0 } }),
    contractsCollection(db).aggregate<{
      byStatus: { _id: string; n: number }[];
      newest: ContractDoc[];
    }>([
      { $match: { buyerOrgs: orgId } },
      {
        $facet: {
          byStatus: [{ $group: { _id: "$status", n: { $sum: 1 } } }],
          newest: [
            { $sort: { publishedDate: -1, _id: -1 } },
            { $limit: BUYER_NEWEST },
            { $project: hide(NOTICES.hidden) },
          ],
        },
      },
    ]).toArray(),
    procurementsCollection(db).find({ buyerOrgs: orgId }, {
      projection: hide(PROCUREMENTS.hidden),
    }).sort({ firstPublished: -1, _id: -1 }).limit(BUYER_NEWEST).toArray(),
  ]);
  if (!buyer) return null;
  const statuses = facets[0]?.byStatus ?? [];
  const byStatus = Object.fromEntries(
    statuses.sort((a, b) => b.n - a.n || a._id.localeCompare(b._id)).map((s) => [s._id, s.n]),
  );
  return { buyer, byStatus, newest: facets[0]?.newest ?? [], newestProcurements };
}

/**
 * A buyer with its counts and newest notices in public form, or `null` when unknown (see
 * {@linkcode readBuyerFacts}: three MongoDB commands).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await readBuyer(db, "GB-PPON-ABCD-1234-EFGH"))?.counts.notices;
 * ```
 */
export async function readBuyer(
  db: Db,
  orgId: string,
  now: Date = new Date(),
): Promise<BuyerAnswer | null> {
  const facts = await readBuyerFacts(db, orgId);
  if (!facts) return null;
  return {
    buyer: publicBuyer(facts.buyer),
    counts: {
      notices: facts.buyer.contractCount,
      // absent on buyers stored before procurements existed, until a page or recount writes it
      procurements: facts.buyer.procurementCount ?? 0,
      byStatus: facts.byStatus,
    },
    newest: facts.newest.map((d) => NOTICES.toPublic(d, now)),
    newestProcurements: facts.newestProcurements.map((p) => PROCUREMENTS.toPublic(p, now)),
    links: {
      notices: `/api/v1/notices?buyer=${encodeURIComponent(orgId)}`,
      procurements: `/api/v1/procurements?buyer=${encodeURIComponent(orgId)}`,
      page: `/explore/buyers/${encodeURIComponent(orgId)}`,
    },
  };
}

/** Notices of one sector. */
export interface SectorCount {
  readonly slug: string;
  readonly name: string;
  /** Notices whose main CPV code is in the sector. */
  readonly notices: number;
  /** Of those, notices open for tenders (`status` active and a deadline ahead). */
  readonly open: number;
}

/**
 * Notices per primary sector (every sector listed, 0 included), largest first. Two
 * aggregations (all notices by sector; open ones by sector); their cost grows with the
 * collection, so the route caches the answer (see `routes.ts`).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await sectorCounts(db, Date.now()))[0]; // { slug: "construction", name: "…", notices: 120, open: 8 }
 * ```
 */
export async function sectorCounts(db: Db, now: number): Promise<SectorCount[]> {
  // two plain aggregations (no conditional expressions: the same on every server)
  const [all, open] = await Promise.all([
    contractsCollection(db).aggregate<{ _id: string | null; n: number }>([
      { $group: { _id: "$sector", n: { $sum: 1 } } },
    ]).toArray(),
    contractsCollection(db).aggregate<{ _id: string | null; n: number }>([
      { $match: { status: "active", tenderDeadline: { $gt: new Date(now) } } },
      { $group: { _id: "$sector", n: { $sum: 1 } } },
    ]).toArray(),
  ]);
  const openBy = new Map(open.map((g) => [g._id, g.n]));
  const groups = all.map((g) => ({ ...g, open: openBy.get(g._id) ?? 0 }));
  const by = new Map(groups.map((g) => [g._id, g]));
  const rows: SectorCount[] = SECTORS.map((s) => ({
    slug: s.slug,
    name: s.label,
    notices: by.get(s.slug)?.n ?? 0,
    open: by.get(s.slug)?.open ?? 0,
  }));
  const none = by.get(null);
  if (none) rows.push({ slug: "none", name: "No CPV code", notices: none.n, open: none.open });
  return rows.sort((a, b) => b.notices - a.notices || a.slug.localeCompare(b.slug));
}
