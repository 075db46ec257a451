/**
 * The HTTP surface served by `Deno.serve`.
 *
 * @example
 * ```ts
 * Deno.serve(createHandler());
 * ```
 * @module
 */

/** Builds the request handler. */
export function createHandler(): (request: Request) => Response | Promise<Response> {
  return (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return json({ error: "Use GET /health." }, 405, { allow: "GET, HEAD" });
      }
      return json({ ok: true });
    }
    return json({ error: `No route for ${request.method} ${url.pathname}.` }, 404);
  };
}

/** A JSON answer that is never cached. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}
