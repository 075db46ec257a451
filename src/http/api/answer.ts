/**
 * Answers of the read API: JSON with an `ETag` (a `304` when the client has it already),
 * `Cache-Control`, CORS for `GET`, and `400`s that name the parameter at fault. Bodies pass
 * through the log redaction like every other answer.
 *
 * @example
 * ```ts
 * function answerItems(request: Request, items: unknown[]): Promise<Response> {
 *   return apiJson(request, { items }, { corsOrigin: "*", private: false });
 * }
 * ```
 * @module
 */
import { redact } from "../../log.ts";
import { json } from "../respond.ts";

/** How API answers are cached and shared. */
export interface AnswerOptions {
  /** `Access-Control-Allow-Origin`, or `null` for none. */
  readonly corsOrigin: string | null;
  /** When a read token is required, answers are private to the client. */
  readonly private: boolean;
  /**
   * Seconds a client or proxy may reuse an answer.
   * @default {60}
   */
  readonly maxAgeSeconds?: number;
}

/** Headers every API answer carries (CORS, caching, `Vary`). */
export function apiHeaders(options: AnswerOptions): Record<string, string> {
  const h: Record<string, string> = {
    "cache-control": `${options.private ? "private" : "public"}, max-age=${
      options.maxAgeSeconds ?? 60
    }`,
    vary: "Authorization, Origin",
  };
  if (options.corsOrigin !== null) {
    h["access-control-allow-origin"] = options.corsOrigin;
    h["access-control-expose-headers"] = "ETag";
  }
  return h;
}

/** A strong ETag of a body: its SHA-256, shortened. */
export async function etagOf(body: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = Array.from(
    new Uint8Array(hash).subarray(0, 16),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  return `"${hex}"`;
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  // a short list of tags: split once, compare, linear
  return ifNoneMatch.slice(0, 2000).split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === etag || tag === "*";
  });
}

/**
 * A cacheable JSON answer: `200` with `ETag`, or `304` when `If-None-Match` names it.
 *
 * @example
 * ```ts
 * const request = new Request("http://localhost:8000/api/v1/notices?q=road");
 * await apiJson(request, { ok: true }, { corsOrigin: "*", private: false });
 * ```
 */
export async function apiJson(
  request: Request,
  body: unknown,
  options: AnswerOptions,
): Promise<Response> {
  const text = redact(JSON.stringify(body));
  const etag = await etagOf(text);
  const headers = { ...apiHeaders(options), etag };
  if (matches(request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(text, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      ...headers,
    },
  });
}

/**
 * A JSON error of the API: `{ "error": message, "parameter": name|null }`.
 *
 * @example
 * ```ts
 * const options = { corsOrigin: "*", private: false };
 * apiError(404, "No notice fts/1.", options);
 * ```
 */
export function apiError(
  status: number,
  message: string,
  options: AnswerOptions,
  parameter: string | null = null,
  extra: Record<string, string> = {},
): Response {
  const { "cache-control": _, ...headers } = apiHeaders(options);
  return json({ error: message, parameter }, status, { ...headers, ...extra });
}
