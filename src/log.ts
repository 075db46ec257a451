/**
 * Logging: LogTape writing to the console, one category per area, in one of two formats —
 * coloured lines for a person at a terminal (LogTape's ANSI formatter), or one JSON object
 * per line (what Deno Deploy's log view reads) — and a redaction step that no line of either
 * format can bypass.
 *
 * @example
 * ```ts
 * import { getLog, setupLogging } from "./log.ts";
 * setupLogging({ level: "info", secrets: ["s3cret"] });
 * getLog("sync").info("page stored", { pages: 1 });
 * ```
 * @module
 */
import {
  configureSync,
  getAnsiColorFormatter,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogRecord,
  resetSync,
  type Sink,
  type TextFormatter,
} from "@logtape/logtape";
import type { LogFormat, LogLevel } from "./config.ts";
import { capText, jsonVisible, visibleText } from "./text.ts";

/** The areas that log; each is a LogTape category under `procurement`. */
export type LogArea = "sync" | "sources" | "db" | "http" | "app";

const ROOT = "procurement";
const secrets = new Set<string>();

/** Longest error text kept for logs, run records and answers; longer ones end in `…`. */
export const ERROR_TEXT_MAX = 2_000;

/**
 * Removes credentials from any text: the `user:password@` part of every URI and every
 * registered secret (also in its URL-encoded and JSON-string forms). One pass over the text
 * per form: its cost grows linearly with the text, whatever the text holds (it runs on every
 * log line and every HTTP answer, which carry text from the internet).
 *
 * @example
 * ```ts
 * redact("mongodb://u:p@h/db"); // "mongodb://***@h/db"
 * ```
 */
export function redact(text: string): string {
  let out = redactUserinfo(text);
  for (const secret of secrets) {
    out = out.split(secret).join("***");
    // also the forms a secret takes inside a URL or a JSON string
    for (const form of [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (form !== secret) out = out.split(form).join("***");
    }
  }
  return out;
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isSchemeChar = (c: number) =>
  isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // digit + - .
const SPACE = /\s/;
/** Characters that end a URI's userinfo: whitespace, `/`, `@`, quotes and angle brackets. */
const endsUserinfo = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c === 47 || c === 64 || c === 34 || c === 39 || c === 60 || c === 62 || c <= 32 ||
    (c > 127 && SPACE.test(text[i]));
};

/**
 * `scheme://userinfo@` → `scheme://***@`, for every URI in the text (the scheme a letter then
 * letters, digits, `+`, `-`, `.`). A scan rather than a regular expression: a backtracking
 * pattern is quadratic on a long run of scheme characters, which anyone can send. Each
 * `://` is looked at once; the walks back (over scheme characters) and forward (over
 * userinfo) stop at the next `/` or `:`, so no character is visited more than a few times.
 */
function redactUserinfo(text: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const sep = text.indexOf("://", from);
    if (sep < 0) break;
    from = sep + 3;
    let start = sep;
    while (start > 0 && isSchemeChar(text.charCodeAt(start - 1))) start--;
    let letter = false;
    for (let k = start; k < sep && !letter; k++) letter = isLetter(text.charCodeAt(k));
    if (!letter) continue;
    let end = from;
    while (end < text.length && !endsUserinfo(text, end)) end++;
    if (end === from || text.charCodeAt(end) !== 64) continue; // no "@": no userinfo
    out += text.slice(copied, from) + "***";
    copied = end;
    from = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
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

/** The two line formats a sink writes; `auto` in `LOG_FORMAT` resolves to one of them. */
export type LineFormat = "pretty" | "json";

/**
 * The format `LOG_FORMAT` asks for, here: `auto` is pretty on a terminal and JSON otherwise
 * (a pipe, a file, a log collector) and always on Deno Deploy, whose log view reads JSON.
 *
 * @example
 * ```ts
 * resolveLogFormat("auto", { terminal: true, deploy: false }); // "pretty"
 * resolveLogFormat("auto", { terminal: true, deploy: true }); // "json"
 * ```
 */
export function resolveLogFormat(
  format: LogFormat,
  where: { readonly terminal: boolean; readonly deploy: boolean },
): LineFormat {
  if (format !== "auto") return format;
  return where.terminal && !where.deploy ? "pretty" : "json";
}

/**
 * LogTape's ANSI formatter (time, level in colour, category, message), or its plain text
 * one when colours are off (`NO_COLOR`). Properties stay out of pretty lines: messages are
 * whole sentences; the JSON format carries the data.
 */
function prettyFormatter(colour: boolean): TextFormatter {
  // the area alone (sync, db…): every category starts with the same root
  const options = {
    timestamp: "time",
    category: (c: readonly string[]) => c.at(-1) ?? "",
  } as const;
  return colour ? getAnsiColorFormatter(options) : getTextFormatter(options);
}

/**
 * The record with its message made safe for a terminal before LogTape colours it: redacted,
 * control and bidi characters made visible, line breaks included (a line break in text from
 * the internet could forge a log line). The escaping must happen before colouring, which
 * adds escape sequences of its own.
 */
function visibleRecord(record: LogRecord): LogRecord {
  const message = record.message.map((part) =>
    typeof part === "string"
      ? visibleText(redact(part), { carriageReturn: true }).replaceAll("\n", "\u2424")
      : part
  );
  return { ...record, message };
}

/** Options of {@linkcode redactingSink}. */
export interface SinkOptions {
  /**
   * The line format.
   * @default {"json"}
   */
  readonly format?: LineFormat;
  /**
   * Colours in pretty lines (off where `NO_COLOR` is set).
   * @default {true}
   */
  readonly colour?: boolean;
}

/**
 * A console sink that formats each record (JSON lines or pretty lines), redacts it and
 * escapes the characters a terminal or log viewer would act on (bidi controls, C0, C1);
 * `write` is injectable for tests.
 */
export function redactingSink(
  write: (line: string) => void = console.log,
  options: SinkOptions = {},
): Sink {
  if (options.format === "pretty") {
    const format = prettyFormatter(options.colour ?? true);
    // redacted again as a whole: a secret split across message parts is still caught
    return (record: LogRecord) => write(redact(format(visibleRecord(record)).trimEnd()));
  }
  return (record: LogRecord) => write(jsonVisible(redact(jsonLines(record).trimEnd())));
}

/** Options of {@linkcode setupLogging}. */
export interface LoggingOptions {
  readonly level: LogLevel;
  /**
   * Line format; `auto` is resolved by {@linkcode resolveLogFormat} against the console.
   * @default {"json"}
   */
  readonly format?: LogFormat;
  /**
   * Whether the process runs on Deno Deploy (`auto` then means JSON).
   * @default {false}
   */
  readonly deploy?: boolean;
  /** Extra values to redact (the MongoDB URI's password, tokens). */
  readonly secrets?: Iterable<string | null | undefined>;
  /**
   * Where lines go.
   *
   * @default {console.log}
   */
  readonly write?: (line: string) => void;
}

/**
 * Configures LogTape for the process (again on each call: tests reconfigure). Synchronous,
 * so main.ts can register its cron at top level without awaiting anything first.
 */
export function setupLogging(options: LoggingOptions): void {
  registerSecrets(options.secrets ?? []);
  const format = resolveLogFormat(options.format ?? "json", {
    terminal: Deno.stdout.isTerminal(),
    deploy: options.deploy ?? false,
  });
  resetSync();
  configureSync({
    sinks: { console: redactingSink(options.write, { format, colour: !Deno.noColor }) },
    loggers: [
      { category: [ROOT], lowestLevel: options.level, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
}

/** Data logged with a message, as the line's `properties`. */
export type LogProperties = Readonly<Record<string, unknown>>;

/**
 * The logger of one area. A message is always literal text, never a template: LogTape reads
 * `{name}` in a message as a placeholder, and messages carry text from the internet (FTS's
 * JSON 400 bodies, quarantine summaries). Data goes in `properties`.
 */
export interface Log {
  debug(message: string, properties?: LogProperties): void;
  info(message: string, properties?: LogProperties): void;
  warn(message: string, properties?: LogProperties): void;
  error(message: string, properties?: LogProperties): void;
  fatal(message: string, properties?: LogProperties): void;
}

/**
 * The logger of one area (see {@linkcode Log}).
 *
 * @example
 * ```ts
 * const ms = 30_000;
 * getLog("sources").warn(`fts: throttled; retrying in ${ms} ms`, { source: "fts", waitMs: ms });
 * ```
 */
export function getLog(area: LogArea): Log {
  const logger: Logger = getLogger([ROOT, area]);
  const at =
    (level: "debug" | "info" | "warn" | "error" | "fatal") =>
    (message: string, properties: LogProperties = {}) =>
      logger[level](literal(message), { ...properties });
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
  };
}

/** A message LogTape renders as written: its braces doubled, the template escape. */
function literal(message: string): string {
  return message.includes("{") || message.includes("}")
    ? message.replaceAll("{", "{{").replaceAll("}", "}}")
    : message;
}

/**
 * Text of any thrown value, redacted and capped at {@linkcode ERROR_TEXT_MAX} characters,
 * for logs, records and HTTP answers (redacted first, so a cut never leaves half a secret).
 *
 * @example
 * ```ts
 * errorText(new Error("boom")); // "Error: boom"
 * ```
 */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return capText(redact(text), ERROR_TEXT_MAX);
}
