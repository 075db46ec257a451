/**
 * Contracts Finder (CF): `GET /Published/Notices/OCDS/Search` with `publishedFrom`,
 * `publishedTo` (Europe/London wall clock, see `windows.ts`), `stages`, `limit` and
 * `cursor`. All four stages are asked for explicitly, so a server default can never
 * narrow what comes back.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createCfSource } from "./cf.ts";
 * const cf = createCfSource(loadConfig(Deno.env.toObject()));
 * ```
 * @module
 */
import type { ApiSpec, SourceDeps, SourcesConfig } from "./ocds_source.ts";
import { createOcdsSource } from "./ocds_source.ts";
import type { Source } from "./source.ts";

/** Every CF stage; sent on every request. */
export const CF_STAGES = "planning,tender,award,implementation";

/** CF path and parameters. */
export const CF_SPEC: ApiSpec = Object.freeze<ApiSpec>({
  id: "cf",
  path: "/Published/Notices/OCDS/Search",
  params: (window, limit, cursor) => {
    const params: [string, string][] = [
      ["publishedFrom", window.from],
      ["publishedTo", window.to],
      ["stages", CF_STAGES],
      ["limit", String(limit)],
    ];
    if (cursor !== null) params.push(["cursor", cursor]);
    return params;
  },
});

/**
 * The CF {@linkcode Source}.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * const cf = createCfSource(loadConfig(Deno.env.toObject()));
 * const window = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-16T00:00:00Z") };
 * await cf.fetchPage({ window, cursor: null }, Date.now() + 60_000);
 * ```
 */
export function createCfSource(config: SourcesConfig, deps: SourceDeps = {}): Source {
  return createOcdsSource(CF_SPEC, config, deps);
}
