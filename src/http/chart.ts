/**
 * A small stacked bar chart as inline SVG: no script, no font or image to load, every label
 * escaped. Colours are presentation attributes (not `style`), so the page's CSP needs no
 * `'unsafe-inline'`.
 *
 * @example
 * ```ts
 * import { html } from "./html.ts";
 * const days = [
 *   { day: "2026-11-29", counts: { fts: 41 } },
 *   { day: "2026-11-30", counts: { fts: 12 } },
 * ];
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

/** Size of a chart's drawing, in SVG units (it scales to its box). */
export interface ChartSize {
  /** @default {720} */
  readonly width?: number;
  /** @default {180} */
  readonly height?: number;
  /**
   * Label size; at a phone's width a 360-unit chart is drawn about 1:1, so 13 stays 13 px.
   * @default {11}
   */
  readonly fontSize?: number;
  /** Extra class (`wide` or `narrow`: the page shows one of them by screen width). */
  readonly className?: string;
}

/**
 * The top of the axis: the largest count rounded up to 1, 2 or 5 × 10ⁿ (at least 5, so an
 * axis never reads "1" for a handful of notices).
 *
 * @example
 * ```ts
 * niceMax(37); // 50
 * ```
 */
export function niceMax(n: number): number {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/**
 * Renders notices per day as stacked bars, oldest day on the left.
 *
 * @example
 * ```ts
 * const series: Series[] = [{ key: "fts", label: "Find a Tender", colour: "#1d70b8" }];
 * barChart([{ day: "2026-11-01", counts: { fts: 3 } }], series).text.startsWith("<svg"); // true
 * ```
 */
export function barChart(
  days: readonly DayCount[],
  series: readonly Series[],
  size: ChartSize = {},
): SafeHtml {
  const width = size.width ?? 720, height = size.height ?? 180, font = size.fontSize ?? 11;
  const left = Math.round(font * 3.6), bottom = Math.round(font * 2), top = 10;
  const plotH = height - top - bottom;
  const total = (d: DayCount) => series.reduce((n, s) => n + (d.counts[s.key] ?? 0), 0);
  const peak = Math.max(0, ...days.map(total));
  const max = niceMax(peak);
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
          6}" text-anchor="${anchor}" font-size="${font}"
          fill="#505a5f">${days[i].day}</text>
      `
      : html``;
  const sum = days.reduce((n, d) => n + total(d), 0);
  return html`
    <svg class="${`chart ${size.className ?? ""}`
      .trim()}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}"
      role="img" aria-label="${`Notices per day over the last ${days.length} days: ${sum} in all, at most ${peak} on one day`}">
    <line x1="${left}" y1="${top + plotH}" x2="${width}" y2="${top +
      plotH}" stroke="#b1b4b6"></line>
    <text x="${left - 6}" y="${top +
      font}" text-anchor="end" font-size="${font}" fill="#505a5f">${max}</text>
    <text x="${left - 6}" y="${top +
      plotH}" text-anchor="end" font-size="${font}" fill="#505a5f">0</text>
    ${bars}${label(0, "start")}${label(days.length - 1, "end")}</svg>
  `;
}
