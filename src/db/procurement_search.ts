/**
 * The stored form of a compiled procurement: the compiler's document plus `searchTokens`, the
 * normalised words free text (`q`) matches with `$all` through the multikey index
 * `searchTokens_v1` — the same scheme as the notices (`src/ocds/search_tokens.ts`), so user
 * text never becomes a regular expression and jongodb answers as MongoDB does.
 *
 * `src/db/procurements.ts` writes every procurement through {@linkcode compileProcurement}
 * below (its one import line names this module), so the tokens are a pure function of the same
 * notices as the rest of the document: replays, page splits and rebuilds give the same tokens.
 *
 * @example
 * ```ts
 * import { compileProcurement, type CompilerNotice } from "./procurement_search.ts";
 * declare const notices: CompilerNotice[]; // the stored notices of one ocid
 * const stored = compileProcurement({ source: "fts", ocid: "ocds-example-1" }, notices);
 * stored?.searchTokens; // ["road", "gritting", "leeds", …]
 * ```
 * @module
 */
import { compileProcurement as compileNotices, type CompilerNotice } from "../ocds/procurement.ts";
import type { Procurement } from "../ocds/procurement_doc.ts";
import type { SourceId } from "../ocds/documents.ts";
import { searchTokens } from "../ocds/search_tokens.ts";

export type { CompilerNotice };

/** A procurement as stored: the compiled document and its search words. */
export type SearchableProcurement = Procurement & { readonly searchTokens: string[] };

/**
 * The search words of a procurement: its title, buyer, suppliers, ocid and the start of its
 * description, in that order (the word cap drops the end of a long description first).
 *
 * @example
 * ```ts
 * procurementSearchTokens({ ocid: "ocds-example-1", title: "Road gritting", description: null,
 *   buyerName: "Leeds City Council", suppliers: [] });
 * // ["road", "gritting", "leeds", "city", "council", "ocds", "example"]
 * ```
 */
export function procurementSearchTokens(
  p: Pick<Procurement, "ocid" | "title" | "description" | "buyerName" | "suppliers">,
): string[] {
  return searchTokens({
    noticeId: p.ocid,
    title: p.title,
    description: p.description,
    buyerName: p.buyerName,
    suppliers: p.suppliers,
  });
}

/**
 * A compiled procurement with its `searchTokens`.
 *
 * @example
 * ```ts
 * import { withSearchTokens } from "./procurement_search.ts";
 * import type { Procurement } from "../ocds/procurement_doc.ts";
 * declare const procurement: Procurement; // titled "Road gritting"
 * withSearchTokens(procurement).searchTokens.includes("gritting"); // true
 * ```
 */
export function withSearchTokens(p: Procurement): SearchableProcurement {
  return { ...p, searchTokens: procurementSearchTokens(p) };
}

/**
 * `compileProcurement` of `src/ocds/procurement.ts` (same arguments, same `null` for an ocid
 * without notices) with `searchTokens` added: what `src/db/procurements.ts` stores.
 *
 * @example
 * ```ts
 * compileProcurement({ source: "cf", ocid: "ocds-example-1" }, []); // null
 * ```
 */
export function compileProcurement(
  key: { readonly source: SourceId; readonly ocid: string },
  notices: readonly CompilerNotice[],
): SearchableProcurement | null {
  const p = compileNotices(key, notices);
  return p === null ? null : withSearchTokens(p);
}
