/**
 * The buying organisations of a release: every party with role `buyer` plus the `buyer`
 * reference, as {@linkcode Buyer} documents keyed by `orgId`, and which of them is the main
 * buyer. Contact points are never read (see `release.ts`), so no personal data gets here.
 *
 * @example
 * ```ts
 * import { autoOrgId } from "./buyers.ts";
 * autoOrgId("Thame Town Council"); // "auto-thame-town-council"
 * ```
 * @module
 */
import type { Buyer, SourceId } from "./documents.ts";
import type { OcdsAddress, OcdsParty, OcdsRelease } from "./release.ts";
import type { Warnings } from "./read.ts";
import { slug } from "./slug.ts";

/** The buyer part of a contract, with the buyer documents. */
export interface ReleaseBuyers {
  /** One per distinct `orgId`, main buyer first. */
  readonly buyers: Buyer[];
  readonly buyerOrg: string | null;
  readonly buyerName: string | null;
}

/**
 * The org id of a buyer published without an id: `auto-{slug(name)}`, or `null` when the
 * name leaves nothing to slug.
 *
 * @example
 * ```ts
 * import { autoOrgId } from "./buyers.ts";
 * autoOrgId("★"); // null
 * ```
 */
export function autoOrgId(name: string): string | null {
  const s = slug(name);
  return s === "" ? null : `auto-${s}`;
}

function address(a: OcdsAddress | undefined): Buyer["address"] {
  if (a === undefined) return null;
  const out = {
    streetAddress: a.streetAddress ?? null,
    locality: a.locality ?? null,
    region: a.region ?? null,
    postalCode: a.postalCode ?? null,
    countryName: a.countryName ?? null,
  };
  return Object.values(out).every((v) => v === null) ? null : out;
}

function fromParty(orgId: string, p: OcdsParty, source: SourceId): Buyer {
  return {
    orgId,
    name: p.name ?? null,
    identifiers: [...p.identifiers],
    address: address(p.address),
    url: p.url ?? null,
    sources: [source],
  };
}

/**
 * Finds the buyers of a release. The main buyer is the one the `buyer` reference points at
 * (by id, else by name), else the first party with role `buyer`. Warns `missing-buyer` when
 * there is none, `buyer-not-in-parties` when the reference names no party, and
 * `party-without-name` for a buyer party with neither id nor name (skipped).
 *
 * @example
 * ```ts
 * import { readBuyers } from "./buyers.ts";
 * import { Warnings } from "./read.ts";
 * const b = readBuyers("cf", {
 *   tag: [], planningDocuments: [], awards: [], contracts: [], bidStatistics: [],
 *   relationships: [], buyer: { name: "Thame Town Council" }, parties: [],
 * }, new Warnings());
 * b.buyerOrg; // "auto-thame-town-council"
 * ```
 */
export function readBuyers(source: SourceId, r: OcdsRelease, w: Warnings): ReleaseBuyers {
  const byOrg = new Map<string, Buyer>();
  const keep = (b: Buyer) => {
    if (!byOrg.has(b.orgId)) byOrg.set(b.orgId, b);
  };

  let main: { orgId: string | null; name: string | null } | undefined;
  const ref = r.buyer;
  if (ref !== undefined && (ref.id !== undefined || ref.name !== undefined)) {
    // Any party may be the one referenced, even one whose roles forgot `buyer`.
    const party = r.parties.find((p) => ref.id !== undefined && p.id === ref.id) ??
      r.parties.find((p) =>
        ref.id === undefined && p.roles.includes("buyer") && p.name !== undefined &&
        p.name === ref.name
      );
    const orgId = ref.id ?? party?.id ?? autoOrgId(ref.name ?? "");
    if (party === undefined && r.parties.length > 0) {
      w.add(
        "buyer-not-in-parties",
        "the buyer reference matches no party; its name only is kept",
        "buyer",
      );
    }
    if (orgId !== null) {
      keep(
        party !== undefined ? fromParty(orgId, party, source) : {
          orgId,
          name: ref.name ?? null,
          identifiers: [],
          address: null,
          url: null,
          sources: [source],
        },
      );
    }
    main = { orgId, name: ref.name ?? party?.name ?? null };
  }

  r.parties.forEach((p, i) => {
    if (!p.roles.includes("buyer")) return;
    const orgId = p.id ?? autoOrgId(p.name ?? "");
    if (orgId === null) {
      w.add(
        "party-without-name",
        "a buyer party has neither id nor name; skipped",
        `parties[${i}]`,
      );
      return;
    }
    keep(fromParty(orgId, p, source));
    // A reference with an unusable name leaves the first buyer party as the main buyer.
    if (main === undefined || main.orgId === null) {
      main = { orgId, name: main?.name ?? p.name ?? null };
    }
  });

  if (main === undefined || main.orgId === null) {
    w.add("missing-buyer", "no buyer reference and no party with role buyer", "buyer");
  }
  return {
    buyers: [...byOrg.values()],
    buyerOrg: main?.orgId ?? null,
    buyerName: main?.name ?? null,
  };
}
