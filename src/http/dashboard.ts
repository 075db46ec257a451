/**
 * The dashboard page (`GET /`): each source's health, backfill progress, figures, last error
 * and lease; a chart of notices per day; the last runs; the newest notices. Plain HTML and
 * inline SVG with one hashed style block — nothing to fetch, nothing to run, so it renders
 * offline under a `default-src 'none'` policy. Every value from the data is escaped.
 *
 * @example
 * ```ts
 * const page = renderDashboard({ report, days, notices, refreshSeconds: 30 });
 * return htmlPage(page, await dashboardStyleHash());
 * ```
 * @module
 */
import { barChart, type Series } from "./chart.ts";
import { html, SafeHtml, safeUrl } from "./html.ts";
import type { DayCount, NoticeLine } from "./notices.ts";
import { sha256Base64 } from "./respond.ts";
import type { RunSummary, SourceStatus, StatusReport, StreamStatus } from "./status.ts";
import type { StorageReport } from "../db/storage.ts";
import { humanDuration } from "./verdict.ts";
import { capText } from "../text.ts";

/**
 * Longest texts shown, in characters (longer ones end in `…`): titles come from the internet
 * (20,000 letters were seen), errors quote upstream answers.
 */
const SHOWN = { title: 200, buyer: 120, error: 500, runError: 300 } as const;

/** The page's only style block; the CSP allows exactly this text by its hash. */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#f3f2f1}
header{background:#0b0c0c;color:#fff;padding:14px 24px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:20px;margin:0}
header .meta{color:#b1b4b6;font-size:13px}
main{padding:20px 24px;max-width:1280px}
h2{font-size:17px;margin:24px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}
.card{background:#fff;border:1px solid #b1b4b6;border-top:5px solid #505a5f;padding:14px 16px}
.card.ok{border-top-color:#00703c}.card.lagging{border-top-color:#f47738}.card.failing{border-top-color:#d4351c}
.card h3{margin:0 0 4px;font-size:18px;display:flex;justify-content:space-between;gap:8px}
.verdict{font-size:12px;font-weight:700;text-transform:uppercase;padding:2px 8px;color:#fff;background:#505a5f}
.verdict.ok{background:#00703c}.verdict.lagging{background:#f47738}.verdict.failing{background:#d4351c}
.reason{color:#505a5f;margin:0 0 10px;font-size:14px}
.progress svg{width:100%;height:14px;display:block}
.progress p{margin:2px 0 10px;font-size:13px;color:#505a5f}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;margin:0;font-size:14px}
dt{color:#505a5f}dd{margin:0;font-variant-numeric:tabular-nums}
.error{background:#fdf1ef;border-left:4px solid #d4351c;padding:6px 10px;margin:10px 0 0;font-size:13px;overflow-wrap:anywhere}
.panel{background:#fff;border:1px solid #b1b4b6;padding:12px 16px}
.chart{width:100%;height:auto;display:block}
.legend{font-size:13px;color:#505a5f;margin:6px 0 0}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
.key.fts{background:#1d70b8}.key.cf{background:#85994b}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f8f8f8;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.outcome-error,.outcome-lease-lost{color:#d4351c;font-weight:600}
.outcome-caught-up{color:#00703c}
.muted{color:#505a5f}
ul.backfills{margin:8px 0 0;padding-left:18px;font-size:13px}
.storage.warning,.storage.full{border-left:5px solid #d4351c}
`;

// the constant itself, byte for byte: its hash is in the CSP
const STYLE = new SafeHtml(DASHBOARD_CSS);

let styleHash: Promise<string> | null = null;

/**
 * The CSP hash of {@linkcode DASHBOARD_CSS} (computed once).
 *
 * @example
 * ```ts
 * htmlPage(page, await dashboardStyleHash());
 * ```
 */
export function dashboardStyleHash(): Promise<string> {
  styleHash ??= sha256Base64(DASHBOARD_CSS);
  return styleHash;
}

/** What the page shows. */
export interface DashboardData {
  readonly report: StatusReport;
  readonly days: readonly DayCount[];
  readonly notices: readonly NoticeLine[];
  /** Seconds between automatic reloads (a `<meta refresh>`, no script). */
  readonly refreshSeconds: number;
}

const SERIES: readonly Series[] = [
  { key: "fts", label: "Find a Tender", colour: "#1d70b8" },
  { key: "cf", label: "Contracts Finder", colour: "#85994b" },
];

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
      <td>${when(r.startedAt)}</td>
      <td>${r.source}</td>
      <td>${r.stream === r.source ? "main" : "range"}</td>
      <td>${r.trigger}</td>
      <td class="${`outcome-${r.outcome}`}">${r.outcome}</td>
      <td class="n">${r.seconds}s</td>
      <td class="n">${number(r.pages)}</td>
      <td class="n">${number(r.releases)}</td>
      <td class="n">${number(r.inserted)}</td>
      <td class="n">${number(r.updated)}</td>
      <td class="n">${number(r.quarantined)}</td>
      <td class="n">${number(r.requests)}</td>
      <td>${r.error ? capText(r.error, SHOWN.runError) : ""}</td>
    </tr>
  `;
}

function noticeRow(n: NoticeLine): SafeHtml {
  const url = safeUrl(n.url);
  const title = capText(n.title ?? "(untitled)", SHOWN.title);
  const value = n.valueMax === null ? "" : `${n.currency ?? ""} ${number(n.valueMax)}`.trim();
  return html`
    <tr>
      <td>${when(n.releaseDate)}</td>
      <td>${n.source}</td>
      <td>${url ? html`<a href="${url}" rel="noreferrer">${title}</a>` : title}</td>
      <td>${capText(n.buyerName ?? "", SHOWN.buyer)}</td>
      <td>${n.noticeType ?? n.stage}</td>
      <td class="n">${value}</td>
    </tr>
  `;
}

/**
 * The whole page.
 *
 * @example
 * ```ts
 * renderDashboard({ report, days, notices, refreshSeconds: 30 }).startsWith("<!doctype html>");
 * ```
 */
export function renderDashboard(data: DashboardData): string {
  const { report } = data;
  const runs = report.sources
    .flatMap((s) => s.runs.map((r) => ({ ...r, source: s.source })))
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .slice(0, 20);
  const series = SERIES.filter((s) => report.sources.some((x) => x.source === s.key));
  const page = html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="${data.refreshSeconds}">
        <title>${`Procurement sync — ${report.verdict}`}</title>
        <style>${STYLE}</style>
      </head>
      <body>
        <header><h1>UK procurement sync</h1><span class="${`verdict ${report.verdict}`}" id="overall">${report
          .verdict}</span>
    <span class="meta">${`Updated ${
      when(report.now)
    } · cron ${report.cron.schedule} (UTC) · reloads every ${data.refreshSeconds}s`}</span></header>
        <main>
          <h2>Sources</h2>
          <div class="cards">${report.sources.map((s) => sourceCard(s, report.now))}</div>
          <h2>Storage</h2>
          ${storagePanel(report.storage)}
          <h2>Notices per day (last ${data.days.length} days, by release date)</h2>
          <div class="panel" id="chart">${barChart(data.days, series)}
    <p class="legend">${series.map((s) =>
      html`<span class="${`key ${s.key}`}"></span>${s.label}`
    )}</p></div>
          <h2>Last runs</h2>
          <table id="runs">
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
          <h2>Newest notices</h2>
          <table id="notices">
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
        </main>
      </body>
    </html>
  `;
  return page.text;
}
