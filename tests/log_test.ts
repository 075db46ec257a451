import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  ERROR_TEXT_MAX,
  errorText,
  getLog,
  redact,
  redactingSink,
  registerSecrets,
  resolveLogFormat,
  secretsOfUri,
  setupLogging,
} from "../src/log.ts";

Deno.test("log lines are JSON with a per-area category, and never carry a secret", () => {
  const lines: string[] = [];
  const uri = "mongodb://app:pa%24%24word9@db.example.net:27017/x";
  setupLogging({
    level: "debug",
    secrets: [...secretsOfUri(uri), "tok-abcdef"],
    write: (l) => lines.push(l),
  });
  const log = getLog("db");
  log.info("connecting to " + uri);
  log.error("driver said {error}", { error: new Error(`auth failed for ${uri} with pa$$word9`) });
  getLog("http").warn("token was tok-abcdef");
  getLog("sync").debug("debug line");
  assertEquals(lines.length, 4);
  const parsed = lines.map((l) => JSON.parse(l));
  assertEquals(parsed[0].logger, "procurement.db");
  assertEquals(parsed[2].logger, "procurement.http");
  assertEquals(parsed[0].level, "INFO");
  for (const line of lines) {
    assert(!line.includes("pa$$word9") && !line.includes("pa%24%24word9"), line);
    assert(!line.includes("tok-abcdef"), line);
  }
  assertStringIncludes(lines[0], "mongodb://***@db.example.net:27017/x");
});

Deno.test("the level from config filters lower levels", () => {
  const lines: string[] = [];
  setupLogging({ level: "warning", write: (l) => lines.push(l) });
  getLog("sync").info("hidden");
  getLog("sync").warn("shown");
  assertEquals(lines.length, 1);
  assertStringIncludes(lines[0], "shown");
});

Deno.test("redact removes userinfo from any URI and registered secrets in JSON form", () => {
  registerSecrets(['se"cret-1']);
  assertEquals(redact("see https://user:pw@host/a"), "see https://***@host/a");
  assertEquals(redact(JSON.stringify({ t: 'se"cret-1' })), '{"t":"***"}');
});

Deno.test("messages are never templates: braces from upstream text are logged as written", () => {
  // Before issue 11, LogTape read {…} as placeholders: FTS's JSON 400 bodies and quarantine
  // summaries were logged as "undefined".
  const lines: string[] = [];
  setupLogging({ level: "info", write: (l) => lines.push(l) });
  const log = getLog("sources");
  log.warn('fts answered HTTP 400: {"a":1} and {source} and {{x}} and }{', { source: "fts" });
  log.info("{*}");
  const [warn, star] = lines.map((l) => JSON.parse(l));
  assertEquals(warn.message, 'fts answered HTTP 400: {"a":1} and {source} and {{x}} and }{');
  assertEquals(warn.properties, { source: "fts" }, "data goes in properties");
  assertEquals(star.message, "{*}");
});

Deno.test("log lines escape bidi controls and C1, so a line cannot reorder itself", () => {
  const lines: string[] = [];
  setupLogging({ level: "info", write: (l) => lines.push(l) });
  getLog("sync").info("title \u202Eevil\u202C and \u0085 and \u0007");
  for (const raw of ["\u202E", "\u202C", "\u0085", "\u0007"]) {
    assert(!lines[0].includes(raw), lines[0]);
  }
  assertEquals(JSON.parse(lines[0]).message, "title \u202Eevil\u202C and \u0085 and \u0007");
});

/** The redaction regex before issue 11: quadratic on long runs of scheme characters. */
const quadratic = (t: string) => t.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, "$1***@");

Deno.test("redact finds exactly what the old regex found, on 50,000 random texts", () => {
  const parts = [
    "a",
    "Z",
    "1",
    "+",
    ".",
    "-",
    ":",
    "/",
    "@",
    " ",
    '"',
    "<",
    "://",
    "u:p@",
    "\u00a0",
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < 50_000; i++) {
    let text = "";
    for (let n = Math.floor(random() * 24); n > 0; n--) {
      text += parts[Math.floor(random() * parts.length)];
    }
    assertEquals(redact(text), quadratic(text), JSON.stringify(text));
  }
});

Deno.test("redact is one pass: 64,000 letters, or 20,000 '://'-rich characters, at once", () => {
  // Before issue 11, 64,000 letters took 8.6 s (the bench has the before/after figures).
  for (const text of ["a".repeat(64_000), "a://".repeat(16_000), "x://" + "a:".repeat(32_000)]) {
    const started = performance.now();
    redact(text);
    const ms = performance.now() - started;
    assert(ms < 500, `${ms} ms for ${text.slice(0, 8)}…`);
  }
});

Deno.test("errorText caps a long error after redacting it", () => {
  registerSecrets(["cap-secret-1234"]);
  const text = errorText(new Error(`${"x".repeat(1_990)}cap-secret-1234${"y".repeat(5_000)}`));
  assertEquals(text.length, ERROR_TEXT_MAX);
  assert(text.endsWith("…") && !text.includes("cap-secret") && !text.includes("cap-sec"), text);
});

Deno.test("LOG_FORMAT auto: pretty on a terminal, JSON in a pipe and always on Deploy", () => {
  assertEquals(resolveLogFormat("auto", { terminal: true, deploy: false }), "pretty");
  assertEquals(resolveLogFormat("auto", { terminal: false, deploy: false }), "json");
  assertEquals(resolveLogFormat("auto", { terminal: true, deploy: true }), "json");
  assertEquals(resolveLogFormat("pretty", { terminal: false, deploy: true }), "pretty");
  assertEquals(resolveLogFormat("json", { terminal: true, deploy: false }), "json");
});

Deno.test("pretty lines: coloured level and area, redacted, controls and line breaks visible", () => {
  const lines: string[] = [];
  const uri = "mongodb://app:prettyPass77@db.example.net/x";
  registerSecrets([...secretsOfUri(uri), "tok-pretty-123"]);
  const write = (l: string) => lines.push(l);
  const sink = redactingSink(write, { format: "pretty", colour: true });
  const record = (message: string, level: "info" | "error" = "info") => ({
    category: ["procurement", "sync"],
    level,
    message: [message],
    rawMessage: message,
    timestamp: Date.parse("2026-11-20T10:11:12Z"),
    properties: { token: "tok-pretty-123" },
  });
  sink(record(`connecting to ${uri} with tok-pretty-123`));
  sink(record("title \u202Eevil\nINFO forged line \u001b[2J \u0007", "error"));
  assertEquals(lines.length, 2);
  assert(lines[0].includes("\u001b[32m"), "the info level is green");
  assert(lines[1].includes("\u001b[31m"), "the error level is red");
  assertStringIncludes(lines[0], "sync:");
  assertStringIncludes(lines[0], "connecting to mongodb://***@db.example.net/x with ***");
  assert(!lines.some((l) => l.includes("prettyPass77") || l.includes("tok-pretty-123")));
  assert(!lines[1].includes("\n") && !lines[1].includes("\u202E") && !lines[1].includes("\u0007"));
  assert(
    !lines[1].includes("\u001b[2J"),
    "escape sequences from the text never reach the terminal",
  );
  assertStringIncludes(lines[1], "evil\u2424INFO forged line");
  const plain: string[] = [];
  redactingSink((l) => plain.push(l), { format: "pretty", colour: false })(record("no colour"));
  assert(!plain[0].includes("\u001b"), plain[0]);
  assertStringIncludes(plain[0], "[INF] sync: no colour");
});

Deno.test("setupLogging writes pretty lines when asked, through the same redaction", () => {
  const lines: string[] = [];
  setupLogging({
    level: "info",
    format: "pretty",
    secrets: ["s3cret-pretty"],
    write: (l) => lines.push(l),
  });
  getLog("db").warn("password s3cret-pretty");
  assertEquals(lines.length, 1);
  assert(!lines[0].startsWith("{"), lines[0]);
  assertStringIncludes(lines[0], "db:");
  assertStringIncludes(lines[0], "password ***");
});
