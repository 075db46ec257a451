/**
 * A small stacked bar chart as inline SVG: no script, no font or image to load, every label
 * escaped. Colours are presentation attributes (not `style`), so the page's CSP needs no
 * `'unsafe-inline'`.
 *
 * @example
 * ```ts
 * const svg = barChart(days, [{ key: "fts", label: "Find a Tender", colour: "#1d70b8" }]);
 * html`<figure>${svg}</figure>`;
 * ```
 * @module
 */
import type { SourceId } from "../config.ts";
import { html, type SafeHtml } from "./html.ts";
import type { DayCount } from "./notices.ts";

/** One stacked series. */
export interface Series {
  readonly key: SourceId;
  readonly label: string;
  readonly colour: string;
}

/**
 * Renders notices per day as stacked bars, oldest day on the left.
 *
 * @example
 * ```ts
 * barChart([{ day: "2026-11-01", counts: { fts: 3 } }], series).text.startsWith("<svg"); // true
 * ```
 */
export function barChart(days: readonly DayCount[], series: readonly Series[]): SafeHtml {
  const width = 720, height = 180, left = 40, bottom = 22, top = 10;
  const plotH = height - top - bottom;
  const total = (d: DayCount) => series.reduce((n, s) => n + (d.counts[s.key] ?? 0), 0);
  const max = Math.max(1, ...days.map(total));
  const slot = (width - left) / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.75);
  const bars = days.map((d, i) => {
    let y = top + plotH;
    const x = left + i * slot + (slot - barW) / 2;
    const parts = series.map((s) => {
      const n = d.counts[s.key] ?? 0;
      const h = (n / max) * plotH;
      y -= h;
      return n > 0
        ? html`
          <rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h
            .toFixed(1)}"
            fill="${s.colour}"></rect>
        `
        : html``;
    });
    const tip = `${d.day}: ${series.map((s) => `${s.label} ${d.counts[s.key] ?? 0}`).join(", ")}`;
    return html`
      <g class="bar" data-day="${d.day}"
        data-total="${total(d)}"><title>${tip}</title>${parts}</g>
    `;
  });
  const label = (i: number, anchor: string) =>
    days[i]
      ? html`
        <text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${height -
          6}" text-anchor="${anchor}" font-size="11"
          fill="#505a5f">${days[i].day}</text>
      `
      : html``;
  const sum = days.reduce((n, d) => n + total(d), 0);
  return html`
    <svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}"
      role="img" aria-label="${`Notices per day over the last ${days.length} days: ${sum} in all, at most ${max} on one day`}">
    <line x1="${left}" y1="${top + plotH}" x2="${width}" y2="${top +
      plotH}" stroke="#b1b4b6"></line>
    <text x="${left - 6}" y="${top +
      10}" text-anchor="end" font-size="11" fill="#505a5f">${max}</text>
    <text x="${left - 6}" y="${top +
      plotH}" text-anchor="end" font-size="11" fill="#505a5f">0</text>
    ${bars}${label(0, "start")}${label(days.length - 1, "end")}</svg>
  `;
}
