/**
 * The one catalog of source facts: for each API the product syncs, its name, origin, path,
 * query parameters, OCID prefix, where its data begins, its default window, overlap, page
 * size and request budget, its dashboard colour and where its notice pages live. Every layer
 * (settings, sources, mapping, triggers, status, dashboard, CLIs) reads a source's facts
 * here, the way kingfisher-collect declares each source once, in its spider
 * (`kingfisher_scrapy/spiders/united_kingdom_fts.py`). Each API's host and OCID prefix are
 * written in this file only (`tests/sources/catalog_test.ts` greps `src/` to keep it so).
 *
 * The facts and the quirks below come from the APIs' documentation (`docs` of each entry),
 * the open-source scrapers that read them, and real pages (the replay fixtures); a quirk is
 * written next to the fact it bends.
 *
 * @example
 * ```ts
 * import { SOURCE_CATALOG, SOURCE_IDS } from "./catalog.ts";
 * SOURCE_IDS.map((id) => SOURCE_CATALOG[id].label); // ["Find a Tender", "Contracts Finder"]
 * ```
 * @module
 */
import type { ApiWindow } from "./windows.ts";

/** The sources the product syncs, in the order they are shown. */
export const SOURCE_IDS = ["fts", "cf"] as const;
/** `"fts"` (Find a Tender) or `"cf"` (Contracts Finder). */
export type SourceId = typeof SOURCE_IDS[number];

/** Defaults of a source's settings (`FTS_*`, `CF_*` in `src/config.ts`). */
export interface SourceDefaults {
  /** `*_WINDOW`: length of one date window, as a duration text. */
  readonly window: string;
  /** `*_OVERLAP`: how far consecutive windows overlap, as a duration text. */
  readonly overlap: string;
  /** `*_PAGE_SIZE`: the `limit` sent (the APIs take 1–100). */
  readonly pageSize: number;
  /** `*_RATE_LIMIT`: requests per rolling period, such as `12/120s`. */
  readonly rateLimit: string;
  /** `*_THROTTLE_WAIT`: wait after a throttling answer without `Retry-After`. */
  readonly throttleWait: string;
}

/** Everything the product knows about one source API. */
export interface SourceFacts {
  readonly id: SourceId;
  /** Name for people (dashboard, status, settings help). */
  readonly label: string;
  /**
   * Origin of the API and of the public website: the default of `*_BASE_URL`, and where
   * notice pages live whatever `*_BASE_URL` says (a replay server has no notice pages).
   */
  readonly origin: string;
  /** The documented path of the release search, appended to the configured origin. */
  readonly path: string;
  /** The API's documentation. */
  readonly docs: string;
  /** Query parameters of one page request, in the order sent. */
  params(window: ApiWindow, limit: number, cursor: string | null): [string, string][];
  /** The ocid prefix the publisher registered with OCDS (`{prefix}-…` on every release). */
  readonly ocidPrefix: string;
  /** Path of a notice's public page, `{id}` standing for the notice id (URL-encoded). */
  readonly noticePath: string;
  /** First day (UTC) with data: a start date or backfill before it reads nothing. */
  readonly dataBegins: string;
  /** Defaults of its settings. */
  readonly defaults: SourceDefaults;
  /** Why the window default is what it is (shown in the `*_WINDOW` setting's help). */
  readonly windowNote: string;
  /** Colour of its series on the dashboard chart (GOV.UK palette). */
  readonly colour: string;
}

/** Every CF stage; sent on every request, so a server default can never narrow the answer. */
export const CF_STAGES = "planning,tender,award,implementation";

/** Find a Tender: above-threshold notices since 2021, Procurement Act notices since 2025. */
const FTS: SourceFacts = {
  id: "fts",
  label: "Find a Tender",
  origin: "https://www.find-tender.service.gov.uk",
  // One notice is `…/ocdsReleasePackages/{noticeId}`, a process `…/{ocid}`; we only search.
  path: "/api/1.0/ocdsReleasePackages",
  docs: "https://www.find-tender.service.gov.uk/apidocumentation/1.0/GET-ocdsReleasePackages",
  params: (window, limit, cursor) => {
    // `updatedFrom`/`updatedTo` are read as UK wall-clock time (`YYYY-MM-DDTHH:MM:SS`,
    // Europe/London; see `windows.ts`). `stages` is never sent: it is reported to drop
    // notices or be rejected, so filtering happens on our side. Any unknown parameter is a
    // 400 with a JSON body.
    const params: [string, string][] = [
      ["updatedFrom", window.from],
      ["updatedTo", window.to],
      ["limit", String(limit)],
    ];
    // `links.next` carries a base64 cursor (`updatedFrom=…|updatedTo=…|nextCursor=N`). In
    // mid-2026 some full pages came without `links.next`: `ocds_source.ts` reads the rest of
    // the window rather than trust them. Bodies with `1e9999` or ` 000,` are not valid JSON:
    // `json_repair.ts` mends them.
    if (cursor !== null) params.push(["cursor", cursor]);
    return params;
  },
  ocidPrefix: "ocds-h6vhtk",
  noticePath: "/Notice/{id}",
  dataBegins: "2021-01-01",
  defaults: {
    // Long windows lose releases: the best-known open-source scraper went from 1 day to
    // 12 h to 6 h windows.
    window: "6h",
    overlap: "30m",
    pageSize: 100,
    // "12 request limit in 2 minute": a 429 whose body says so, often without
    // `Retry-After` although the docs promise one on 429 and 503.
    rateLimit: "12/120s",
    throttleWait: "30s",
  },
  windowNote: "long windows lose releases",
  colour: "#1d70b8",
};

/** Contracts Finder: below-threshold notices since 2014. */
const CF: SourceFacts = {
  id: "cf",
  label: "Contracts Finder",
  origin: "https://www.contractsfinder.service.gov.uk",
  path: "/Published/Notices/OCDS/Search",
  docs:
    "https://www.contractsfinder.service.gov.uk/apidocumentation/Notices/1/GET-Published-Notice-OCDS-Search",
  params: (window, limit, cursor) => {
    // `publishedFrom`/`publishedTo` in ISO 8601; answers' dates are UK local time (`Z` in
    // winter, `+01:00` in summer), so we send Europe/London wall clock as for FTS.
    const params: [string, string][] = [
      ["publishedFrom", window.from],
      ["publishedTo", window.to],
      ["stages", CF_STAGES],
      ["limit", String(limit)],
    ];
    // The cursor decodes to `publishedFrom|publishedTo|limit|nextCursor=N`. Bodies may carry
    // ISO-8859-1 bytes (`decode.ts`); a release id is `{noticeGuid}-{sequence}` (`notice.ts`).
    if (cursor !== null) params.push(["cursor", cursor]);
    return params;
  },
  ocidPrefix: "ocds-b5fd17",
  noticePath: "/Notice/{id}",
  dataBegins: "2014-01-01",
  defaults: {
    // Without date windows only recent months come back; the known scraper uses 15 days.
    window: "15d",
    overlap: "1h",
    pageSize: 100,
    // Throttling is an HTML page with HTTP 403 ("rate limit may have been exceeded", wait
    // 5 minutes, say the docs), sometimes a 429: `http_policy.ts` reads both as throttling.
    rateLimit: "30/60s",
    throttleWait: "5m",
  },
  windowNote: "without windows only recent months come back",
  colour: "#85994b",
};

/** Each source's facts, by id. */
export const SOURCE_CATALOG: { readonly [S in SourceId]: Readonly<SourceFacts> } = Object.freeze({
  fts: Object.freeze({ ...FTS, defaults: Object.freeze(FTS.defaults) }),
  cf: Object.freeze({ ...CF, defaults: Object.freeze(CF.defaults) }),
});

/**
 * Whether `value` names a source.
 *
 * @example
 * ```ts
 * import { isSourceId } from "./catalog.ts";
 * isSourceId("cf"); // true
 * isSourceId("ted"); // false
 * ```
 */
export function isSourceId(value: unknown): value is SourceId {
  return (SOURCE_IDS as readonly unknown[]).includes(value);
}

/**
 * The source whose ocid prefix `ocid` carries, if any.
 *
 * @example
 * ```ts
 * import { SOURCE_CATALOG, sourceOfOcid } from "./catalog.ts";
 * sourceOfOcid(`${SOURCE_CATALOG.cf.ocidPrefix}-4c20859e`); // "cf"
 * sourceOfOcid("ocds-xxxxxx-1"); // undefined
 * ```
 */
export function sourceOfOcid(ocid: string): SourceId | undefined {
  return SOURCE_IDS.find((id) => ocid.startsWith(`${SOURCE_CATALOG[id].ocidPrefix}-`));
}

/**
 * The source a URL (a release package's `uri`) points at, if any: the one whose host, without
 * its `www.`, the text contains.
 *
 * @example
 * ```ts
 * import { SOURCE_CATALOG, sourceOfUrl } from "./catalog.ts";
 * sourceOfUrl(`${SOURCE_CATALOG.fts.origin}/api/1.0/ocdsReleasePackages`); // "fts"
 * sourceOfUrl("https://example.org/"); // undefined
 * ```
 */
export function sourceOfUrl(url: string): SourceId | undefined {
  return SOURCE_IDS.find((id) =>
    url.includes(new URL(SOURCE_CATALOG[id].origin).host.replace(/^www\./, ""))
  );
}

/**
 * The notice's page on the source's public website.
 *
 * @example
 * ```ts
 * import { noticeUrl, SOURCE_CATALOG } from "./catalog.ts";
 * noticeUrl("fts", "032703-2026") === `${SOURCE_CATALOG.fts.origin}/Notice/032703-2026`; // true
 * ```
 */
export function noticeUrl(source: SourceId, noticeId: string): string {
  const facts = SOURCE_CATALOG[source];
  // encodeURIComponent throws on a lone surrogate; the id reader refuses those, but this
  // function is exported and must not throw either.
  const id = encodeURIComponent(noticeId.toWellFormed());
  return `${facts.origin}${facts.noticePath.replace("{id}", () => id)}`;
}
