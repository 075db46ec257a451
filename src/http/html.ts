/**
 * HTML built from templates where every interpolated value is escaped unless it is already
 * {@linkcode SafeHtml} (made by this module). Notice titles come from the internet: they are
 * text, never markup — and their control characters and bidi overrides are made visible
 * (`␀`, `␇`, `�`), so a U+202E cannot reorder what a person reads.
 *
 * @example
 * ```ts
 * const title = "<script>alert(1)</script>";
 * html`<h1>${title}</h1>`.text; // "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"
 * ```
 * @module
 */

import { visibleText } from "../text.ts";

/** A piece of HTML that is safe to insert as is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A value a template may interpolate. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Escapes text for HTML content and quoted attribute values, with control characters and
 * bidi controls made visible (`src/text.ts`).
 *
 * @example
 * ```ts
 * escapeHtml(`<a href="x">`); // "&lt;a href=&quot;x&quot;&gt;"
 * escapeHtml("\u202Eevil"); // "�evil"
 * ```
 */
export function escapeHtml(text: string): string {
  return visibleText(text).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/**
 * The template tag: escapes every value (arrays are joined, `null`/`undefined`/`false` vanish).
 *
 * @example
 * ```ts
 * html`<li>${"a & b"}</li>`.text; // "<li>a &amp; b</li>"
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * A link target that is safe to put in `href`: only `http:` and `https:` URLs, else `null`.
 *
 * @example
 * ```ts
 * safeUrl("javascript:alert(1)"); // null
 * ```
 */
export function safeUrl(text: string | null | undefined): string | null {
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null; // not a URL: shown as text only
  }
}
