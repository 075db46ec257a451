/**
 * Answers of the HTTP surface. Every body passes through the log redaction, so no registered
 * secret (the MongoDB password, the trigger token) can reach a client even by mistake, and
 * nothing is cached.
 *
 * @example
 * ```ts
 * function answer(from: string): Response {
 *   if (Number.isNaN(Date.parse(from))) {
 *     return problem(400, "from must be a date such as 2026-01-01.");
 *   }
 *   return json({ ok: true });
 * }
 * ```
 * @module
 */
import { redact } from "../log.ts";

const COMMON: Readonly<Record<string, string>> = Object.freeze({
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
});

/**
 * A JSON answer, redacted and never cached.
 *
 * @example
 * ```ts
 * json({ runId: "…" }, 202);
 * ```
 */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(redact(JSON.stringify(body)), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...COMMON, ...headers },
  });
}

/**
 * A JSON error a person can act on: `{ "error": message }`.
 *
 * @example
 * ```ts
 * problem(409, "The fts lease is held by run 1234 until 10:05Z; try again after it.");
 * ```
 */
export function problem(status: number, message: string, headers: HeadersInit = {}): Response {
  return json({ error: message }, status, headers);
}

/**
 * An HTML page with a strict Content-Security-Policy: nothing may load or run except the
 * page's own inline style block (allowed by its hash) and `data:` images.
 *
 * @example
 * ```ts
 * const css = "body { font-family: system-ui }";
 * htmlPage("<!doctype html>…", await sha256Base64(css));
 * ```
 */
export function htmlPage(
  body: string,
  styleSha256: string,
  options: { readonly formAction?: "'none'" | "'self'"; readonly status?: number } = {},
): Response {
  return new Response(redact(body), {
    status: options.status ?? 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": contentSecurityPolicy(styleSha256, options.formAction),
      "x-frame-options": "DENY",
      ...COMMON,
    },
  });
}

/**
 * The pages' CSP: `default-src 'none'` and only what the page needs. Pages with a search form
 * allow it to submit to this site only (`form-action 'self'`); the others allow no form.
 *
 * @example
 * ```ts
 * contentSecurityPolicy("abc="); // "default-src 'none'; style-src 'sha256-abc='; …"
 * ```
 */
export function contentSecurityPolicy(
  styleSha256: string,
  formAction: "'none'" | "'self'" = "'none'",
): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${styleSha256}'`,
    "img-src data:",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Base64 SHA-256 of a text, as CSP hash sources want it.
 *
 * @example
 * ```ts
 * await sha256Base64("body{}");
 * ```
 */
export async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}
