/**
 * The explorer's procurement pieces: a search result (phase badge, the chain of notice types,
 * deadline, estimated and awarded values) and the procurement page
 * (`/explore/procurements/{source}/{ocid}`: its timeline notice by notice with links to our
 * notice pages and the official ones, buyers, suppliers, awards, lots, values, warnings and
 * gaps in the chain). Server-rendered, no script; tables stack on a phone.
 *
 * @example
 * ```ts
 * import { procurementBody } from "./explorer_procurements.ts";
 * import type { ProcurementDoc } from "../db/procurements.ts";
 * declare const doc: ProcurementDoc; // as the procurements collection stores it
 * const body = procurementBody(doc, new Date());
 * ```
 * @module
 */
import type { ProcurementDoc } from "../db/procurements.ts";
import { phaseAt, type ProcurementAward } from "../ocds/procurement_doc.ts";
import { noticePagePath } from "./api/notice_resource.ts";
import { procurementPagePath, procurementPath } from "./api/procurement_resource.ts";
import { badge, day, money, when } from "./explorer_format.ts";
import { html, type SafeHtml, safeUrl } from "./html.ts";
import { noticeType, noticeTypeKey } from "./layout.ts";
import { SOURCE_CATALOG } from "../sources/catalog.ts";

/** Steps of the chain shown in a search result (the newest ones). */
const CHAIN_SHOWN = 6;

const buyerLink = (id: string, name: string | null) =>
  html`<a href="${`/explore/buyers/${encodeURIComponent(id)}`}">${name ?? id}</a>`;

/** The notice types of a procurement's current notices, oldest first: `UK1 → UK4 → UK6`. */
export function chain(doc: Pick<ProcurementDoc, "timeline">): SafeHtml {
  const steps = doc.timeline.filter((t) => t.current);
  const shown = steps.slice(-CHAIN_SHOWN);
  return html`<span class="chain">${steps.length > shown.length ? "… → " : ""}${
    shown.map((t, i) => html`${i ? " → " : ""}${noticeType(t.noticeType, t.stage)}`)
  }</span>`;
}

/** Estimate and awarded value, as facts. */
function values(doc: ProcurementDoc): SafeHtml {
  const estimate = doc.valueMin !== null && doc.valueMax !== null && doc.valueMin !== doc.valueMax
    ? `${money(doc.valueMin, doc.currency)} – ${money(doc.valueMax, null)}`
    : money(doc.valueMax, doc.currency);
  return html`${estimate ? html`<span>Estimate <b>${estimate}</b></span>` : html``}${
    doc.awardedValue !== null
      ? html`<span>Awarded <b>${money(doc.awardedValue, doc.currency)}</b></span>`
      : html``
  }`;
}

/**
 * One procurement in a list of results.
 *
 * @example
 * ```ts
 * import { procurementItem } from "./explorer_procurements.ts";
 * import { html } from "./html.ts";
 * import type { ProcurementDoc } from "../db/procurements.ts";
 * declare const docs: ProcurementDoc[];
 * const now = new Date();
 * html`<ol class="results">${docs.map((d) => procurementItem(d, now))}</ol>`;
 * ```
 */
export function procurementItem(doc: ProcurementDoc, now: Date): SafeHtml {
  return html`
    <li data-procurement="${`${doc.source}/${doc.ocid}`}">
      <h3><a href="${procurementPagePath(doc)}">${doc.title ?? "(untitled)"}</a></h3>
      <div class="facts">${badge(phaseAt(doc, now))}${chain(doc)}<span>${SOURCE_CATALOG[doc.source]
        .label}</span>${doc.buyerOrg
        ? html`<span>${buyerLink(doc.buyerOrg, doc.buyerName)}</span>`
        : html`<span>${doc.buyerName ?? ""}</span>`}</div>
      <div
        class="facts"><span>First published <b>${day(doc.firstPublished)}</b></span>${doc
            .tenderDeadline
          ? html`<span>Deadline <b>${when(doc.tenderDeadline)}</b></span>`
          : html``}${values(doc)}<span>${doc.counts.notices - doc.counts.superseded} notice${doc
                .counts.notices - doc.counts.superseded === 1
          ? ""
          : "s"}</span></div>
    </li>
  `;
}

const suppliersText = (a: Pick<ProcurementAward, "suppliers">) =>
  a.suppliers.map((s) => s.name ?? s.id).join("; ");

function awardsTable(awards: readonly ProcurementAward[], id: string): SafeHtml {
  if (awards.length === 0) return html``;
  return html`
    <table class="stack" id="${id}">
      <thead>
        <tr>
          <th>Notice</th>
          <th>Status</th>
          <th>Date</th>
          <th>Value</th>
          <th>Suppliers</th>
          <th>Lots</th>
        </tr>
      </thead>
      <tbody>${awards.map((a) =>
        html`
          <tr>
            <td data-label="Notice">${a.noticeId}${a.awardId ? ` (award ${a.awardId})` : ""}</td>
            <td data-label="Status">${a.status ?? ""}</td>
            <td data-label="Date">${a.date ? day(a.date) : ""}</td>
            <td data-label="Value" class="n">${money(
              a.value?.amount ?? a.value?.amountGross ?? null,
              a.value?.currency ?? null,
            ) ?? ""}</td>
            <td data-label="Suppliers">${suppliersText(a)}</td>
            <td data-label="Lots">${a.lotIds.join(", ")}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}

/**
 * The body of a procurement's page.
 *
 * @example
 * ```ts
 * import { procurementBody } from "./explorer_procurements.ts";
 * import { layout } from "./layout.ts";
 * import type { ProcurementDoc } from "../db/procurements.ts";
 * declare const doc: ProcurementDoc;
 * const now = new Date();
 * layout({ title: doc.title ?? doc.ocid, current: null, body: procurementBody(doc, now) });
 * ```
 */
export function procurementBody(doc: ProcurementDoc, now: Date): SafeHtml {
  const buyers = doc.buyerOrgs.map((id, i) =>
    html`${i ? ", " : ""}${buyerLink(id, i === 0 ? doc.buyerName : null)}`
  );
  const submission = safeUrl(doc.submissionUrl);
  const flags = [
    doc.framework ? "framework" : null,
    doc.dps ? "dynamic purchasing system" : null,
    doc.callOff ? "call-off" : null,
  ].filter((x) => x !== null).join(", ");
  const timeline = doc.timeline.map((t) => {
    const official = safeUrl(t.url);
    return html`
      <li class="${t.current ? "" : "superseded"}"
        data-notice="${t.noticeId}">${day(
          t.releaseDate,
        )} · ${noticeType(t.noticeType, t.stage)} · <a href="${noticePagePath({
          source: doc.source,
          noticeId: t.noticeId,
        })}">${t.noticeId}</a>${official
          ? html`
            · <a href="${official}" rel="noreferrer">official page</a>
          `
          : html``}<br><span class="muted">${t.summary}${t.current
          ? ""
          : ` — an earlier version, replaced by ${t.supersededBy ?? "a later one"}`}</span></li>
    `;
  });
  const lotRow = (l: ProcurementDoc["lots"][number]) =>
    html`
      <tr>
        <td data-label="Lot">${l.id ?? ""}</td>
        <td data-label="Title">${l.title ?? ""}</td>
        <td data-label="Status">${l.status ?? ""}</td>
        <td data-label="Value" class="n">${money(
          l.value?.amount ?? null,
          l.value?.currency ?? null,
        ) ?? ""}</td>
        <td data-label="Awarded to">${l.awards.map((a) =>
          `${suppliersText(a)}${
            a.value !== null && a.value.amount !== null
              ? ` (${money(a.value.amount, a.value.currency)})`
              : ""
          }`
        ).join("; ")}</td>
      </tr>
    `;
  return html`
    <p><a href="/explore">← Search procurements</a></p>
    <h2 id="procurement-title">${doc.title ?? "(untitled)"}</h2>
    <div class="facts">${badge(phaseAt(doc, now))}${chain(doc)}<span>${SOURCE_CATALOG[doc.source]
      .label} ${doc.ocid}</span></div>
    ${noticeTypeKey()}
    <div class="panel">
      <dl id="facts">
        <dt>Buyer</dt>
        <dd>${buyers.length ? buyers : doc.buyerName ?? "—"}</dd>
        <dt>Phase</dt>
        <dd id="phase">${phaseAt(doc, now)}</dd>
        <dt>First published</dt>
        <dd>${when(doc.firstPublished)}</dd>
        <dt>Last changed</dt>
        <dd>${when(doc.lastChanged)}</dd>
        <dt>Deadline</dt>
        <dd>${when(doc.tenderDeadline)}</dd>
        <dt>Estimated value</dt>
        <dd id="estimate">${money(doc.valueMax, doc.currency) ?? "—"}${doc.valueMin !== null &&
            doc.valueMin !== doc.valueMax
          ? ` (from ${money(doc.valueMin, doc.currency)})`
          : ""}</dd>
        <dt>Awarded value</dt>
        <dd id="awarded">${money(doc.awardedValue, doc.currency) ?? "—"}</dd>
        <dt>Suppliers</dt>
        <dd id="suppliers">${doc.suppliers.map((s) =>
          `${s.name ?? s.id}${s.scale === "sme" ? " (SME)" : ""}`
        ).join("; ") || "—"}</dd>
        <dt>Contract</dt>
        <dd>${day(doc.contractStart)} → ${day(doc.contractEnd)}</dd>
        <dt>Procedure</dt>
        <dd>${[doc.procedure ?? doc.procurementMethod, flags].filter(Boolean).join("; ") ||
          "—"}</dd>
        <dt>Legal regime</dt>
        <dd>${doc.legalRegime ?? "—"}</dd>
        <dt>CPV</dt>
        <dd>${doc.cpvCodes.join(", ") || "—"}</dd>
        <dt>Sectors</dt>
        <dd>${doc.sectors.join(", ") || "—"}</dd>
        <dt>Delivery</dt>
        <dd>${doc.deliveryRegions.map((r) => r.code ? `${r.name} (${r.code})` : r.name).join(
          ", ",
        ) || "—"}</dd>
        ${submission
          ? html`
            <dt>Submit a tender</dt>
            <dd><a href="${submission}" rel="noreferrer">${submission}</a></dd>
          `
          : html``}
        <dt>Data</dt>
        <dd><a href="${procurementPath(doc)}">JSON</a> · <a href="${`${
          procurementPath(doc)
        }/record`}">OCDS record</a></dd>
      </dl>
    </div>
    ${doc.warnings.length || doc.noticesMissing.length
      ? html`
        <h2>Warnings</h2>
        <ul class="warnings" id="warnings">${doc.warnings.map((w) =>
          html`
            <li><b>${w.code}</b>: ${w.message}</li>
          `
        )}${doc.noticesMissing.map((m) =>
          html`
            <li><b>missing ${m.kind}</b>: ${m.reason}</li>
          `
        )}</ul>
      `
      : html``}
    ${doc.description
      ? html`
        <h2>Description</h2>
        <div class="description">${doc.description}</div>
      `
      : html``}
    <h2>Timeline: ${doc.timeline.length} notice${doc.timeline.length === 1 ? "" : "s"}</h2>
    <ol class="timeline" id="timeline">${timeline}</ol>
    ${doc.awards.length
      ? html`
        <h2>Awards</h2>
        ${awardsTable(doc.awards, "awards")}
      `
      : html``}
    ${doc.lots.length
      ? html`
        <h2>Lots</h2>
        <table class="stack" id="lots">
          <thead>
            <tr>
              <th>Lot</th>
              <th>Title</th>
              <th>Status</th>
              <th>Value</th>
              <th>Awarded to</th>
            </tr>
          </thead>
          <tbody>${doc.lots.map(lotRow)}</tbody>
        </table>
      `
      : html``}
  `;
}
