/**
 * The HTTP app in-process against a real replay server, a real MongoDB (the test file's
 * jongodb or `MONGODB_URI`) and an in-memory Deno KV — what main.ts wires, minus the process.
 *
 * @example
 * ```ts
 * await using h = await startHarness({ token: TOKEN });
 * const res = await h.fetch("/status");
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { type Config, loadConfig } from "../../src/config.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { type App, createApp } from "../../src/http/app.ts";
import type { EngineDeps } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { freshDb } from "../support/mongo.ts";
import { type ReleaseJson, syntheticReleases } from "../support/replay_data.ts";
import { type ReplayServer, startReplayServer } from "../support/replay_server.ts";

/** A token long enough for the configuration. */
export const TOKEN = "test-token-0123456789abcdef";

/** A notice title that would run script if the page did not escape it. */
export const EVIL_TITLE = `<script>alert("owned")</script><img src=x onerror=alert(1)> & "co"`;

const DAY = 86_400_000;

/** The replay data: `n` releases per source over the last 10 days, one FTS title hostile. */
export function replayData(n = 40, now = Date.now()): { fts: ReleaseJson[]; cf: ReleaseJson[] } {
  const range = { from: new Date(now - 10 * DAY), to: new Date(now - 60_000), seed: 11 };
  const fts = syntheticReleases("fts", n, range);
  const cf = syntheticReleases("cf", n, range);
  const newest = fts[0] as ReleaseJson & { tender?: Record<string, unknown> };
  newest.tender = { ...(newest.tender ?? {}), title: EVIL_TITLE };
  return { fts, cf };
}

/** Settings that make a sync of the replay data quick. */
export function fastEnv(replayUrl: string): Record<string, string> {
  return {
    FTS_BASE_URL: replayUrl,
    CF_BASE_URL: replayUrl,
    FTS_START_DATE: "10d",
    CF_START_DATE: "10d",
    FTS_WINDOW: "2d",
    FTS_RATE_LIMIT: "1000/1s",
    CF_RATE_LIMIT: "1000/1s",
    HTTP_MAX_ATTEMPTS: "2",
    HTTP_RETRY_BASE: "10ms",
    SYNC_BUDGET: "60s",
  };
}

/** A running harness. */
export interface Harness extends AsyncDisposable {
  readonly app: App;
  readonly db: Db;
  readonly kv: Deno.Kv;
  readonly engine: EngineDeps;
  readonly config: Config;
  readonly replay: ReplayServer;
  /** Calls the app (no network) with an optional bearer token. */
  fetch(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
}

/** Starts the harness; `token: null` leaves SYNC_TRIGGER_TOKEN unset. */
export async function startHarness(
  options: { token?: string | null; env?: Record<string, string>; db?: Db } = {},
): Promise<Harness> {
  const replay = startReplayServer({
    rateLimit: { fts: false, cf: false },
    releases: replayData(),
  });
  const token = options.token === undefined ? TOKEN : options.token;
  const config = loadConfig({
    ...fastEnv(replay.url),
    ...(token === null ? {} : { SYNC_TRIGGER_TOKEN: token }),
    ...options.env,
  });
  const own = options.db ? null : await freshDb("http");
  const db = options.db ?? own!.db;
  const kv = await Deno.openKv(":memory:");
  await ensureIndexes(db);
  const engine = engineDeps(config, { db, kv });
  const app = createApp({ config, ready: () => Promise.resolve(engine) });
  return {
    app,
    db,
    kv,
    engine,
    config,
    replay,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
      return app.handler(new Request(`http://app.test${path}`, { ...init, headers }));
    },
    [Symbol.asyncDispose]: async () => {
      await app.idle();
      kv.close();
      await replay.close();
      await own?.[Symbol.asyncDispose]();
    },
  };
}
