/**
 * The HTTP surface served by `Deno.serve`:
 *
 * | Route | Answer |
 * |---|---|
 * | `GET /health` | `200 {"ok":true}` — liveness only, never waits on the database; `503` with the reason when start-up cannot work at all |
 * | `GET /status` | `200` JSON per source: verdict, mode, window, watermark, lag, runs, … |
 * | `GET /` | the dashboard page (strict CSP, no script; its data from `dashboard_data.ts`) |
 * | `GET /explore…` | the explorer: search, notice and buyer pages (`explorer.ts`) |
 * | `GET /api/v1/…` | the read API (`api/routes.ts`) |
 * | `GET /runs/{id}` | `200` a finished run's record, `202` while it runs, `404` unknown |
 * | `POST /sync?source=` | `202` run ids · `409` lease held · `400` bad parameters |
 * | `POST /backfill?source=&from=&to=` | same |
 * | `POST /quarantine/retry?source=&limit=` | `200` what was re-tried |
 *
 * `POST` routes need `Authorization: Bearer <SYNC_TRIGGER_TOKEN>` (`401` without or wrong,
 * `403` when no token is configured). Routes that read data answer `503` while the database is
 * not ready or unreachable. A query parameter given twice answers `400`.
 *
 * Nothing the caller sent is echoed in an answer before the token is checked: not the path
 * (a `404` lists the routes instead), not a run id, not a parameter's name unless it is one
 * of ours. Answers are redacted, so an echo would turn a guess of a secret into `***` and
 * confirm it.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "../sync/wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const engine = Promise.resolve(engineDeps(config, { db, kv }));
 * const app = createApp({ config, ready: () => engine });
 * Deno.serve(app.handler);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { errorText, getLog } from "../log.ts";
import { trimTrailingSlashes } from "../text.ts";
import { runsCollection } from "../db/runs.ts";
import type { EngineDeps } from "../sync/engine.ts";
import { requireToken } from "./auth.ts";
import { NotReady, toErrorStatus } from "./errors.ts";
import { nextCronTick, parseCron } from "../cron_schedule.ts";
import { NOTICES } from "./api/notice_resource.ts";
import { PROCUREMENTS } from "./api/procurement_resource.ts";
import { createApi } from "./api/routes.ts";
import { renderDashboard } from "./dashboard.ts";
import { dashboardGatherer } from "./dashboard_data.ts";
import { createExplorer } from "./explorer.ts";
import { pageStyleHash } from "./layout.ts";
import { htmlPage, json, problem } from "./respond.ts";
import { readStatus, type StatusWarning } from "./status.ts";
import { createTriggers } from "./triggers.ts";

/** What the app needs. */
export interface AppDeps {
  readonly config: Pick<
    Config,
    | "sync"
    | "cron"
    | "triggerToken"
    | "api"
    | "platform"
    | "finishedBackfillsShownMs"
    | "storageLimitBytes"
  >;
  /** Resolves once the database is open and indexed (main.ts opens it in the background). */
  readonly ready: () => Promise<EngineDeps>;
  /**
   * Current time, epoch ms.
   *
   * @default {Date.now}
   */
  readonly now?: () => number;
  /**
   * How long a request waits for `ready` before answering 503, in ms.
   *
   * @default {10000}
   */
  readonly readyTimeoutMs?: number;
  /**
   * How long the dashboard's data is reused, in ms.
   * @default {5000}
   */
  readonly dashboardTtlMs?: number;
  /**
   * Why the product cannot work at all (`MONGODB_URI` unset on Deno Deploy), or `null`:
   * `/health` then answers 503 with it.
   */
  readonly problem?: () => string | null;
  /** Start-up findings (stale indexes, KV settings) that `/status` lists. */
  readonly warnings?: () => readonly StatusWarning[];
}

/** The request handler and its background work. */
export interface App {
  readonly handler: (request: Request) => Promise<Response>;
  /** Resolves when every run started through the triggers has ended. */
  idle(): Promise<void>;
}

/** Every route, for the `404` answer (which never repeats the path it was asked). */
const ROUTE_LIST = "GET /health, GET /status, GET /, GET /explore, GET /api/v1 (see " +
  "/api/v1/openapi.json), GET /runs/{id}, POST /sync, POST /backfill, POST /quarantine/retry";

/** Query parameters some route reads: only these are ever named back in an answer. */
const KNOWN_PARAMS = new Set(["source", "from", "to", "limit", "refresh"]);

/** The first query parameter given more than once, or `null`. */
function repeatedParam(params: URLSearchParams): string | null {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return null;
}

/**
 * Builds the app.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "../sync/wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const app = createApp({ config, ready: () => Promise.resolve(engineDeps(config, { db, kv })) });
 * const res = await app.handler(new Request("http://x/health"));
 * ```
 */
export function createApp(deps: AppDeps): App {
  const now = deps.now ?? Date.now;
  const log = getLog("http");
  const { config } = deps;
  const triggers = createTriggers({ sources: config.sync.sources, now });

  const engine = async (): Promise<EngineDeps> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        deps.ready(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new NotReady()), deps.readyTimeoutMs ?? 10_000);
        }),
      ]);
    } catch (error) {
      if (error instanceof NotReady) throw error;
      // the reason (which names the host) goes to the log once, at start-up: not to clients
      throw new NotReady();
    } finally {
      clearTimeout(timer);
    }
  };

  // a source that never ran is "waiting" until the first tick after start-up is due
  const firstRunDueAt = nextCronTick(parseCron(config.cron.schedule)!, now()) ?? undefined;
  const status = async () => {
    const e = await engine();
    return readStatus(e, {
      sources: config.sync.sources,
      schedule: config.cron.schedule,
      intervalMs: config.cron.intervalMs,
      now: now(),
      firstRunDueAt,
      finishedBackfillsShownMs: config.finishedBackfillsShownMs,
      warnings: deps.warnings?.() ?? [],
      deploymentId: config.platform.deploymentId,
      storageLimitBytes: config.storageLimitBytes,
    });
  };

  const gather = dashboardGatherer({
    sources: config.sync.sources,
    schedule: config.cron.schedule,
    intervalMs: config.cron.intervalMs,
    firstRunDueAt,
    ttlMs: deps.dashboardTtlMs,
    warnings: deps.warnings,
    finishedBackfillsShownMs: config.finishedBackfillsShownMs,
    storageLimitBytes: config.storageLimitBytes,
  });
  const api = createApi({
    readToken: config.api.readToken,
    corsOrigin: config.api.corsOrigin,
    resources: [NOTICES, PROCUREMENTS],
    now,
  });
  const explorer = createExplorer({ now });
  const db = async () => (await engine()).db;

  const routes: Record<
    string,
    Partial<Record<string, (req: Request, url: URL) => Promise<Response>>>
  > = {
    "/health": {
      GET: () => {
        const problem = deps.problem?.() ?? null;
        return Promise.resolve(
          problem === null ? json({ ok: true }) : json({ ok: false, problem }, 503),
        );
      },
    },
    "/status": { GET: async () => json(await status()) },
    "/": {
      GET: async (_req, url) => {
        const refresh = Number(url.searchParams.get("refresh") ?? 30);
        const refreshSeconds = Number.isInteger(refresh)
          ? Math.min(3600, Math.max(2, refresh))
          : 30;
        const facts = await gather(await engine(), now());
        const page = renderDashboard({ ...facts, refreshSeconds });
        return htmlPage(page, await pageStyleHash());
      },
    },
    "/sync": { POST: async (_req, url) => triggers.sync(url.searchParams, await engine()) },
    "/backfill": {
      POST: async (_req, url) => triggers.backfill(url.searchParams, await engine()),
    },
    "/quarantine/retry": {
      POST: async (_req, url) => triggers.retryQuarantine(url.searchParams, await engine()),
    },
  };

  const runRoute = async (id: string): Promise<Response> => {
    const e = await engine();
    const run = await runsCollection(e.db).findOne({ _id: id });
    if (run) return json(run);
    for (const [source, runId] of triggers.running()) {
      if (runId === id) return json({ runId: id, source, state: "running" }, 202);
    }
    return problem(
      404,
      "No such run: the id is unknown, or the run is on another instance and has not " +
        "finished yet (runs are recorded when they end).",
    );
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.length > 1 ? trimTrailingSlashes(url.pathname) : url.pathname;
    /** The route as logs and answers name it (a run id is the caller's text: not echoed). */
    let route = path;
    try {
      const answer = await api.handle(request, url, db) ?? await explorer.handle(request, url, db);
      if (answer) {
        return request.method === "HEAD"
          ? new Response(null, { status: answer.status, headers: answer.headers })
          : answer;
      }
      const runMatch = /^\/runs\/([A-Za-z0-9-]{1,64})$/.exec(path);
      if (runMatch) {
        route = "/runs/{id}";
        if (request.method !== "GET") return problem(405, "Use GET.", { allow: "GET" });
        return await runRoute(runMatch[1]);
      }
      const methods = routes[path];
      if (!methods) return problem(404, `No such route. The routes are: ${ROUTE_LIST}.`);
      const method = request.method === "HEAD" && methods.GET ? "GET" : request.method;
      const fn = methods[method];
      if (!fn) {
        const allow = Object.keys(methods).join(", ");
        return problem(405, `Use ${allow} ${path}.`, { allow });
      }
      if (method === "POST") {
        const refused = await requireToken(request, config.triggerToken);
        if (refused) return refused;
      }
      const repeated = repeatedParam(url.searchParams);
      if (repeated !== null) {
        return problem(
          400,
          KNOWN_PARAMS.has(repeated)
            ? `The parameter ${repeated} is given more than once: give it once.`
            : "A query parameter is given more than once: give each once.",
        );
      }
      const response = await fn(request, url);
      return request.method === "HEAD"
        ? new Response(null, { status: response.status, headers: response.headers })
        : response;
    } catch (error) {
      const status = toErrorStatus(error);
      if (error instanceof NotReady) {
        return problem(
          status,
          "The database is not ready yet (starting, or unreachable); try again in a few " +
            // a start-up problem (a missing setting) names no host: say it; driver errors do
            `seconds.${deps.problem?.() ? ` ${deps.problem()}` : ""}`,
          { "retry-after": "5" },
        );
      }
      // a caller's mistake a route did not answer itself: its message is for the caller
      if (status < 500) return problem(status, (error as Error).message);
      const text = errorText(error);
      if (status === 503) {
        log.warn(`${request.method} ${route}: the database is unreachable: ${text}`);
        return problem(
          503,
          "The database is unreachable right now; try again in a few seconds.",
          { "retry-after": "5" },
        );
      }
      log.error(`${request.method} ${route} failed: ${text}`);
      return problem(
        500,
        `${request.method} ${route} failed with an internal error; the log has the details.`,
      );
    }
  };

  return { handler, idle: () => triggers.idle() };
}
