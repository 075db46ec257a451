/**
 * `deno task doctor` — the operator's preflight, run from their own machine with the
 * production settings (`deno task --env-file=.env.production doctor`, or the environment).
 * It checks the configuration, MongoDB (reachable, version, readable, writable with a probe
 * document it removes, indexes as `src/db/indexes.ts` specifies), Deno KV, and sends one
 * cheap request to each enabled API under the same budgets as the sync. It prints a checklist
 * (`ok` / `warn` / `fail`, each failure with its fix) and exits 0 only when nothing failed;
 * 1 when something did; 2 for bad arguments. Secrets are never printed.
 *
 * ```sh
 * deno task --env-file=.env.production doctor
 * ```
 * @module
 */
import { type Db, MongoClient } from "mongodb";
import { type Config, ConfigError, type Env, loadConfig, type SourceId } from "../config.ts";
import { CLIENT_OPTIONS, describeConnectError, hostsOf } from "../db/client.ts";
import { driverIndexOps, INDEX_SPECS, indexState } from "../db/indexes.ts";
import { syncStateCollection } from "../db/sync_state.ts";
import { errorText, redact, registerSecrets, secretsOfUri, setupLogging } from "../log.ts";
import { createSources, SourceError } from "../sources/mod.ts";
import { openKv } from "../sync/wiring.ts";

/** One line of the checklist. */
export interface Check {
  readonly status: "ok" | "warn" | "fail";
  /** What was checked: `config`, `mongodb`, `indexes`, `api fts`, … */
  readonly name: string;
  readonly detail: string;
  /** What to do about a `warn` or a `fail`. */
  readonly fix?: string;
}

/** Options of {@linkcode runDoctor}. */
export interface DoctorOptions {
  /**
   * The `fetch` the API checks use.
   *
   * @default {globalThis.fetch}
   */
  readonly fetch?: typeof fetch;
  /**
   * Current time, epoch ms.
   *
   * @default {Date.now()}
   */
  readonly now?: number;
}

const USAGE = `Usage: deno task doctor [--help]

Checks the production settings from the environment (e.g. deno task --env-file=.env.production
doctor): configuration, MongoDB (version, read, write probe, indexes), Deno KV, and one request
to each enabled API. Prints ok / warn / fail with the fix; exit 0 when nothing failed, 1 when
something did, 2 for bad arguments. Secrets are never printed.`;

/** What the command line asks: `help`, or a bad flag (exit 2). */
export function parseDoctorArgs(args: readonly string[]): "run" | "help" | { error: string } {
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") return "help";
    return { error: `Unknown argument ${JSON.stringify(arg)}.\n${USAGE}` };
  }
  return "run";
}

/**
 * Runs every check against the settings in `env`; never throws (a failure is a `fail` line).
 * MongoDB gets one probe document in a scratch collection, removed at once; nothing else is
 * written anywhere.
 */
export async function runDoctor(env: Env, options: DoctorOptions = {}): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push({
      status: "fail",
      name: "config",
      detail: error.message,
      fix: 'Fix these variables (README "Configuration"); nothing else was checked.',
    });
    return checks;
  }
  registerSecrets([...secretsOfUri(config.mongodbUri), config.triggerToken]);
  checks.push(...configChecks(config));
  if (config.mongodbUri !== null) checks.push(...await mongoChecks(config.mongodbUri, config));
  checks.push(await kvCheck(config));
  const now = options.now ?? Date.now();
  for (const source of config.sync.sources) {
    checks.push(await apiCheck(config, source, now, options.fetch ?? fetch));
  }
  return checks.map((c) => ({
    ...c,
    detail: redact(c.detail),
    ...(c.fix === undefined ? {} : { fix: redact(c.fix) }),
  }));
}

function configChecks(config: Config): Check[] {
  const checks: Check[] = [{
    status: "ok",
    name: "config",
    detail: `every setting valid; MongoDB ${
      config.mongodbUri === null ? "unset" : `at ${hostsOf(config.mongodbUri)}`
    }, database ${config.mongodbDb}, sources ${config.sync.sources.join(", ")}`,
  }];
  if (config.mongodbUri === null) {
    checks.push({
      status: "fail",
      name: "MONGODB_URI",
      detail: "not set: on Deno Deploy start-up stops (no embedded database there)",
      fix: 'Set it, e.g. deno deploy env add MONGODB_URI "mongodb+srv://…" --secret, and here.',
    });
  }
  if (config.triggerToken === null) {
    checks.push({
      status: "warn",
      name: "SYNC_TRIGGER_TOKEN",
      detail: "not set: POST /sync, /backfill and /quarantine/retry answer 403",
      fix: 'deno deploy env add SYNC_TRIGGER_TOKEN "$(openssl rand -hex 32)" --secret',
    });
  }
  if (config.kvPath !== null && !/^https:\/\//.test(config.kvPath)) {
    checks.push({
      status: "warn",
      name: "KV_PATH",
      detail: "set to a file: on Deno Deploy a file lives on one instance, so leases exclude " +
        "nothing across instances",
      fix: "Unset KV_PATH in production and assign a Deno KV database to the app.",
    });
  }
  return checks;
}

async function mongoChecks(uri: string, config: Config): Promise<Check[]> {
  const hosts = hostsOf(uri);
  const database = config.mongodbDb;
  const fail = (name: string, error: unknown, stage: "connect" | "read" | "write"): Check => ({
    status: "fail",
    name,
    detail: describeConnectError(uri, error, { stage, database }).message,
  });
  // its own client, closed at the end: the doctor leaves no connection behind
  const client = new MongoClient(uri, CLIENT_OPTIONS);
  const db = client.db(database);
  try {
    let version: string;
    try {
      await db.command({ ping: 1 });
      const info = await db.admin().command({ buildInfo: 1 });
      version = String(info.version ?? "unknown");
    } catch (error) {
      return [fail("mongodb", error, "connect")];
    }
    const major = Number(version.split(".")[0]);
    const checks: Check[] = [
      major >= 7 || Number.isNaN(major)
        ? { status: "ok", name: "mongodb", detail: `MongoDB ${version} at ${hosts}` }
        : {
          status: "warn",
          name: "mongodb",
          detail: `MongoDB ${version} at ${hosts}: the product is built for 7 and 8`,
          fix: "Upgrade the cluster to MongoDB 7 or later.",
        },
    ];
    let fresh: boolean;
    try {
      fresh = (await syncStateCollection(db).countDocuments({}, { limit: 1 })) === 0;
      checks.push({
        status: "ok",
        name: "read",
        detail: `database ${database} readable${fresh ? " (fresh: no sync has run yet)" : ""}`,
      });
    } catch (error) {
      checks.push(fail("read", error, "read"));
      return checks;
    }
    checks.push(await writeProbe(db, uri, database));
    checks.push(await indexCheck(db, fresh));
    return checks;
  } finally {
    await client.close();
  }
}

/** Inserts and deletes one document in a scratch collection. */
async function writeProbe(db: Db, uri: string, database: string): Promise<Check> {
  const probes = db.collection<{ _id: string; at: Date }>("doctor_probe");
  const _id = `doctor-${crypto.randomUUID()}`;
  try {
    await probes.insertOne({ _id, at: new Date() });
  } catch (error) {
    return {
      status: "fail",
      name: "write",
      detail: describeConnectError(uri, error, { stage: "write", database }).message,
    };
  }
  try {
    await probes.deleteOne({ _id });
  } catch (error) {
    return {
      status: "fail",
      name: "write",
      detail: `the probe document was written but could not be removed (${errorText(error)})`,
      fix: `Remove it by hand: db.doctor_probe.deleteOne({ _id: "${_id}" }).`,
    };
  }
  return { status: "ok", name: "write", detail: "probe document inserted and deleted" };
}

async function indexCheck(db: Db, fresh: boolean): Promise<Check> {
  const ops = driverIndexOps(db);
  const missing: string[] = [], differ: string[] = [];
  for (const collection of new Set(INDEX_SPECS.map((s) => s.collection))) {
    const existing = await ops.list(collection);
    for (const spec of INDEX_SPECS.filter((s) => s.collection === collection)) {
      const state = indexState(spec, existing);
      const label = `${collection}.${spec.name}`;
      if (state.state === "missing") missing.push(label);
      if (state.state === "mismatch") {
        differ.push(`${label} (in its place: ${state.existing.join(", ")})`);
      }
    }
  }
  if (missing.length === 0 && differ.length === 0) {
    return { status: "ok", name: "indexes", detail: `all ${INDEX_SPECS.length} match their specs` };
  }
  const parts = [
    missing.length > 0 ? `${missing.length} missing: ${missing.join(", ")}` : "",
    differ.length > 0 ? `${differ.length} differ from their spec: ${differ.join(", ")}` : "",
  ].filter(Boolean);
  return {
    status: "warn",
    name: "indexes",
    detail: parts.join("; ") + (fresh ? " (fresh database)" : ""),
    fix: "Start-up creates missing indexes and rebuilds differing ones (the user needs the " +
      "createIndex and dropIndex privileges; readWrite has both); nothing to do by hand.",
  };
}

async function kvCheck(config: Config): Promise<Check> {
  try {
    const kv = await openKv(config);
    try {
      await kv.get(["meta", "kv_id"]);
    } finally {
      kv.close();
    }
    return {
      status: "ok",
      name: "kv",
      detail: `Deno KV opens (${config.kvPath === null ? "Deno's default" : "KV_PATH"}). On ` +
        "Deploy the app uses the KV database assigned to it, which cannot be checked from here",
    };
  } catch (error) {
    return {
      status: "fail",
      name: "kv",
      detail: `Deno KV does not open: ${errorText(error)}`,
      fix: "Check KV_PATH (a writable file path, or unset for Deno's default).",
    };
  }
}

/** One request for the last hour, one release, one attempt: cheap, and within the budgets. */
async function apiCheck(
  config: Config,
  source: SourceId,
  now: number,
  realFetch: typeof fetch,
): Promise<Check> {
  const name = `api ${source}`;
  let status = 0;
  const recording: typeof fetch = async (input, init) => {
    const res = await realFetch(input, init);
    status = res.status;
    return res;
  };
  const cheap: Config = {
    ...config,
    httpMaxAttempts: 1,
    sources: { ...config.sources, [source]: { ...config.sources[source], pageSize: 1 } },
  };
  const api = createSources(cheap, { fetch: recording })[source];
  const origin = config.sources[source].baseUrl;
  const started = performance.now();
  const window = { from: new Date(now - 3_600_000), to: new Date(now) };
  try {
    const page = await api.fetchPage({ window, cursor: null }, now + config.httpTimeoutMs + 1_000);
    const ms = Math.round(performance.now() - started);
    if (page.kind === "out-of-time") {
      return {
        status: "warn",
        name,
        detail: page.throttledUntil === null
          ? `${origin}: no request sent, the request budget is spent`
          : `${origin}: throttled by the API until ${new Date(page.throttledUntil).toISOString()}`,
        fix: "Run the doctor again in a minute.",
      };
    }
    return {
      status: "ok",
      name,
      detail: `${origin}: HTTP ${status} in ${ms} ms (${page.releases.length} release(s))`,
    };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    // a source's message ends with what the engine does next, which is not the doctor's case
    const text = (error instanceof Error ? error.message : String(error))
      .replace(/; the next run resumes from the same position\.$/, "");
    if (error instanceof SourceError && error.kind === "throttled") {
      return {
        status: "warn",
        name,
        detail: `${origin}: reachable, but throttling (HTTP ${status}) after ${ms} ms`,
        fix: "Nothing to do: the sync waits and resumes. Another process may share this IP.",
      };
    }
    if (error instanceof SourceError && error.kind === "http" && (error.status ?? 0) >= 500) {
      return {
        status: "warn",
        name,
        detail: `${origin}: reachable, answering HTTP ${error.status} now (${ms} ms)`,
        fix: "Nothing to do: the sync retries and resumes from its cursor.",
      };
    }
    return {
      status: "fail",
      name,
      detail: `${origin}: ${text} (${ms} ms)`,
      fix: `Check ${source.toUpperCase()}_BASE_URL and that this machine can reach it.`,
    };
  }
}

/** The checklist as text, one line per check (and its fix), then a summary line. */
export function formatChecks(checks: readonly Check[]): string {
  const lines = checks.flatMap((c) => [
    `${c.status.padEnd(5)} ${c.name.padEnd(18)} ${c.detail}`,
    ...(c.fix ? [`${" ".repeat(24)}fix: ${c.fix}`] : []),
  ]);
  const count = (s: Check["status"]) => checks.filter((c) => c.status === s).length;
  lines.push(`${count("fail")} failed, ${count("warn")} warnings, ${count("ok")} ok.`);
  return lines.join("\n");
}

async function main(): Promise<number> {
  const parsed = parseDoctorArgs(Deno.args);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  if (typeof parsed === "object") {
    console.error(parsed.error);
    return 2;
  }
  // library logs would only repeat what the checklist says
  setupLogging({ level: "fatal", secrets: [] });
  const checks = await runDoctor(Deno.env.toObject());
  console.log(formatChecks(checks));
  return checks.some((c) => c.status === "fail") ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
