/**
 * The explorer for people: server-rendered pages over the same query layer as the read API,
 * no client script, phone-first.
 *
 * | Route | Page |
 * |---|---|
 * | `GET /explore` | procurement search: the API's filters, results with phase badges, deadline, values |
 * | `GET /explore/notices` | notice search (the same form, notice statuses) |
 * | `GET /explore/procurements/{source}/{ocid}` | a procurement: timeline, buyers, suppliers, lots, warnings |
 * | `GET /explore/notices/{source}/{noticeId}` | a notice: facts, timeline of its procurement, awards |
 * | `GET /explore/buyers/{orgId}` | a buyer: counts, newest procurements and notices |
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = () => Promise.resolve(getMongoClient("mongodb://127.0.0.1:27017").db("procurement"));
 * const explorer = createExplorer({ now: Date.now });
 * const request = new Request("http://localhost:8000/explore?q=road");
 * const url = new URL(request.url);
 * const res = await explorer.handle(request, url, db); // null when not an explorer path
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { Document } from "mongodb";
import type { ContractDoc } from "../db/contracts.ts";
import type { ProcurementDoc } from "../db/procurements.ts";
import { SECTORS } from "../ocds/cpv.ts";
import { readBuyerFacts } from "./api/buyers.ts";
import { NOTICE_STATUSES, noticePagePath, noticePath, NOTICES } from "./api/notice_resource.ts";
import { BadRequest, parseParams } from "./api/params.ts";
import { PHASES, procurementPagePath, PROCUREMENTS } from "./api/procurement_resource.ts";
import { type AnyResource, listDocs, readListRequest } from "./api/resource.ts";
import { procurementBody, procurementItem } from "./explorer_procurements.ts";
import { toErrorStatus } from "./errors.ts";
import { isSourceId, SOURCE_CATALOG, SOURCE_IDS } from "../sources/catalog.ts";
import { html, type SafeHtml, safeUrl } from "./html.ts";
import { layout, noticeType, noticeTypeKey, pageStyleHash } from "./layout.ts";
import { badge, day, money, number, when } from "./explorer_format.ts";
import { htmlPage } from "./respond.ts";

/** A notice's phase for people, from its status, stage and deadline. */
export type Phase = "open" | "closed" | "awarded" | "planned" | "cancelled" | "amended" | "other";

/**
 * The phase badge of a notice.
 *
 * @example
 * ```ts
 * const tomorrow = new Date(Date.now() + 86_400_000);
 * phaseOf({ status: "active", stage: "tender", tenderDeadline: tomorrow }, Date.now()); // "open"
 * ```
 */
export function phaseOf(
  doc: Pick<ContractDoc, "status" | "stage" | "tenderDeadline">,
  now: number,
): Phase {
  const status = doc.status as string;
  if (status === "cancelled" || status === "withdrawn" || status === "unsuccessful") {
    return "cancelled";
  }
  if (status === "amended") return "amended";
  if (doc.stage === "award" || doc.stage === "contract" || doc.stage === "implementation") {
    return "awarded";
  }
  if (status === "planned" || doc.stage === "planning") return "planned";
  if (doc.stage === "tender" || status === "active") {
    return doc.tenderDeadline && doc.tenderDeadline.getTime() < now ? "closed" : "open";
  }
  return "other";
}

function values(doc: ContractDoc): SafeHtml {
  // absent on documents mapped before mapping version 2
  const awarded = (doc as Partial<Pick<ContractDoc, "awardedValue">>).awardedValue;
  const estimate = doc.valueMin !== null && doc.valueMax !== null && doc.valueMin !== doc.valueMax
    ? `${money(doc.valueMin, doc.currency)} – ${number(doc.valueMax)}`
    : money(doc.valueMax, doc.currency);
  return html`${estimate ? html`<span>Estimate <b>${estimate}</b></span>` : html``}${
    awarded !== null && awarded !== undefined
      ? html`<span>Awarded <b>${money(awarded, doc.currency)}</b></span>`
      : html``
  }`;
}

function resultItem(doc: ContractDoc, now: number): SafeHtml {
  return html`
    <li data-notice="${`${doc.source}/${doc.noticeId}`}">
      <h3><a href="${noticePagePath(doc)}">${doc.title ?? "(untitled)"}</a></h3>
      <div class="facts">${badge(phaseOf(doc, now))}<span>${noticeType(
        doc.noticeType,
        doc.stage,
      )}</span><span>${SOURCE_CATALOG[doc.source].label}</span>${doc.buyerOrg
        ? html`<span><a href="${`/explore/buyers/${encodeURIComponent(doc.buyerOrg)}`}">${
          doc.buyerName ?? doc.buyerOrg
        }</a></span>`
        : html`<span>${doc.buyerName ?? ""}</span>`}</div>
      <div class="facts"><span>Published <b>${day(doc.publishedDate)}</b></span>${doc.tenderDeadline
        ? html`<span>Deadline <b>${when(doc.tenderDeadline)}</b></span>`
        : html``}${values(doc)}</div>
    </li>
  `;
}

function field(
  label: string,
  name: string,
  value: string,
  type = "text",
  extra: { placeholder?: string; wide?: boolean } = {},
): SafeHtml {
  return html`
    <label
      class="${extra.wide
        ? "wide"
        : ""}">${label}<input type="${type}" name="${name}" value="${value}" placeholder="${extra
        .placeholder ?? ""}"></label>
  `;
}

function select(
  label: string,
  name: string,
  value: string,
  options: readonly (readonly [string, string])[],
  /** The first option, which sends no value (no filter, or the default). */
  none = "Any",
): SafeHtml {
  return html`<label>${label}<select name="${name}"><option value="">${none}</option>${
    options.map(([v, text]) =>
      v === value
        ? html`<option value="${v}" selected>${text}</option>`
        : html`<option value="${v}">${text}</option>`
    )
  }</select></label>`;
}

const MORE_FILTERS = [
  "cpv",
  "region",
  "buyer",
  "supplier",
  "valueBasis",
  "minValue",
  "maxValue",
  "deadlineFrom",
  "deadlineTo",
  "publishedFrom",
  "publishedTo",
];

/** What a search page lists: procurements (the default) or notices. */
interface SearchKind {
  readonly resource: AnyResource;
  /** The page's path, and its form's action. */
  readonly path: "/explore" | "/explore/notices";
  /** `procurements` or `notices`, for people. */
  readonly plural: string;
  /** The select of the kind's own filter (phase or status). */
  readonly stateFilter: {
    readonly label: string;
    readonly name: string;
    values: readonly string[];
  };
  readonly item: (doc: Document, now: Date) => SafeHtml;
}

const PROCUREMENT_SEARCH: SearchKind = {
  resource: PROCUREMENTS,
  path: "/explore",
  plural: "procurements",
  stateFilter: { label: "Phase", name: "phase", values: PHASES },
  item: (doc, now) => procurementItem(doc as ProcurementDoc, now),
};

const NOTICE_SEARCH: SearchKind = {
  resource: NOTICES,
  path: "/explore/notices",
  plural: "notices",
  stateFilter: { label: "Status", name: "status", values: NOTICE_STATUSES },
  item: (doc, now) => resultItem(doc as ContractDoc, now.getTime()),
};

/** Links between the two searches, carrying the words over. */
function tabs(url: URL, kind: SearchKind): SafeHtml {
  const q = url.searchParams.get("q")?.slice(0, 200);
  const tab = (k: SearchKind, label: string) => {
    const href = q ? `${k.path}?q=${encodeURIComponent(q)}` : k.path;
    return k === kind
      ? html`<a href="${href}" aria-current="page">${label}</a>`
      : html`<a href="${href}">${label}</a>`;
  };
  return html`<nav class="tabs" id="search-tabs">${tab(PROCUREMENT_SEARCH, "Procurements")}${
    tab(NOTICE_SEARCH, "Notices")
  }</nav>`;
}

function searchForm(url: URL, kind: SearchKind): SafeHtml {
  const v = (name: string) => (url.searchParams.get(name) ?? "").slice(0, 200);
  // the rarer filters fold away (no script: <details>), open when one of them is in use
  const more = MORE_FILTERS.some((n) => v(n) !== "");
  const state = kind.stateFilter;
  const extra = html`<div class="grid">
${field("CPV code (prefix)", "cpv", v("cpv"), "text", { placeholder: "45 or 45233" })}
${field("Region code", "region", v("region"), "text", { placeholder: "UKI" })}
${field("Buyer id", "buyer", v("buyer"))}
${field("Supplier id", "supplier", v("supplier"))}
${select("Values are", "valueBasis", v("valueBasis"), [["awarded", "awarded"]], "estimates")}
${field("Value from", "minValue", v("minValue"), "number")}
${field("Value to", "maxValue", v("maxValue"), "number")}
${field("Deadline from", "deadlineFrom", v("deadlineFrom"), "date")}
${field("Deadline to", "deadlineTo", v("deadlineTo"), "date")}
${field("Published from", "publishedFrom", v("publishedFrom"), "date")}
${field("Published to", "publishedTo", v("publishedTo"), "date")}
</div>`;
  return html`<form class="search" method="get" action="${kind.path}" role="search">
${field("Words", "q", v("q"), "search", { placeholder: "e.g. road maintenance Leeds", wide: true })}
${
    select(
      "Source",
      "source",
      v("source"),
      SOURCE_IDS.map((id) => [id, SOURCE_CATALOG[id].label] as const),
    )
  }
${select(state.label, state.name, v(state.name), state.values.map((s) => [s, s] as const))}
${select("Sector", "sector", v("sector"), SECTORS.map((s) => [s.slug, s.label] as const))}
${
    select("Sort", "sort", v("sort"), [
      ["published", "Oldest first"],
      ["deadline", "Deadline soonest"],
      ["-deadline", "Deadline latest"],
      ["-value", "Largest value"],
      ["value", "Smallest value"],
    ], "Newest first")
  }
${
    more
      ? html`
        <details class="more"
          open><summary>More filters: CPV, region, buyer, supplier, values, dates</summary>${extra}</details>
      `
      : html`
        <details
          class="more"><summary>More filters: CPV, region, buyer, supplier, values, dates</summary>${extra}</details>
      `
  }
<button type="submit">Search</button>
</form>`;
}

async function searchPage(
  url: URL,
  db: () => Promise<Db>,
  now: number,
  kind: SearchKind,
): Promise<Response> {
  let results: SafeHtml;
  let status = 200;
  const at = new Date(now);
  try {
    const list = await readListRequest(kind.resource, url, true, at);
    const page = await listDocs(await db(), kind.resource, list);
    const docs = page.docs;
    const next = new URL(url);
    if (page.next) next.searchParams.set("cursor", page.next);
    const first = new URL(url);
    first.searchParams.delete("cursor");
    const api = new URL(url);
    api.pathname = `/api/v1/${kind.resource.name}`;
    const exportCsv = new URL(url);
    exportCsv.pathname = `/api/v1/${kind.resource.name}.csv`;
    exportCsv.searchParams.delete("cursor");
    exportCsv.searchParams.delete("limit");
    const plural = kind.plural, singular = kind.resource.singular;
    results = html`
      <p class="muted"
        id="result-count">${docs.length === 0
          ? `No ${plural} match.`
          : `${docs.length} ${docs.length === 1 ? singular : plural} on this page${
            page.next ? "; more follow" : ""
          }.`} <a href="${api.pathname +
          api.search}">This page as JSON</a> · <a href="${exportCsv.pathname +
          exportCsv.search}">Export all as CSV</a></p>
      ${noticeTypeKey()}
      <ol class="results" id="results">${docs.map((d) => kind.item(d, at))}</ol>
      <nav class="pager">${url.searchParams.has("cursor")
        ? html`<a href="${first.pathname + first.search}">↺ First page</a>`
        : html``}${page.next
        ? html`<a href="${next.pathname + next.search}" id="next">Next page →</a>`
        : html``}</nav>
    `;
  } catch (error) {
    status = toErrorStatus(error);
    if (status >= 500) throw error; // the app answers it (503 or 500) and logs it
    results = html`<p class="error" id="bad-input">${(error as Error).message}</p>`;
  }
  const title = `Search ${kind.plural}`;
  const body = html`${tabs(url, kind)}<h2>${title}</h2>${searchForm(url, kind)}${results}`;
  return htmlPage(
    layout({ title: `${title} — UK procurement`, current: "search", body }),
    await pageStyleHash(),
    { formAction: "'self'", status },
  );
}

function notFound(what: string): Promise<Response> {
  return pageStyleHash().then((hash) =>
    htmlPage(
      layout({
        title: "Not found",
        current: null,
        body: html`
          <h2>Not found</h2>
          <p>${what}</p>
          <p><a href="/explore">Search procurements</a> · <a href="/explore/notices">Search notices</a></p>
        `,
      }),
      hash,
      { status: 404 },
    )
  );
}

async function noticePage(
  db: Db,
  source: string,
  noticeId: string,
  now: number,
): Promise<Response> {
  if (!isSourceId(source)) return notFound(`No source ${source}.`);
  const doc = await NOTICES.collection(db).findOne({ source, noticeId });
  if (!doc) return notFound(`No notice ${source}/${noticeId} is stored.`);
  const timeline = await NOTICES.collection(db).find({ ocid: doc.ocid })
    .sort({ releaseDate: 1, _id: 1 }).limit(50).toArray();
  const official = safeUrl(doc.url);
  const buyers = doc.buyerOrgs.map((id, i) =>
    html`${i ? ", " : ""}<a href="${`/explore/buyers/${encodeURIComponent(id)}`}">${
      i === 0 ? doc.buyerName ?? id : id
    }</a>`
  );
  // fields the richer mapping adds (issue 12); absent on older documents
  const extra: Partial<
    Pick<ContractDoc, "deliveryRegions" | "lots" | "documents" | "submissionUrl">
  > = doc;
  const regions = extra.deliveryRegions ?? [];
  const documents = (extra.documents ?? []).map((d) => ({ ...d, href: safeUrl(d.url) }))
    .filter((d) => d.href);
  const submission = safeUrl(extra.submissionUrl ?? null);
  const body = html`
      <p><a href="/explore">← Search</a></p>
      <h2 id="notice-title">${doc.title ?? "(untitled)"}</h2>
      <div class="facts">${badge(phaseOf(doc, now))}<span>${noticeType(
        doc.noticeType,
        doc.stage,
      )}</span><span>${SOURCE_CATALOG[doc.source].label} ${doc.noticeId}</span></div>
      ${noticeTypeKey()}
      <div class="panel">
      <dl id="facts">
          <dt>Buyer</dt>
          <dd>${buyers.length ? buyers : doc.buyerName ?? "—"}</dd>
          <dt>Status</dt>
          <dd>${doc.status}</dd>
          <dt>Published</dt>
          <dd>${when(doc.publishedDate)}</dd>
          <dt>Deadline</dt>
          <dd>${when(doc.tenderDeadline)}</dd>
          <dt>Value</dt>
          <dd class="value">${values(doc)}</dd>
          <dt>Contract</dt>
          <dd>${day(doc.contractStart)} → ${day(doc.contractEnd)}</dd>
          <dt>CPV</dt>
          <dd>${doc.cpvCodes.join(", ") || "—"}</dd>
          <dt>Sectors</dt>
          <dd>${doc.sectors.join(", ") || "—"}</dd>
          <dt>Delivery</dt>
          <dd>${regions.map((r) => r.code ? `${r.name} (${r.code})` : r.name).join(", ") ||
            "—"}</dd>
          <dt>Suppliers</dt>
          <dd>${doc.suppliers.map((s) => s.name ?? s.id).join("; ") || "—"}</dd>
          <dt>Official page</dt>
          <dd>${official ? html`<a href="${official}" rel="noreferrer">${official}</a>` : "—"}</dd>
          ${submission
            ? html`
              <dt>Submit a tender</dt>
              <dd><a href="${submission}" rel="noreferrer">${submission}</a></dd>
            `
            : html``}
          <dt>Procurement</dt>
          <dd><a href="${procurementPagePath(doc)}" id="procurement-link">${doc.ocid}</a></dd>
          <dt>Data</dt>
          <dd><a href="${noticePath(doc)}">JSON</a></dd>
        </dl>
    </div>
      ${doc.description
        ? html`
          <h2>Description</h2>
          <div class="description">${doc.description}</div>
        `
        : html``}
      <h2>Timeline of this procurement (<a href="${procurementPagePath(doc)}">${doc.ocid}</a>)</h2>
      <ol class="timeline" id="timeline">${timeline.map((t) => {
        const link = safeUrl(t.url);
        return html`
          <li
            class="${t.noticeId === doc.noticeId && t.source === doc.source
              ? "current"
              : ""}">${day(
                t.releaseDate,
              )} · ${noticeType(t.noticeType, t.stage)} · <a href="${noticePagePath(
                t,
              )}">${t.title ??
              t.noticeId}</a>${link
              ? html`
                · <a href="${link}" rel="noreferrer">official</a>
              `
              : html``}</li>
        `;
      })}</ol>
      ${doc.awards.length
        ? html`
          <h2>Awards</h2>
          <table class="stack" id="awards">
            <thead>
              <tr>
                <th>Award</th>
                <th>Status</th>
                <th>Date</th>
                <th>Value</th>
                <th>Suppliers</th>
              </tr>
            </thead>
            <tbody>${doc.awards.map((a) =>
              html`
                <tr>
                  <td data-label="Award">${a.title ?? a.id ?? ""}</td>
                  <td data-label="Status">${a.status ?? ""}</td>
                  <td data-label="Date">${day(a.date)}</td>
                  <td data-label="Value" class="n">${money(
                    a.value?.amount ?? a.value?.amountGross ?? null,
                    a.value?.currency ?? null,
                  ) ?? ""}</td>
                  <td data-label="Suppliers">${a.suppliers.map((s) => s.name ?? s.id).join(
                    "; ",
                  )}</td>
                </tr>
              `
            )}</tbody>
          </table>
        `
        : html``}
    ${lotsAndDocuments(extra.lots ?? [], documents)}
  `;
  return htmlPage(
    layout({ title: `${doc.title ?? doc.noticeId} — UK procurement`, current: null, body }),
    await pageStyleHash(),
  );
}

function lotsAndDocuments(
  lots: readonly {
    id: string | null;
    title: string | null;
    status: string | null;
    value: { amount: number | null; currency: string | null } | null;
  }[],
  documents: readonly { title: string | null; type: string | null; href: string | null }[],
): SafeHtml {
  const lotRow = (l: typeof lots[number]) =>
    html`
      <tr>
        <td data-label="Lot">${l.id ?? ""}</td>
        <td data-label="Title">${l.title ?? ""}</td>
        <td data-label="Status">${l.status ?? ""}</td>
        <td data-label="Value" class="n">${money(
          l.value?.amount ?? null,
          l.value?.currency ?? null,
        ) ?? ""}</td>
      </tr>
    `;
  const docItem = (d: typeof documents[number]) =>
    html`<li><a href="${d.href}" rel="noreferrer">${d.title ?? d.href}</a>${
      d.type
        ? html`
          <span class="muted">(${d.type})</span>
        `
        : html``
    }</li>`;
  return html`${
    lots.length
      ? html`
        <h2>Lots</h2>
        <table class="stack" id="lots">
          <thead>
            <tr>
              <th>Lot</th>
              <th>Title</th>
              <th>Status</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>${lots.map(lotRow)}</tbody>
        </table>
      `
      : html``
  }${
    documents.length
      ? html`
        <h2>Documents</h2>
        <ul id="documents">${documents.map(docItem)}</ul>
      `
      : html``
  }`;
}

async function procurementPage(
  db: Db,
  source: string,
  ocid: string,
  now: number,
): Promise<Response> {
  if (source !== "fts" && source !== "cf") return notFound(`No source ${source}.`);
  const doc = await PROCUREMENTS.collection(db).findOne(
    PROCUREMENTS.itemFilter!({ source, ocid }) as Document,
  );
  if (!doc) return notFound(`No procurement ${source}/${ocid} is stored.`);
  return htmlPage(
    layout({
      title: `${doc.title ?? doc.ocid} — UK procurement`,
      current: null,
      body: procurementBody(doc, new Date(now)),
    }),
    await pageStyleHash(),
  );
}

async function buyerPage(db: Db, orgId: string, now: number): Promise<Response> {
  const facts = await readBuyerFacts(db, orgId);
  if (!facts) return notFound(`No buyer ${orgId} is stored.`);
  const b = facts.buyer;
  const address = Object.values(b.address ?? {}).filter(Boolean).join(", ");
  const site = safeUrl(b.url);
  const newest = facts.newest;
  const body = html`
    <p><a href="/explore">← Search</a></p>
    <h2 id="buyer-name">${b.name ?? b.orgId}</h2>
    <div class="panel">
      <dl>
    <dt>Id</dt><dd>${b.orgId}</dd>
    <dt>Identifiers</dt><dd>${b.identifiers.join(", ") || "—"}</dd>
    <dt>Address</dt><dd>${address || "—"}</dd>
    <dt>Web site</dt><dd>${site ? html`<a href="${site}" rel="noreferrer">${site}</a>` : "—"}</dd>
    <dt>Procurements</dt><dd id="buyer-procurements">${number(b.procurementCount ?? 0)}</dd>
    <dt>Notices</dt><dd id="buyer-count">${number(b.contractCount)}</dd>
    ${Object.entries(facts.byStatus).map(([s, n]) =>
      html`
        <dt>— ${s}</dt>
        <dd>${number(n)}</dd>
      `
    )}
    <dt>Data</dt><dd><a href="${`/api/v1/buyers/${encodeURIComponent(b.orgId)}`}">JSON</a></dd>
      </dl>
    </div>
    ${noticeTypeKey()}
    <h2>Newest procurements <a href="${`/explore?buyer=${
      encodeURIComponent(b.orgId)
    }`}" class="muted">(all)</a></h2>
    ${facts.newestProcurements.length
      ? html`<ol class="results" id="buyer-procurements-list">${
        facts.newestProcurements.map((p) => procurementItem(p, new Date(now)))
      }</ol>`
      : html`<p class="empty">No procurement of this buyer is stored yet.</p>`}
    <h2>Newest notices <a href="${`/explore/notices?buyer=${
      encodeURIComponent(b.orgId)
    }`}" class="muted">(all)</a></h2>
    <ol class="results">${newest.map((d) => resultItem(d, now))}</ol>
  `;
  return htmlPage(
    layout({ title: `${b.name ?? b.orgId} — UK procurement`, current: null, body }),
    await pageStyleHash(),
  );
}

/** The explorer's request handler. */
export interface Explorer {
  /** The page, or `null` when `url` is not under `/explore`. */
  handle(request: Request, url: URL, db: () => Promise<Db>): Promise<Response | null>;
}

/**
 * Builds the explorer.
 *
 * @example
 * ```ts
 * const explorer = createExplorer({ now: Date.now });
 * ```
 */
export function createExplorer(options: { now?: () => number } = {}): Explorer {
  const now = options.now ?? Date.now;
  return {
    async handle(request, url, db) {
      const path = url.pathname;
      if (path !== "/explore" && !path.startsWith("/explore/")) return null;
      if (request.method !== "GET" && request.method !== "HEAD") return null;
      if (path === "/explore") return await searchPage(url, db, now(), PROCUREMENT_SEARCH);
      if (path === "/explore/notices") return await searchPage(url, db, now(), NOTICE_SEARCH);
      const parts = path.split("/").slice(2);
      let decoded: string[];
      try {
        decoded = parts.map((p) => decodeURIComponent(p));
      } catch {
        return await notFound("That address is not valid.");
      }
      if (decoded.some((p) => p.length === 0 || p.length > 200)) {
        return await notFound("That address is not valid.");
      }
      try {
        parseParams(url, []);
      } catch (error) {
        if (error instanceof BadRequest) return await notFound(error.message);
        throw error;
      }
      if (decoded[0] === "notices" && decoded.length === 3) {
        return await noticePage(await db(), decoded[1], decoded[2], now());
      }
      if (decoded[0] === "procurements" && decoded.length === 3) {
        return await procurementPage(await db(), decoded[1], decoded[2], now());
      }
      if (decoded[0] === "buyers" && decoded.length === 2) {
        return await buyerPage(await db(), decoded[1], now());
      }
      return await notFound(`No page ${path}.`);
    },
  };
}
