/**
 * The bearer token of the `POST` routes, compared in constant time: both sides are hashed
 * first, so the comparison always walks 32 bytes whatever the lengths, and every byte is
 * looked at whatever the first difference.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * const config = loadConfig(Deno.env.toObject());
 * async function handleSync(request: Request): Promise<Response> {
 *   const refused = await requireToken(request, config.triggerToken);
 *   if (refused) return refused;
 *   return new Response("started", { status: 202 });
 * }
 * ```
 * @module
 */
import { problem } from "./respond.ts";

/**
 * Whether two texts are equal, in time that does not depend on where they differ or on
 * their lengths.
 *
 * @example
 * ```ts
 * await timingSafeEqual("s3cret-token", "s3cret-token"); // true
 * await timingSafeEqual("s3cret-token", "s3cret-tokem"); // false
 * ```
 */
export async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(ha), y = new Uint8Array(hb);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * Checks `Authorization: Bearer <token>`. Resolves `null` when the caller may go on, else the
 * answer to send: 403 when no token is configured (the routes are disabled), 401 when the
 * header is missing or the token is wrong.
 *
 * @example
 * ```ts
 * const request = new Request("http://localhost:8000/sync", { method: "POST" });
 * const refused = await requireToken(request, "a-long-random-token");
 * ```
 */
export async function requireToken(
  request: Request,
  token: string | null,
): Promise<Response | null> {
  if (token === null) {
    return problem(
      403,
      "Manual triggers are disabled: SYNC_TRIGGER_TOKEN is not set. Set it (at least 16 " +
        "characters, e.g. `openssl rand -hex 32`) and send it as `Authorization: Bearer <token>`.",
    );
  }
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const challenge = { "www-authenticate": 'Bearer realm="procurement-sync"' };
  if (!m) {
    return problem(
      401,
      "Missing bearer token: send `Authorization: Bearer <SYNC_TRIGGER_TOKEN>`.",
      challenge,
    );
  }
  if (!(await timingSafeEqual(m[1], token))) {
    return problem(401, "Wrong bearer token: send the value of SYNC_TRIGGER_TOKEN.", challenge);
  }
  return null;
}
