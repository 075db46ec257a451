/**
 * Small formatting pieces the explorer's pages share: numbers, days, instants, money and the
 * phase badge.
 *
 * @example
 * ```ts
 * money(1200, "GBP"); // "GBP 1,200"
 * ```
 * @module
 */
import { html, type SafeHtml } from "./html.ts";

/** A number for people (en-GB grouping, at most 2 decimals). */
export const number = (n: number): string =>
  n.toLocaleString("en-GB", { maximumFractionDigits: 2 });

/** A UTC day, or a dash. */
export const day = (d: Date | null): string => d ? d.toISOString().slice(0, 10) : "—";

/** A UTC instant to the minute, or a dash. */
export const when = (d: Date | null): string =>
  d ? `${d.toISOString().slice(0, 16).replace("T", " ")}Z` : "—";

/** An amount with its currency, or `null`. */
export const money = (amount: number | null | undefined, currency: string | null): string | null =>
  amount === null || amount === undefined ? null : `${currency ?? ""} ${number(amount)}`.trim();

/**
 * A phase badge (its class gives the colour).
 *
 * @example
 * ```ts
 * badge("open").text; // '<span class="badge open">open</span>'
 * ```
 */
export function badge(phase: string): SafeHtml {
  return html`<span class="${`badge ${phase}`}">${phase}</span>`;
}
