/**
 * Environment → typed, validated, frozen configuration. The only module that reads the
 * environment; everything else receives a {@linkcode Config}.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig({ PORT: "8080" });
 * config.port; // 8080
 * ```
 * @module
 */

import { checkCron, CRON_FORM, cronIntervalMs, parseCron } from "./cron_schedule.ts";
import { RETENTION_RULES, type RetentionSetting } from "./retention_rules.ts";
import { SOURCE_CATALOG, SOURCE_IDS, type SourceId } from "./sources/catalog.ts";

/** Log levels accepted by `LOG_LEVEL`, most verbose first. */
export const LOG_LEVELS = ["trace", "debug", "info", "warning", "error", "fatal"] as const;
/** One of {@linkcode LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/**
 * Forms accepted by `LOG_FORMAT`: `pretty` (coloured lines for a person), `json` (one JSON
 * object per line, what Deploy's log view reads) or `auto` (pretty on a terminal, else JSON).
 */
export const LOG_FORMATS = ["auto", "pretty", "json"] as const;
/** One of {@linkcode LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number];

export { SOURCE_IDS, type SourceId } from "./sources/catalog.ts";

/** Where a source's first backfill starts: a fixed instant, or a span before "now". */
export type StartDate =
  | { readonly kind: "date"; readonly at: Date }
  | { readonly kind: "ago"; readonly ms: number };

/** Settings of one source client (see README "Source settings"). */
export interface SourceConfig {
  /** Origin (`scheme://host[:port]`) the client appends the documented API path to. */
  readonly baseUrl: string;
  /** Length of one date window, in ms. */
  readonly windowMs: number;
  /** How far consecutive windows overlap, in ms. */
  readonly overlapMs: number;
  /** Page size sent as `limit` (1–100). */
  readonly pageSize: number;
  /** Request budget: at most `requests` per rolling `perMs`. */
  readonly rateLimit: { readonly requests: number; readonly perMs: number };
  /** Wait after a throttling answer that carries no `Retry-After`, in ms. */
  readonly throttleWaitMs: number;
  /** Where the first backfill starts. */
  readonly startDate: StartDate;
}

/** The product's whole configuration. Prints without secrets. */
export interface Config {
  /** MongoDB connection string; `null` → an embedded in-memory jongodb (local runs only). */
  readonly mongodbUri: string | null;
  /** Database name. */
  readonly mongodbDb: string;
  /** How long MongoDB operations may wait (see README "Failover"). */
  readonly mongodbTimeouts: MongoTimeouts;
  /** Storage the database may use, in bytes; `/status` warns at 80 %. */
  readonly storageLimitBytes: number;
  /** Ages of the `RETAIN_*` settings, in ms; `null`: kept forever (the default). */
  readonly retention: Readonly<Record<RetentionSetting, number | null>>;
  /** Minimum log level. */
  readonly logLevel: LogLevel;
  /** How log lines are written (see {@linkcode LOG_FORMATS}). */
  readonly logFormat: LogFormat;
  /** HTTP port of `Deno.serve`. */
  readonly port: number;
  /** Timeout of every HTTP request to a source, in ms. */
  readonly httpTimeoutMs: number;
  /** Attempts per request (first try included) before a source gives up. */
  readonly httpMaxAttempts: number;
  /** First backoff after a 5xx, network error or timeout, in ms; doubles per attempt. */
  readonly httpRetryBaseMs: number;
  /** Largest response body read from a source, in bytes; a larger page is narrowed. */
  readonly httpMaxBodyBytes: number;
  /** Longest `Retry-After` honoured, in ms; a longer one is cut to this. */
  readonly httpMaxRetryAfterMs: number;
  /** Per-source settings. */
  readonly sources: { readonly [S in SourceId]: SourceConfig };
  /** Settings of the sync engine. */
  readonly sync: SyncConfig;
  /** Deno KV database path; `null` → Deno's default (on Deploy: the app's KV database). */
  readonly kvPath: string | null;
  /** The cron that runs the sync. */
  readonly cron: CronConfig;
  /** Bearer token of the HTTP `POST` routes (secret); `null` → those routes are disabled. */
  readonly triggerToken: string | null;
  /** Settings of the read API (`/api/v1`). */
  readonly api: ApiConfig;
  /** How long a finished range backfill stays listed on `/status` and the dashboard, in ms. */
  readonly finishedBackfillsShownMs: number;
  /** Where the process runs, from variables the platform sets (not settings). */
  readonly platform: Platform;
  /**
   * The first sync at start-up with the embedded database (`DEV_FIRST_SYNC_SPAN`): how far
   * back it reads, in ms. `null` where it does not apply: `MONGODB_URI` set, on Deno Deploy,
   * or the span set to 0.
   */
  readonly devFirstSync: { readonly spanMs: number } | null;
}

/**
 * What Deno Deploy tells a process about itself through its environment (docs:
 * deploy/reference/env_vars_and_contexts.md, "Predefined environment variables").
 */
export interface Platform {
  /** `true` on Deno Deploy: `DENO_DEPLOYMENT_ID` is set, or `DENO_DEPLOY=true`. */
  readonly deploy: boolean;
  /** `DENO_DEPLOYMENT_ID`: one configuration set (build, context, variables, databases). */
  readonly deploymentId: string | null;
  /** `DENO_TIMELINE`: `production`, `git-branch/<name>` or `preview/<id>`. */
  readonly timeline: string | null;
}

/** Settings of the read API (see README "Read API"). */
export interface ApiConfig {
  /** Bearer token the read API requires (secret); `null` → the API is public. */
  readonly readToken: string | null;
  /** `Access-Control-Allow-Origin` of API answers; `null` → no CORS header. */
  readonly corsOrigin: string | null;
}

/** MongoDB client timeouts. */
export interface MongoTimeouts {
  /**
   * How long an operation waits for a usable server (a primary for writes): longer than a
   * replica-set election, so a failover delays a page instead of failing it.
   */
  readonly serverSelectionMs: number;
  /** How long an operation on an open connection may go without an answer. */
  readonly operationMs: number;
}

/** Settings of the cron that runs the sync (see README "Configuration"). */
export interface CronConfig {
  /** 5-field cron expression (UTC) of `Deno.cron`. */
  readonly schedule: string;
  /** Shortest gap between two ticks of `schedule`, in ms. */
  readonly intervalMs: number;
  /** Run the sync once right after start-up (local development, the demo). */
  readonly onStart: boolean;
}

/** Settings of the sync engine (see README "Sync settings"). */
export interface SyncConfig {
  /** Sources the cron syncs. */
  readonly sources: readonly SourceId[];
  /** Time budget of one source's run, in ms. */
  readonly budgetMs: number;
  /** Page limit of one run (0: none). */
  readonly maxPages: number;
  /** Lease time to live, in ms; renewed after every page and while a source waits. */
  readonly leaseTtlMs: number;
  /** How far before the watermark an incremental run starts again, in ms. */
  readonly lookbackMs: number;
  /** Runs kept in `sync_runs` per source. */
  readonly runsKept: number;
  /** Keep every release read, compressed, in `releases` (for `deno task remap`). */
  readonly keepRawReleases: boolean;
  /** Time each cron tick spends re-mapping stored releases after a mapping change, in ms. */
  readonly remapBudgetMs: number;
}

/** Thrown by {@linkcode loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  /** One entry per invalid setting. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** One documented setting: its variable, default and the form it expects. */
export interface SettingDoc {
  readonly name: string;
  readonly default: string;
  readonly form: string;
  readonly description: string;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration such as `500ms`, `90s`, `10m`, `6h` or `15d` (or a bare `0`) into
 * milliseconds.
 * Returns `null` when the text is not of that form.
 *
 * @example
 * ```ts
 * parseDuration("6h"); // 21600000
 * ```
 */
export function parseDuration(text: string): number | null {
  if (text.trim() === "0") return 0; // zero needs no unit
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * DURATION_UNITS[m[2]];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a size such as `512MB`, `1.5GB` or `100KiB` into bytes (binary units, as Atlas counts
 * its 512 MB). Returns `null` when the text is not of that form.
 *
 * @example
 * ```ts
 * parseSize("512MB"); // 536870912
 * ```
 */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]{1,3})\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : null;
}

/** Environment as a plain record; tests pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

function sizeText(bytes: number): string {
  for (const [unit, n] of [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return `${bytes} bytes`;
}

/** Collects problems while reading settings, so one error can list them all. */
class Reader {
  readonly problems: string[] = [];
  readonly docs: SettingDoc[] = [];
  constructor(readonly env: Env, readonly now: number) {}

  /** Whether the environment gives `name` a value (not blank). */
  isSet(name: string): boolean {
    return (this.env[name] ?? "").trim() !== "";
  }

  #raw(doc: SettingDoc): string | undefined {
    this.docs.push(doc);
    const value = this.env[doc.name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  #fail<T>(name: string, value: string, form: string, fallback: T): T {
    this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected ${form}.`);
    return fallback;
  }

  string(name: string, def: string | null, description: string): string | null {
    const raw = this.#raw({ name, default: def ?? "(unset)", form: "text", description });
    return raw ?? def;
  }

  oneOf<T extends string>(name: string, values: readonly T[], def: T, description: string): T {
    const form = `one of ${values.join(", ")}`;
    const raw = this.#raw({ name, default: def, form, description });
    if (raw === undefined) return def;
    const lower = raw.toLowerCase() as T;
    return values.includes(lower) ? lower : this.#fail(name, raw, form, def);
  }

  integer(name: string, def: number, min: number, max: number, description: string): number {
    const form = `an integer from ${min} to ${max}`;
    const raw = this.#raw({ name, default: String(def), form, description });
    if (raw === undefined) return def;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return n >= min && n <= max ? n : this.#fail(name, raw, form, def);
  }

  duration(name: string, def: string, minMs: number, description: string): number {
    const form = `a duration such as 500ms, 90s, 10m, 6h or 15d (at least ${minMs} ms)`;
    const raw = this.#raw({ name, default: def, form, description });
    const ms = parseDuration(raw ?? def);
    if (ms === null || ms < minMs) return this.#fail(name, raw ?? def, form, parseDuration(def)!);
    return ms;
  }

  /** An age that can be switched off: unset or `off` → `null`. */
  optionalDuration(name: string, minMs: number, description: string): number | null {
    const form = `a duration such as 90d or 365d (at least ${minMs / 86_400_000}d), or off`;
    const raw = this.#raw({ name, default: "off", form, description });
    if (raw === undefined || raw.toLowerCase() === "off") return null;
    const ms = parseDuration(raw);
    return ms !== null && ms >= minMs ? ms : this.#fail(name, raw, form, null);
  }

  origin(name: string, def: string, description: string): string {
    const form = "an origin such as https://host or http://127.0.0.1:8080 (no path)";
    const raw = this.#raw({ name, default: def, form, description });
    if (raw === undefined) return def;
    try {
      const url = new URL(raw);
      const bare = (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash &&
        !url.username && !url.password;
      if ((url.protocol === "http:" || url.protocol === "https:") && bare) return url.origin;
    } catch {
      // falls through to the error below: the text is not a URL at all
    }
    return this.#fail(name, raw, form, def);
  }

  boolean(name: string, def: boolean, description: string): boolean {
    const form = "true or false (also 1/0, yes/no)";
    const raw = this.#raw({ name, default: String(def), form, description });
    if (raw === undefined) return def;
    const lower = raw.toLowerCase();
    if (["true", "1", "yes", "on"].includes(lower)) return true;
    if (["false", "0", "no", "off"].includes(lower)) return false;
    return this.#fail(name, raw, form, def);
  }

  /** A size such as `512MB` (binary units: 1 MB = 1024² bytes), within `[min, max]`. */
  size(name: string, def: string, min: number, max: number, description: string): number {
    const form = `a size such as 512KB, 32MB or 2GB (from ${sizeText(min)} to ${
      sizeText(max)
    }; 1 MB = 1024 KB)`;
    const raw = this.#raw({ name, default: def, form, description });
    const bytes = parseSize(raw ?? def);
    if (bytes === null || bytes < min || bytes > max) {
      return this.#fail(name, raw ?? def, form, parseSize(def)!);
    }
    return bytes;
  }

  cron(name: string, def: string, description: string): string {
    const raw = this.#raw({ name, default: def, form: CRON_FORM, description });
    if (raw === undefined) return def;
    const text = raw.split(/\s+/).join(" ");
    const check = checkCron(text);
    if (check.ok) return text;
    this.problems.push(
      `${name}=${JSON.stringify(raw)} is invalid (${check.problem}): expected ${CRON_FORM}.`,
    );
    return def;
  }

  /** A secret: never echoed in a problem, at least `minLength` characters, no spaces. */
  secret(name: string, minLength: number, description: string): string | null {
    const form = `at least ${minLength} characters without spaces (e.g. openssl rand -hex 32)`;
    const raw = this.#raw({ name, default: "(unset)", form, description });
    if (raw === undefined) return null;
    if (raw.length >= minLength && !/\s/.test(raw)) return raw;
    this.problems.push(`${name} is invalid: expected ${form}.`);
    return null;
  }

  sourceList(name: string, def: string, description: string): readonly SourceId[] {
    const form = `a comma-separated list of ${SOURCE_IDS.join(", ")}`;
    const raw = this.#raw({ name, default: def, form, description });
    const items = (raw ?? def).split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = items.some((s) => !(SOURCE_IDS as readonly string[]).includes(s));
    if (bad || items.length === 0) return this.#fail(name, raw ?? def, form, [...SOURCE_IDS]);
    return Object.freeze([...new Set(items)] as SourceId[]);
  }

  rate(name: string, def: string, description: string): SourceConfig["rateLimit"] {
    const form = "requests/period such as 12/120s";
    const raw = this.#raw({ name, default: def, form, description });
    const parse = (text: string) => {
      const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(text);
      const perMs = m ? parseDuration(m[2]) : null;
      const requests = m ? Number(m[1]) : 0;
      return perMs && requests >= 1 ? { requests, perMs } : null;
    };
    return parse(raw ?? def) ?? this.#fail(name, raw ?? def, form, parse(def)!);
  }

  startDate(name: string, def: string, source: SourceId, description: string): StartDate {
    const form = "a date such as 2021-01-01 (UTC) or a span before now such as 90d";
    const raw = this.#raw({ name, default: def, form, description });
    const text = raw ?? def;
    const fallback: StartDate = { kind: "ago", ms: parseDuration("90d")! };
    const { dataBegins } = SOURCE_CATALOG[source];
    const begins = Date.parse(`${dataBegins}T00:00:00Z`);
    const ago = parseDuration(text);
    if (ago !== null) {
      if (this.now - ago < begins) {
        const most = Math.floor((this.now - begins) / 86_400_000);
        this.problems.push(
          `${name}=${JSON.stringify(text)} reaches back before the ${source} data begins ` +
            `(${dataBegins}): expected a span of at most ${most}d today, or a date ` +
            `such as ${dataBegins} for everything.`,
        );
        return fallback;
      }
      return Object.freeze({ kind: "ago", ms: ago });
    }
    const at = readUtcDate(text);
    if (at === null) return this.#fail(name, text, form, fallback);
    if (at.getTime() < begins) {
      this.problems.push(
        `${name}=${JSON.stringify(text)} is before the ${source} data begins: expected ` +
          `${dataBegins} or later, or a span before now such as 90d.`,
      );
      return fallback;
    }
    if (at.getTime() > this.now) {
      this.problems.push(
        `${name}=${JSON.stringify(text)} is in the future: expected a date before now (from ` +
          `${dataBegins}), or a span before now such as 90d.`,
      );
      return fallback;
    }
    return Object.freeze({ kind: "date", at });
  }
}

/**
 * A UTC date `YYYY-MM-DD` or instant `YYYY-MM-DDTHH:MM[:SS[.fff]][Z]` (read as UTC), or
 * `null`. Days a month does not have (`2021-02-30`) are refused, not rolled over.
 */
function readUtcDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?)?$/.exec(
    text,
  );
  if (!m) return null;
  const [y, mo, d, h, mi, sec, ms] = m.slice(1).map((v) => Number(v ?? 0));
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms));
  const same = at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d &&
    h < 24 && mi < 60 && sec < 60;
  return same ? at : null;
}

function readSource(r: Reader, id: SourceId, devSpanMs: number | null): SourceConfig {
  const P = id.toUpperCase();
  const { label, origin, defaults, windowNote, dataBegins } = SOURCE_CATALOG[id];
  const source: SourceConfig = {
    baseUrl: r.origin(
      `${P}_BASE_URL`,
      origin,
      `${label} API origin; the client appends the documented path.`,
    ),
    windowMs: r.duration(
      `${P}_WINDOW`,
      defaults.window,
      60_000,
      `Length of one ${label} date window (${windowNote}).`,
    ),
    overlapMs: r.duration(
      `${P}_OVERLAP`,
      defaults.overlap,
      0,
      `Overlap of consecutive ${label} windows, so boundaries and clock changes lose nothing.`,
    ),
    pageSize: r.integer(
      `${P}_PAGE_SIZE`,
      defaults.pageSize,
      1,
      100,
      `${label} page size (\`limit\`).`,
    ),
    rateLimit: Object.freeze(
      r.rate(
        `${P}_RATE_LIMIT`,
        defaults.rateLimit,
        `${label} request budget per process (rolling window).`,
      ),
    ),
    throttleWaitMs: r.duration(
      `${P}_THROTTLE_WAIT`,
      defaults.throttleWait,
      0,
      `Wait after a ${label} throttling answer without \`Retry-After\`.`,
    ),
    startDate: devStart(
      r.startDate(
        `${P}_START_DATE`,
        "90d",
        id,
        `Where the first ${label} backfill starts (data begins ${dataBegins}); the default ` +
          "fits a free-tier database. Unset with the embedded database: DEV_FIRST_SYNC_SPAN.",
      ),
      r.isSet(`${P}_START_DATE`) ? null : devSpanMs,
    ),
  };
  if (source.overlapMs >= source.windowMs) {
    r.problems.push(
      `${P}_OVERLAP (${seconds(source.overlapMs)}) must be shorter than ${P}_WINDOW ` +
        `(${seconds(source.windowMs)}): consecutive windows would never move forward; expected ` +
        `an overlap such as ${defaults.overlap}, well under the window.`,
    );
  }
  return Object.freeze(source);
}

const seconds = (ms: number) => `${ms / 1000}s`;

/**
 * A source's start date with the embedded database when its `*_START_DATE` is unset: the
 * last `DEV_FIRST_SYNC_SPAN`, so a first local run reads days, not the default 90 days.
 */
function devStart(configured: StartDate, devSpanMs: number | null): StartDate {
  return devSpanMs === null ? configured : Object.freeze({ kind: "ago", ms: devSpanMs });
}

/**
 * Reads and validates every setting. Throws a {@linkcode ConfigError} listing every invalid
 * setting at once. The returned object is deeply frozen and prints without secrets. `now`
 * (epoch ms) is what start dates are checked against.
 *
 * @example
 * ```ts
 * const config = loadConfig(Deno.env.toObject());
 * ```
 */
export function loadConfig(env: Env, now: number = Date.now()): Config {
  const r = new Reader(env, now);
  const config = readAll(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return freezeWithoutSecrets(config);
}

/**
 * Every setting with its default and expected form, for the README table and error help.
 *
 * @example
 * ```ts
 * describeSettings().find((s) => s.name === "PORT")?.default; // "8000"
 * ```
 */
export function describeSettings(): readonly SettingDoc[] {
  const r = new Reader({}, Date.now());
  readAll(r);
  return r.docs;
}

function readAll(r: Reader): Config {
  const mongodbUri = r.string(
    "MONGODB_URI",
    null,
    "MongoDB connection string (secret). Unset: an embedded in-memory jongodb (local only).",
  );
  if (mongodbUri !== null && !/^mongodb(\+srv)?:\/\/[^\s]+$/.test(mongodbUri)) {
    // the value is a secret: name the setting and the form, never echo it
    r.problems.push("MONGODB_URI is invalid: expected mongodb://… or mongodb+srv://….");
  }
  const mongodbDb = r.string("MONGODB_DB", "procurement", "Database name.")!;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(mongodbDb)) {
    r.problems.push(
      `MONGODB_DB=${JSON.stringify(mongodbDb)} is invalid: expected 1–63 letters, digits, _ or -.`,
    );
  }
  const platform = readPlatform(r.env);
  const devSpanMs = r.duration(
    "DEV_FIRST_SYNC_SPAN",
    "3d",
    0,
    "Embedded database only (never with MONGODB_URI or on Deploy): sync this recent span at " +
      "start-up, so data appears within minutes; 0 turns it off.",
  );
  const devFirstSync = mongodbUri === null && !platform.deploy && devSpanMs > 0
    ? Object.freeze({ spanMs: devSpanMs })
    : null;
  const config: Config = {
    mongodbUri,
    mongodbDb,
    mongodbTimeouts: Object.freeze({
      serverSelectionMs: r.duration(
        "MONGODB_SERVER_SELECTION_TIMEOUT",
        "30s",
        1_000,
        "How long sync work waits for a usable MongoDB server (longer than a replica-set " +
          "election, about 12 s); the start-up ping waits 5 s.",
      ),
      operationMs: r.duration(
        "MONGODB_OPERATION_TIMEOUT",
        "60s",
        1_000,
        "How long one MongoDB operation may go without an answer before it fails.",
      ),
    }),
    storageLimitBytes: r.size(
      "STORAGE_LIMIT",
      "512MB",
      1024 ** 2,
      1024 ** 5,
      "Storage the database may use (Atlas M0: 512MB); /status and the dashboard warn at 80 %.",
    ),
    retention: Object.freeze(
      Object.fromEntries(
        RETENTION_RULES.map((rule) => [
          rule.setting,
          r.optionalDuration(rule.setting, 86_400_000, rule.description),
        ]),
      ) as Record<RetentionSetting, number | null>,
    ),
    logLevel: r.oneOf("LOG_LEVEL", LOG_LEVELS, "info", "Minimum log level."),
    logFormat: r.oneOf(
      "LOG_FORMAT",
      LOG_FORMATS,
      "auto",
      "Log lines: pretty (coloured, for a terminal), json (one object per line) or auto " +
        "(pretty on a terminal; json otherwise and on Deploy).",
    ),
    port: r.integer("PORT", 8000, 0, 65535, "HTTP port (0 picks a free one)."),
    httpTimeoutMs: r.duration("HTTP_TIMEOUT", "30s", 1, "Timeout of each request to a source."),
    httpMaxAttempts: r.integer(
      "HTTP_MAX_ATTEMPTS",
      5,
      1,
      20,
      "Attempts per source request (first try included) on throttling, 5xx and network errors.",
    ),
    httpRetryBaseMs: r.duration(
      "HTTP_RETRY_BASE",
      "2s",
      0,
      "First wait before retrying a source request after a 5xx, network error or timeout; " +
        "doubles per attempt (with jitter, at most 5 min).",
    ),
    httpMaxBodyBytes: r.size(
      "HTTP_MAX_BODY_BYTES",
      "32MB",
      65_536,
      256 * 1_048_576,
      "Largest source response read; a larger page is asked again with a smaller limit, and " +
        "a release that alone is larger is quarantined (its start kept).",
    ),
    httpMaxRetryAfterMs: r.duration(
      "HTTP_MAX_RETRY_AFTER",
      "1h",
      1_000,
      "Longest Retry-After honoured; a longer one is cut to this, and the source shows as " +
        "throttled until then.",
    ),
    sources: Object.freeze(
      Object.fromEntries(
        SOURCE_IDS.map((id) => [id, readSource(r, id, devFirstSync?.spanMs ?? null)]),
      ) as Record<SourceId, SourceConfig>,
    ),
    sync: Object.freeze({
      sources: r.sourceList("SYNC_SOURCES", "fts,cf", "Sources the cron syncs (comma-separated)."),
      budgetMs: r.duration(
        "SYNC_BUDGET",
        "10m",
        1_000,
        "Time budget of one source's run; the run stops after the page in flight.",
      ),
      maxPages: r.integer("SYNC_MAX_PAGES", 0, 0, 1_000_000, "Page limit of one run (0: none)."),
      leaseTtlMs: r.duration(
        "SYNC_LEASE_TTL",
        "5m",
        1_000,
        "Lease time to live; renewed after every page and while a source waits, taken over " +
          "only once expired.",
      ),
      lookbackMs: r.duration(
        "SYNC_LOOKBACK",
        "2h",
        0,
        "How far before the watermark an incremental run reads again (late releases).",
      ),
      runsKept: r.integer("SYNC_RUNS_KEPT", 500, 1, 100_000, "Runs kept in sync_runs per source."),
      keepRawReleases: r.boolean(
        "KEEP_RAW_RELEASES",
        true,
        "Keep every release read, compressed, in the releases collection (re-mapping without " +
          "re-fetching); false for tiny databases.",
      ),
      remapBudgetMs: r.duration(
        "REMAP_BUDGET",
        "2m",
        1_000,
        "Time each cron tick spends re-mapping stored releases after a mapping change.",
      ),
    }),
    kvPath: r.string("KV_PATH", null, "Deno KV database file; unset: Deno's default KV."),
    cron: readCron(r),
    triggerToken: r.secret(
      "SYNC_TRIGGER_TOKEN",
      16,
      "Bearer token of POST /sync, /backfill and /quarantine/retry (secret). Unset: disabled.",
    ),
    api: Object.freeze({
      readToken: r.secret(
        "API_READ_TOKEN",
        16,
        "Bearer token the read API /api/v1 requires (secret). Unset: the API is public.",
      ),
      corsOrigin: readCorsOrigin(r),
    }),
    finishedBackfillsShownMs: r.duration(
      "STATUS_FINISHED_BACKFILLS_FOR",
      "7d",
      0,
      "How long a finished range backfill stays listed on /status and the dashboard.",
    ),
    platform,
    devFirstSync,
  };
  if (["admin", "local", "config"].includes(mongodbDb.toLowerCase())) {
    r.problems.push(
      `MONGODB_DB=${JSON.stringify(mongodbDb)} is not allowed: admin, local and config are ` +
        "MongoDB's own databases; choose another name, e.g. procurement.",
    );
  }
  if (config.sync.remapBudgetMs > config.cron.intervalMs / 2) {
    const { remapBudgetMs } = config.sync, { schedule, intervalMs } = config.cron;
    r.problems.push(
      `REMAP_BUDGET (${remapBudgetMs / 1000}s) is too long for SYNC_CRON="${schedule}": the ` +
        `background re-mapping runs after the sync in each tick; set REMAP_BUDGET to at most ` +
        `${intervalMs / 2000}s.`,
    );
  }
  if (config.sync.budgetMs > config.cron.intervalMs / 2) {
    const { budgetMs } = config.sync, { schedule, intervalMs } = config.cron;
    r.problems.push(
      `SYNC_BUDGET (${budgetMs / 1000}s) is too long for SYNC_CRON="${schedule}": a run must ` +
        `fit well inside the ${intervalMs / 1000}s between ticks; set SYNC_BUDGET to at most ` +
        `${intervalMs / 2000}s or run the cron less often.`,
    );
  }
  return config;
}

/** A platform value: short, printable, or absent (the environment is untrusted like any input). */
function platformValue(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value && value.length <= 200 && /^[\x21-\x7e]+$/.test(value) ? value : null;
}

function readPlatform(env: Env): Platform {
  const deploymentId = platformValue(env, "DENO_DEPLOYMENT_ID");
  return Object.freeze({
    deploy: deploymentId !== null || platformValue(env, "DENO_DEPLOY") === "true",
    deploymentId,
    timeline: platformValue(env, "DENO_TIMELINE"),
  });
}

function readCron(r: Reader): CronConfig {
  const schedule = r.cron(
    "SYNC_CRON",
    "0 * * * *",
    "When the cron runs the sync (UTC); SYNC_BUDGET must be at most half its interval.",
  );
  const intervalMs = cronIntervalMs(parseCron(schedule)!);
  return Object.freeze({
    schedule,
    intervalMs,
    onStart: r.boolean(
      "SYNC_ON_START",
      false,
      "Run the sync once right after start-up (local development and the demo).",
    ),
  });
}

function readCorsOrigin(r: Reader): string | null {
  const raw = r.string(
    "API_CORS_ORIGIN",
    "*",
    "Access-Control-Allow-Origin of /api/v1 GET answers: *, one origin, or none.",
  )!;
  if (raw === "*") return "*";
  if (raw.toLowerCase() === "none") return null;
  try {
    const url = new URL(raw);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin === raw) return raw;
  } catch {
    // not a URL: reported below
  }
  r.problems.push(
    `API_CORS_ORIGIN=${JSON.stringify(raw)} is invalid: expected *, none, or an origin such ` +
      "as https://example.org (no path, no trailing slash).",
  );
  return "*";
}

/** Replaces the credentials of a MongoDB URI: `mongodb://***@host/db`. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/i, "$1***@");
}

function freezeWithoutSecrets(config: Config): Config {
  const printable = () => ({
    ...config,
    mongodbUri: config.mongodbUri === null ? null : redactUri(config.mongodbUri),
    triggerToken: config.triggerToken === null ? null : "***",
    api: { ...config.api, readToken: config.api.readToken === null ? null : "***" },
  });
  Object.defineProperty(config, "toJSON", { value: printable, enumerable: false });
  Object.defineProperty(config, Symbol.for("Deno.customInspect"), {
    value: (inspect: (v: unknown, o: unknown) => string, options: unknown) =>
      inspect(printable(), options),
    enumerable: false,
  });
  return Object.freeze(config);
}
