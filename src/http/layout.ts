/**
 * The frame every HTML page shares (dashboard and explorer): one style block allowed by its
 * hash (no inline script, nothing to load), a header with the site's links, and the small
 * pieces several pages show — phase badges, the notice-type key, stacked tables. Built for
 * phones first: at 360–400 px nothing is wider than the screen (tables become stacked rows,
 * long words wrap), and for desktops up to 1,280 px.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * import { htmlPage } from "./respond.ts";
 * async function searchPage(): Promise<Response> {
 *   const page = layout({ title: "Search", current: "search", body: html`<p>…</p>` });
 *   return htmlPage(page, await pageStyleHash(), { formAction: "'self'" });
 * }
 * ```
 * @module
 */
import { html, SafeHtml } from "./html.ts";
import { sha256Base64 } from "./respond.ts";
import { SOURCE_CATALOG, SOURCE_IDS } from "../sources/catalog.ts";

/** The pages' only style block; the CSP allows exactly this text by its hash. */
export const PAGE_CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;background:#f3f2f1;overflow-wrap:break-word}
a{color:#1d70b8}a:visited{color:#4c2c92}
header{background:#0b0c0c;color:#fff;padding:12px 16px;display:flex;gap:8px 16px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:19px;margin:0}
header h1 a,header h1 a:visited{color:#fff;text-decoration:none}
header nav{display:flex;gap:14px;flex-wrap:wrap;font-size:15px}
header nav a,header nav a:visited{color:#fff}
header nav a[aria-current]{font-weight:700;text-decoration:none;border-bottom:3px solid #fff}
header .meta{color:#b1b4b6;font-size:13px;flex-basis:100%}
main{padding:16px;max-width:1280px}
h2{font-size:17px;margin:22px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(360px,100%),1fr));gap:14px}
.card{background:#fff;border:1px solid #b1b4b6;border-top:5px solid #505a5f;padding:12px 14px;min-width:0}
.card.ok{border-top-color:#00703c}.card.lagging{border-top-color:#f47738}.card.failing{border-top-color:#d4351c}.card.waiting{border-top-color:#1d70b8}
.card h3{margin:0 0 4px;font-size:18px;display:flex;justify-content:space-between;gap:8px;flex-wrap:wrap}
.verdict,.badge{display:inline-block;font-size:12px;font-weight:700;text-transform:uppercase;padding:2px 8px;color:#fff;background:#505a5f;white-space:nowrap}
.verdict.ok{background:#00703c}.verdict.lagging{background:#f47738}.verdict.failing{background:#d4351c}.verdict.waiting{background:#1d70b8}
.badge.open{background:#00703c}.badge.awarded{background:#1d70b8}.badge.contracted{background:#003078}.badge.cancelled,.badge.terminated{background:#d4351c}.badge.planned,.badge.planning,.badge.market-engagement{background:#6f72af}.badge.closed,.badge.complete{background:#505a5f}.badge.evaluation{background:#912b88}.badge.amended,.badge.changed{background:#f47738}
nav.tabs{display:flex;gap:0;margin:0 0 4px;border-bottom:2px solid #b1b4b6;flex-wrap:wrap}
nav.tabs a{padding:6px 14px;text-decoration:none;font-weight:600}
nav.tabs a[aria-current]{background:#fff;border:2px solid #b1b4b6;border-bottom-color:#fff;margin-bottom:-2px;color:#0b0c0c}
ol.timeline li.superseded{color:#505a5f;font-weight:400}
ul.warnings{background:#fff;border-left:4px solid #f47738;margin:0;padding:8px 14px 8px 30px;font-size:14px}
.reason{color:#505a5f;margin:0 0 10px;font-size:14px}
.progress svg{width:100%;height:14px;display:block}
.progress p{margin:2px 0 10px;font-size:13px;color:#505a5f}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:3px 14px;margin:0;font-size:14px}
dt{color:#505a5f}dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.error{background:#fdf1ef;border-left:4px solid #d4351c;padding:6px 10px;margin:10px 0 0;font-size:13px;overflow-wrap:anywhere}
.panel{background:#fff;border:1px solid #b1b4b6;padding:12px 14px}
.storage.warning,.storage.full{border-left:5px solid #d4351c}
.empty{background:#fff;border:1px dashed #b1b4b6;padding:14px;color:#505a5f}
.chart{width:100%;height:auto;display:block}
.chart.narrow{display:none}
.legend{font-size:13px;color:#505a5f;margin:6px 0 0}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
${SOURCE_IDS.map((id) => `.key.${id}{background:${SOURCE_CATALOG[id].colour}}`).join("")}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#f8f8f8;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.outcome-error,.outcome-lease-lost{color:#d4351c;font-weight:600}
.outcome-caught-up{color:#00703c}
.muted{color:#505a5f}
ul.backfills{margin:8px 0 0;padding-left:18px;font-size:13px}
details.typekey{margin:10px 0;font-size:13px}
details.typekey summary{cursor:pointer;color:#1d70b8}
details.typekey dl{grid-template-columns:max-content minmax(0,1fr);margin-top:6px}
abbr[title]{text-decoration:underline dotted}
form.search{background:#fff;border:1px solid #b1b4b6;padding:12px 14px;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(200px,100%),1fr));gap:10px 14px}
form.search label{display:flex;flex-direction:column;font-size:13px;font-weight:600;gap:2px;min-width:0}
form.search .wide,form.search details{grid-column:1/-1}
form.search summary{cursor:pointer;color:#1d70b8;font-size:14px}
form.search .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(200px,100%),1fr));gap:10px 14px;margin-top:8px}
form.search input,form.search select{font:inherit;padding:5px 6px;border:2px solid #0b0c0c;min-width:0;width:100%}
form.search button{font:inherit;font-weight:600;padding:7px 14px;background:#00703c;color:#fff;border:0;align-self:end}
ol.results{list-style:none;margin:12px 0;padding:0;display:grid;gap:10px}
ol.results li{background:#fff;border:1px solid #b1b4b6;padding:10px 14px}
ol.results h3{font-size:16px;margin:0 0 4px}
.facts{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;color:#505a5f;margin:4px 0 0}
.facts b{color:#0b0c0c;font-weight:600}
.pager{display:flex;gap:16px;margin:12px 0}
ol.timeline{list-style:none;margin:0;padding:0 0 0 14px;border-left:3px solid #b1b4b6}
ol.timeline li{margin:0 0 10px;position:relative}
ol.timeline li.current{font-weight:600}
.description{white-space:pre-line;background:#fff;border:1px solid #b1b4b6;padding:10px 14px;max-height:30em;overflow:auto}
@media (max-width:640px){
main{padding:10px}
header{padding:10px}
.chart.wide{display:none}.chart.narrow{display:block}
table.stack thead{display:none}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
table.stack tr{border-bottom:2px solid #b1b4b6;padding:4px 0}
table.stack td{border:0;padding:2px 8px;display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:8px;text-align:left;overflow-wrap:anywhere}
table.stack td.n{text-align:left}
table.stack td::before{content:attr(data-label);font-weight:600;color:#505a5f}
table.stack td:empty{display:none}
}
`;

let styleHash: Promise<string> | null = null;

/**
 * The CSP hash of {@linkcode PAGE_CSS} (computed once).
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * import { htmlPage } from "./respond.ts";
 * const page = layout({ title: "Buyer", current: null, body: html`<p>x</p>` });
 * htmlPage(page, await pageStyleHash());
 * ```
 */
export function pageStyleHash(): Promise<string> {
  styleHash ??= sha256Base64(PAGE_CSS);
  return styleHash;
}

/** The notice types of the Procurement Act 2023 (there is no UK8). */
export const NOTICE_TYPES: Readonly<Record<string, string>> = Object.freeze({
  UK1: "Pipeline notice",
  UK2: "Preliminary market engagement notice",
  UK3: "Planned procurement notice",
  UK4: "Tender notice",
  UK5: "Transparency notice (direct award)",
  UK6: "Contract award notice",
  UK7: "Contract details notice",
  UK9: "Contract performance notice",
  UK10: "Contract change notice",
  UK11: "Contract termination notice",
  UK12: "Procurement termination notice",
  UK13: "Dynamic market intention notice",
  UK14: "Dynamic market establishment notice",
  UK15: "Dynamic market modification notice",
  UK16: "Dynamic market cessation notice",
  UK17: "Payments compliance notice",
});

/**
 * A notice type for people: `UK4` with its name as a tooltip, or the stage when untyped.
 *
 * @example
 * ```ts
 * noticeType("UK4", "tender").text; // '<abbr title="Tender notice">UK4</abbr>'
 * ```
 */
export function noticeType(code: string | null, stage: string): SafeHtml {
  if (code === null) return html`${stage}`;
  const name = NOTICE_TYPES[code];
  return name ? html`<abbr title="${name}">${code}</abbr>` : html`${code}`;
}

/**
 * The key of notice types, folded (no script: `<details>`), for pages that show types.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * html`<h2>Newest notices</h2>${noticeTypeKey()}`;
 * ```
 */
export function noticeTypeKey(): SafeHtml {
  return html`
    <details class="typekey" id="type-key">
      <summary>Notice types: UK1–UK17 (Procurement Act 2023) explained</summary>
      <dl>${Object.entries(NOTICE_TYPES).map(([code, name]) =>
        html`
          <dt>${code}</dt>
          <dd>${name}</dd>
        `
      )}<dt>no code</dt><dd>Contracts Finder and pre-2025 Find a Tender notices: their stage (planning, tender, award…)</dd></dl>
    </details>
  `;
}

/** The header's links. */
export type Section = "dashboard" | "search" | "api";

/** What {@linkcode layout} needs. */
export interface LayoutOptions {
  readonly title: string;
  readonly current: Section | null;
  readonly body: SafeHtml;
  /** A line under the header links. */
  readonly meta?: string;
  /** Seconds between automatic reloads (`<meta refresh>`, no script). */
  readonly refreshSeconds?: number;
  /** Extra markup in the header after the title (e.g. the overall verdict). */
  readonly badge?: SafeHtml;
}

// the constant itself, byte for byte: its hash is in the CSP
const STYLE = new SafeHtml(PAGE_CSS);

/**
 * A whole page.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * layout({ title: "Buyer", current: null, body: html`<p>x</p>` }).startsWith("<!doctype html>");
 * ```
 */
export function layout(options: LayoutOptions): string {
  const link = (section: Section, href: string, label: string) =>
    options.current === section
      ? html`<a href="${href}" aria-current="page">${label}</a>`
      : html`<a href="${href}">${label}</a>`;
  const refresh = options.refreshSeconds === undefined
    ? html``
    : html`<meta http-equiv="refresh" content="${options.refreshSeconds}">`;
  return html`
    <!doctype html>
    <html lang="en">
      <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    ${refresh}
    <title>${options.title}</title>
    <style>${STYLE}</style>
      </head>
      <body>
        <header><h1><a href="/">UK procurement sync</a></h1>${options.badge ?? html``}
    <nav>${link("dashboard", "/", "Dashboard")}${link(
      "search",
      "/explore",
      "Search",
    )}${link("api", "/api/v1/openapi.json", "API")}</nav>
    ${options.meta ? html`<span class="meta">${options.meta}</span>` : html``}</header>
        <main>
    ${options.body}
        </main>
      </body>
    </html>
  `.text;
}
