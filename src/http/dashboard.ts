/**
 * The dashboard page (`GET /`): each source's health, backfill progress, figures, last error
 * and lease; a chart of new notices per day; the last runs; the newest notices. Plain HTML and
 * inline SVG with one hashed style block (`layout.ts`) — nothing to fetch, nothing to run, so
 * it renders offline under a `default-src 'none'` policy. Every value from the data is
 * escaped. Before the first run it says so instead of drawing an empty chart.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { gatherDashboard } from "./dashboard_data.ts";
 * import { pageStyleHash } from "./layout.ts";
 * import { htmlPage } from "./respond.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000,
 * };
 * async function dashboardPage(): Promise<Response> {
 *   const { report, days, notices } = await gatherDashboard({ db, kv }, options, Date.now());
 *   const data = { report, days, notices, refreshSeconds: 30, firstRunDueAt: null };
 *   const page = renderDashboard(data);
 *   return htmlPage(page, await pageStyleHash());
 * }
 * ```
 * @module
 */
import { barChart, type Series } from "./chart.ts";
import { html, type SafeHtml, safeUrl } from "./html.ts";
import { layout, noticeType, noticeTypeKey } from "./layout.ts";
import type { DayCount, NoticeLine } from "./notices.ts";
import type { RunSummary, SourceStatus, StatusReport, StreamStatus } from "./status.ts";
import type { StorageReport } from "../db/storage.ts";
import { humanDuration } from "./verdict.ts";
import { capText } from "../text.ts";
import { SOURCE_CATALOG, SOURCE_IDS } from "../sources/catalog.ts";

/**
 * Longest texts shown, in characters (longer ones end in `…`): titles come from the internet
 * (20,000 letters were seen), errors quote upstream answers.
 */
const SHOWN = { title: 200, buyer: 120, error: 500, runError: 300 } as const;

/** What the page shows. */
export interface DashboardData {
  readonly report: StatusReport;
  readonly days: readonly DayCount[];
  readonly notices: readonly NoticeLine[];
  /** Seconds between automatic reloads (a `<meta refresh>`, no script). */
  readonly refreshSeconds: number;
  /** When the first cron run is due, while nothing ever ran (epoch ms). */
  readonly firstRunDueAt: number | null;
}

const SERIES: readonly Series[] = SOURCE_IDS.map((id) => {
  const { label, colour } = SOURCE_CATALOG[id];
  return { key: id, label, colour };
});

const number = (n: number) => n.toLocaleString("en-GB");
const when = (d: Date | null) => d ? `${d.toISOString().slice(0, 16).replace("T", " ")}Z` : "—";
const ago = (d: Date | null, now: Date) =>
  d ? `${humanDuration(now.getTime() - d.getTime())} ago` : "never";
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function progressBar(share: number, label: string): SafeHtml {
  const w = Math.round(share * 1000) / 10;
  return html`
    <div class="progress">
      <svg viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label="${label}">
        <rect width="100" height="4" fill="#e5e5e5"></rect>
        <rect width="${w}" height="4" fill="#1d70b8"></rect>
      </svg>
      <p>${label}</p>
    </div>
  `;
}

function streamLabel(s: StreamStatus): string {
  const end = s.rangeTo ? when(s.rangeTo) : "now";
  if (s.kind === "main" && s.mode === "incremental") {
    return `Backfill complete since ${when(s.rangeFrom)}; following new notices`;
  }
  return `${percent(s.progress)} of ${when(s.rangeFrom)} → ${end} done` +
    (s.window ? ` (reading ${when(s.window.from)} → ${when(s.window.to)})` : "") +
    (s.kind === "range" && s.status === "ok" && s.progress >= 1 ? " — finished" : "");
}

function sourceCard(s: SourceStatus, now: Date): SafeHtml {
  const main = s.main;
  const lease = s.lease
    ? `held by run ${s.lease.owner} until ${when(new Date(s.lease.expiresAt))}`
    : "free";
  const error = main?.lastError
    ? html`<p class="error"><strong>Last error</strong> (${when(main.lastError.at)}): ${
      capText(main.lastError.message, SHOWN.error)
    }</p>`
    : html``;
  const backfills = s.backfills.length
    ? html`<ul class="backfills">${
      s.backfills.map((b) =>
        html`<li>Range ${when(b.rangeFrom)} → ${b.rangeTo ? when(b.rangeTo) : "now"}: ${
          percent(b.progress)
        } (${b.status})</li>`
      )
    }</ul>`
    : html``;
  return html`<section class="${`card ${s.verdict}`}" id="${`source-${s.source}`}" data-source="${s.source}" data-verdict="${s.verdict}">
<h3><span>${s.name} <span class="muted">(${s.source})</span></span><span class="${`verdict ${s.verdict}`}">${s.verdict}</span></h3>
<p class="reason">${s.reason}</p>
${main ? progressBar(main.progress, streamLabel(main)) : progressBar(0, "Not started yet")}
<dl>
<dt>Notices stored</dt><dd class="contracts">${number(s.contracts)}</dd>
<dt>Mode</dt><dd>${s.mode ?? "not started"}</dd>
<dt>Watermark</dt><dd>${when(s.watermark)}</dd>
<dt>Lag</dt><dd>${s.lagSeconds === null ? "—" : humanDuration(s.lagSeconds * 1000)}</dd>
<dt>Last success</dt><dd>${ago(main?.lastSuccessAt ?? null, now)}</dd>
<dt>Releases read</dt><dd>${number(main?.totals.releases ?? 0)} in ${
    number(main?.totals.pages ?? 0)
  } pages</dd>
<dt>Quarantined</dt><dd class="quarantine">${number(s.quarantine)}</dd>
<dt>Lease</dt><dd>${lease}</dd>
${
    s.throttledUntil
      ? html`
        <dt>Throttled</dt>
        <dd class="throttled">by the API until ${when(s.throttledUntil)}</dd>
      `
      : html``
  }
</dl>
${error}${backfills}
</section>`;
}

function storagePanel(s: StorageReport): SafeHtml {
  const bar = s.share === null ? html`` : progressBar(Math.min(1, s.share), s.message);
  return html`<div class="${`panel storage ${s.level}`}" id="storage" data-level="${s.level}">
${s.share === null ? html`<p class="muted">${s.message}</p>` : bar}
</div>`;
}

function runRow(r: RunSummary & { source: string }): SafeHtml {
  return html`
    <tr>
      <td data-label="Started">${when(r.startedAt)}</td>
      <td data-label="Source">${r.source}</td>
      <td data-label="Stream">${r.stream === r.source ? "main" : "range"}</td>
      <td data-label="Trigger">${r.trigger}</td>
      <td data-label="Outcome" class="${`outcome-${r.outcome}`}">${r.outcome}</td>
      <td data-label="Time" class="n">${r.seconds}s</td>
      <td data-label="Pages" class="n">${number(r.pages)}</td>
      <td data-label="Releases" class="n">${number(r.releases)}</td>
      <td data-label="New" class="n">${number(r.inserted)}</td>
      <td data-label="Updated" class="n">${number(r.updated)}</td>
      <td data-label="Quarantined" class="n">${number(r.quarantined)}</td>
      <td data-label="Requests" class="n">${number(r.requests)}</td>
      <td data-label="Error">${r.error ? capText(r.error, SHOWN.runError) : ""}</td>
    </tr>
  `;
}

function noticeRow(n: NoticeLine): SafeHtml {
  const official = safeUrl(n.url);
  const title = capText(n.title ?? "(untitled)", SHOWN.title);
  const value = n.valueMax === null ? "" : `${n.currency ?? ""} ${number(n.valueMax)}`.trim();
  const page = `/explore/notices/${n.source}/${encodeURIComponent(n.noticeId)}`;
  return html`
    <tr>
      <td data-label="Released">${when(n.releaseDate)}</td>
      <td data-label="Source">${n.source}</td>
      <td data-label="Title"><a href="${page}">${title}</a>${official
        ? html`
          · <a href="${official}" rel="noreferrer">official page</a>
        `
        : html``}</td>
      <td data-label="Buyer">${capText(n.buyerName ?? "", SHOWN.buyer)}</td>
      <td data-label="Type">${noticeType(n.noticeType, n.stage)}</td>
      <td data-label="Value" class="n">${value}</td>
    </tr>
  `;
}

function chartPanel(data: DashboardData, series: readonly Series[]): SafeHtml {
  const total = data.days.reduce(
    (n, d) => n + series.reduce((m, s) => m + (d.counts[s.key] ?? 0), 0),
    0,
  );
  if (data.firstRunDueAt !== null) {
    return html`
      <p class="empty"
        id="empty-chart">No data yet — the first run is due at ${when(
          new Date(data.firstRunDueAt),
        )}; notices appear here as the sync stores them.</p>
    `;
  }
  if (total === 0) {
    return html`<p class="empty" id="empty-chart">No new notices stored in the last ${data.days.length} days.</p>`;
  }
  const narrow = data.days.slice(-14);
  return html`<div class="panel" id="chart">${barChart(data.days, series, { className: "wide" })}${
    barChart(narrow, series, { width: 360, height: 200, fontSize: 13, className: "narrow" })
  }
    <p class="legend">${
    series.map((s) => html`<span class="${`key ${s.key}`}"></span>${s.label}`)
  }</p></div>`;
}

/**
 * The whole page.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { gatherDashboard } from "./dashboard_data.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000,
 * };
 * const facts = await gatherDashboard({ db, kv }, options, Date.now());
 * renderDashboard({ ...facts, refreshSeconds: 30 }).startsWith("<!doctype html>");
 * ```
 */
export function renderDashboard(data: DashboardData): string {
  const { report } = data;
  const runs = report.sources
    .flatMap((s) => s.runs.map((r) => ({ ...r, source: s.source })))
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .slice(0, 20);
  const series = SERIES.filter((s) => report.sources.some((x) => x.source === s.key));
  const warnings = report.warnings.length
    ? html`<div class="error" id="warnings"><strong>Warnings</strong><ul>${
      report.warnings.map((w) => html`<li>${w.code}: ${w.message}</li>`)
    }</ul></div>`
    : html``;
  const body = html`
    ${warnings}
    <h2>Sources</h2>
    <div class="cards">${report.sources.map((s) => sourceCard(s, report.now))}</div>
    <h2>New notices per day (last ${data.days.length} days, by release date)</h2>
    ${chartPanel(data, series)}
    <h2>Storage</h2>
    ${storagePanel(report.storage)}
    <h2>Last runs</h2>
    <table id="runs" class="stack">
      <thead>
        <tr>
          <th>Started</th>
          <th>Source</th>
          <th>Stream</th>
          <th>Trigger</th>
          <th>Outcome</th>
          <th>Time</th>
          <th>Pages</th>
          <th>Releases</th>
          <th>New</th>
          <th>Updated</th>
          <th>Quarantined</th>
          <th>Requests</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>${runs.length ? runs.map(runRow) : html`
        <tr>
          <td colspan="13" class="muted">No runs yet.</td>
        </tr>
      `}</tbody>
    </table>
    <h2>Newest notices <a href="/explore" class="muted">(search all)</a></h2>
    ${noticeTypeKey()}
    <table id="notices" class="stack">
      <thead>
        <tr>
          <th>Released</th>
          <th>Source</th>
          <th>Title</th>
          <th>Buyer</th>
          <th>Type</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>${data.notices.length ? data.notices.map(noticeRow) : html`
        <tr>
          <td colspan="6" class="muted">No notices stored yet.</td>
        </tr>
      `}</tbody>
    </table>
  `;
  return layout({
    title: `Procurement sync — ${report.verdict}`,
    current: "dashboard",
    refreshSeconds: data.refreshSeconds,
    badge: html`<span class="${`verdict ${report.verdict}`}" id="overall">${report.verdict}</span>`,
    meta: `Updated ${
      when(report.now)
    } · cron ${report.cron.schedule} (UTC) · reloads every ${data.refreshSeconds}s`,
    body,
  });
}
