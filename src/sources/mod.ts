/**
 * The sources, as the engine uses them.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createSources, firstWindow } from "./mod.ts";
 * const sources = createSources(loadConfig(Deno.env.toObject()));
 * const start = new Date("2026-01-01T00:00:00Z");
 * const window = firstWindow(start, new Date(), 6 * 3_600_000, 1_800_000);
 * const page = await sources.fts.fetchPage({ window, cursor: null }, Date.now() + 60_000);
 * ```
 * @module
 */
import type { SourceId } from "../config.ts";
import { createCfSource } from "./cf.ts";
import { createFtsSource } from "./fts.ts";
import type { SourceDeps, SourcesConfig } from "./ocds_source.ts";
import type { Source } from "./source.ts";

export type * from "./source.ts";
export { SourceError, type SourceErrorKind } from "./source_error.ts";
export type { SourceDeps, SourcesConfig } from "./ocds_source.ts";
export { createCfSource } from "./cf.ts";
export { createFtsSource } from "./fts.ts";
export { firstWindow, nextWindow, planWindows } from "./windows.ts";

/**
 * Both sources, sharing `deps` (one clock, one `fetch`).
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * const { fts, cf } = createSources(loadConfig(Deno.env.toObject()));
 * ```
 */
export function createSources(
  config: SourcesConfig,
  deps: SourceDeps = {},
): { readonly [S in SourceId]: Source } {
  return Object.freeze({ fts: createFtsSource(config, deps), cf: createCfSource(config, deps) });
}
