/**
 * Find a Tender (FTS): `GET /api/1.0/ocdsReleasePackages` with `updatedFrom`, `updatedTo`
 * (Europe/London wall clock), `limit` and `cursor`; its facts and quirks are in
 * `catalog.ts`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createFtsSource } from "./fts.ts";
 * const fts = createFtsSource(loadConfig(Deno.env.toObject()));
 * ```
 * @module
 */
import type { ApiSpec, SourceDeps, SourcesConfig } from "./ocds_source.ts";
import { createOcdsSource } from "./ocds_source.ts";
import type { Source } from "./source.ts";
import { SOURCE_CATALOG } from "./catalog.ts";

/** FTS path and parameters, from the {@linkcode SOURCE_CATALOG}. */
export const FTS_SPEC: ApiSpec = SOURCE_CATALOG.fts;

/**
 * The FTS {@linkcode Source}.
 *
 * @example
 * ```ts
 * import { systemClock } from "../clock.ts";
 * import { loadConfig } from "../config.ts";
 * const fts = createFtsSource(loadConfig(Deno.env.toObject()), { clock: systemClock });
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * await fts.fetchPage({ window, cursor: null }, Date.now() + 60_000);
 * ```
 */
export function createFtsSource(config: SourcesConfig, deps: SourceDeps = {}): Source {
  return createOcdsSource(FTS_SPEC, config, deps);
}
