/**
 * Logging: LogTape writing one JSON object per line to the console (what Deno Deploy's log
 * view reads), one category per area, and a redaction step that no line can bypass.
 *
 * @example
 * ```ts
 * import { getLog, setupLogging } from "./log.ts";
 * setupLogging({ level: "info", secrets: ["s3cret"] });
 * getLog("sync").info("page stored {pages}", { pages: 1 });
 * ```
 * @module
 */
import {
  configureSync,
  getJsonLinesFormatter,
  getLogger,
  type Logger,
  type LogRecord,
  resetSync,
  type Sink,
} from "@logtape/logtape";
import type { LogLevel } from "./config.ts";

/** The areas that log; each is a LogTape category under `procurement`. */
export type LogArea = "sync" | "sources" | "db" | "http" | "app";

const ROOT = "procurement";
const secrets = new Set<string>();

/**
 * Removes credentials from any text: the `user:password@` part of every URI and every
 * registered secret (also in its URL-encoded form).
 *
 * @example
 * ```ts
 * redact("mongodb://u:p@h/db"); // "mongodb://***@h/db"
 * ```
 */
export function redact(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, "$1***@");
  for (const secret of secrets) {
    out = out.split(secret).join("***");
    // also the forms a secret takes inside a URL or a JSON string
    for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (form !== secret) out = out.split(form).join("***");
    }
  }
  return out;
}

/**
 * Registers values that must never appear in a log line or an HTTP answer (a token, a
 * password). Values shorter than 4 characters are ignored: redacting them would mangle text.
 */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  for (const value of values) if (value && value.length >= 4) secrets.add(value);
}

/** The secrets a MongoDB URI carries: its password and the whole URI. */
export function secretsOfUri(uri: string | null): string[] {
  if (!uri) return [];
  const m = /^mongodb(?:\+srv)?:\/\/([^@/]*)@/.exec(uri);
  const password = m?.[1].split(":").slice(1).join(":");
  const found = [uri];
  if (password) {
    found.push(password);
    try {
      found.push(decodeURIComponent(password));
    } catch {
      // a malformed escape: the raw form registered above is what appears in text
    }
  }
  return found;
}

const jsonLines = getJsonLinesFormatter({ categorySeparator: ".", message: "rendered" });

/** A console sink that formats JSON lines and redacts them; `write` is injectable for tests. */
export function redactingSink(write: (line: string) => void = console.log): Sink {
  return (record: LogRecord) => write(redact(jsonLines(record).trimEnd()));
}

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  readonly level: LogLevel;
  /** Extra values to redact (the MongoDB URI's password, tokens). */
  readonly secrets?: Iterable<string | null | undefined>;
  /** Where lines go; `console.log` by default. */
  readonly write?: (line: string) => void;
}

/**
 * Configures LogTape for the process (again on each call: tests reconfigure). Synchronous,
 * so main.ts can register its cron at top level without awaiting anything first.
 */
export function setupLogging(options: LoggingOptions): void {
  registerSecrets(options.secrets ?? []);
  resetSync();
  configureSync({
    sinks: { console: redactingSink(options.write) },
    loggers: [
      { category: [ROOT], lowestLevel: options.level, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** The logger of one area. */
export function getLog(area: LogArea): Logger {
  return getLogger([ROOT, area]);
}

/** Text of any thrown value, redacted, for logs, records and HTTP answers. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redact(text);
}
