/**
 * Contracts Finder (CF): `GET /Published/Notices/OCDS/Search` with `publishedFrom`,
 * `publishedTo` (Europe/London wall clock, see `windows.ts`), `stages`, `limit` and
 * `cursor`; its facts and quirks are in `catalog.ts`.
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
import { SOURCE_CATALOG } from "./catalog.ts";

export { CF_STAGES } from "./catalog.ts";

/** CF path and parameters, from the {@linkcode SOURCE_CATALOG}. */
export const CF_SPEC: ApiSpec = SOURCE_CATALOG.cf;

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
