/**
 * Find a Tender (FTS): `GET /api/1.0/ocdsReleasePackages` with `updatedFrom`, `updatedTo`
 * (Europe/London wall clock), `limit` and `cursor`. `stages` is never sent: it is reported
 * to drop notices or be rejected (GUIDE §2); filtering happens on our side.
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

/** FTS path and parameters. */
export const FTS_SPEC: ApiSpec = Object.freeze<ApiSpec>({
  id: "fts",
  path: "/api/1.0/ocdsReleasePackages",
  params: (window, limit, cursor) => {
    const params: [string, string][] = [
      ["updatedFrom", window.from],
      ["updatedTo", window.to],
      ["limit", String(limit)],
    ];
    if (cursor !== null) params.push(["cursor", cursor]);
    return params;
  },
});

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
