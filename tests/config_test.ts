import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  ConfigError,
  describeSettings,
  loadConfig,
  parseDuration,
  parseSize,
  redactUri,
} from "../src/config.ts";

Deno.test("defaults: an empty environment gives a complete, frozen config", () => {
  const config = loadConfig({});
  assertEquals(config.mongodbUri, null);
  assertEquals(config.mongodbDb, "procurement");
  assertEquals(config.logLevel, "info");
  assertEquals(config.port, 8000);
  assertEquals(config.sources.fts.windowMs, 6 * 3_600_000);
  assertEquals(config.sources.cf.windowMs, 15 * 86_400_000);
  assertEquals(config.sources.fts.rateLimit, { requests: 12, perMs: 120_000 });
  assertEquals(config.sources.fts.baseUrl, "https://www.find-tender.service.gov.uk");
  assert(Object.isFrozen(config) && Object.isFrozen(config.sources.fts));
});

Deno.test("every invalid setting is listed in one error, naming it and the expected form", () => {
  const error = assertThrows(
    () =>
      loadConfig({
        LOG_LEVEL: "loud",
        PORT: "80a",
        FTS_WINDOW: "6 hours",
        CF_BASE_URL: "https://example.org/path",
        FTS_RATE_LIMIT: "twelve",
      }),
    ConfigError,
  );
  assertEquals(error.problems.length, 5);
  assertStringIncludes(error.message, 'LOG_LEVEL="loud" is invalid: expected one of trace');
  assertStringIncludes(error.message, "PORT=");
  assertStringIncludes(error.message, "FTS_WINDOW=");
  assertStringIncludes(error.message, "CF_BASE_URL=");
  assertStringIncludes(error.message, "expected requests/period such as 12/120s");
});

Deno.test("an invalid MONGODB_URI is reported without echoing the secret", () => {
  const error = assertThrows(() => loadConfig({ MONGODB_URI: "http://u:hunter2@h" }), ConfigError);
  assertStringIncludes(error.message, "MONGODB_URI is invalid");
  assert(!error.message.includes("hunter2"));
});

Deno.test("the config prints and serialises without the MongoDB password", () => {
  const config = loadConfig({ MONGODB_URI: "mongodb+srv://app:hunter22@cluster0.example.net/db" });
  assertEquals(config.mongodbUri, "mongodb+srv://app:hunter22@cluster0.example.net/db");
  const printed = Deno.inspect(config, { depth: 5 });
  const json = JSON.stringify(config);
  for (const text of [printed, json]) {
    assert(!text.includes("hunter22"), text);
    assertStringIncludes(text, "mongodb+srv://***@cluster0.example.net/db");
  }
});

Deno.test("origins are normalised; a path, query or credentials are refused", () => {
  assertEquals(
    loadConfig({ FTS_BASE_URL: "http://127.0.0.1:9/" }).sources.fts.baseUrl,
    "http://127.0.0.1:9",
  );
  for (const bad of ["ftp://h", "http://h/api", "http://h?x=1", "http://u:p@h", "nonsense"]) {
    assertThrows(() => loadConfig({ FTS_BASE_URL: bad }), ConfigError, "FTS_BASE_URL");
  }
});

Deno.test("start dates accept a UTC date or a span before now", () => {
  const c = loadConfig({ FTS_START_DATE: "2021-01-01", CF_START_DATE: "30d" });
  assertEquals(c.sources.fts.startDate, { kind: "date", at: new Date("2021-01-01T00:00:00Z") });
  assertEquals(c.sources.cf.startDate, { kind: "ago", ms: 30 * 86_400_000 });
  assertThrows(() => loadConfig({ CF_START_DATE: "2021-13-45" }), ConfigError, "CF_START_DATE");
});

Deno.test("parseDuration reads units and refuses other text", () => {
  assertEquals(parseDuration("500ms"), 500);
  assertEquals(parseDuration("90s"), 90_000);
  assertEquals(parseDuration("1.5h"), 5_400_000);
  assertEquals(parseDuration("15d"), 1_296_000_000);
  assertEquals(parseDuration("15"), null);
  assertEquals(parseDuration("-1s"), null);
});

Deno.test("redactUri hides the whole userinfo part", () => {
  assertEquals(redactUri("mongodb://u:p@h:1/db?x=1"), "mongodb://***@h:1/db?x=1");
  assertEquals(redactUri("mongodb://h:1/db"), "mongodb://h:1/db");
});

Deno.test("describeSettings documents every variable once, with a default", () => {
  const names = describeSettings().map((s) => s.name);
  assertEquals(new Set(names).size, names.length);
  for (const n of ["MONGODB_URI", "MONGODB_DB", "LOG_LEVEL", "PORT", "FTS_BASE_URL", "CF_WINDOW"]) {
    assert(names.includes(n), n);
  }
});

Deno.test("SYNC_CRON: hourly by default; a 5-field expression; its interval must fit the budget", () => {
  const config = loadConfig({});
  assertEquals(config.cron, { schedule: "0 * * * *", intervalMs: 3_600_000, onStart: false });
  assertEquals(loadConfig({ SYNC_CRON: " */30  *  * * * " }).cron.schedule, "*/30 * * * *");
  const bad = assertThrows(() => loadConfig({ SYNC_CRON: "hourly" }), ConfigError);
  assertStringIncludes(bad.message, 'SYNC_CRON="hourly" is invalid (it has 1 fields, not 5)');
  assertStringIncludes(bad.message, "expected a 5-field cron");
  const tight = assertThrows(() => loadConfig({ SYNC_CRON: "*/10 * * * *" }), ConfigError);
  assertStringIncludes(tight.message, "SYNC_BUDGET (600s) is too long for SYNC_CRON=");
  assertStringIncludes(tight.message, "at most 300s");
  assertEquals(
    loadConfig({ SYNC_CRON: "*/10 * * * *", SYNC_BUDGET: "5m" }).cron.intervalMs,
    600_000,
  );
});

Deno.test("SYNC_TRIGGER_TOKEN is a secret: checked without echo, never printed", () => {
  assertEquals(loadConfig({}).triggerToken, null);
  const token = "a-long-random-token-42";
  const config = loadConfig({ SYNC_TRIGGER_TOKEN: token });
  assertEquals(config.triggerToken, token);
  assert(!JSON.stringify(config).includes(token));
  assert(!Deno.inspect(config, { depth: 5 }).includes(token));
  const short = assertThrows(() => loadConfig({ SYNC_TRIGGER_TOKEN: "short-secret" }), ConfigError);
  assertStringIncludes(short.message, "SYNC_TRIGGER_TOKEN is invalid: expected at least 16");
  assert(!short.message.includes("short-secret"));
});

Deno.test("SYNC_ON_START reads true/false forms and refuses others", () => {
  assertEquals(loadConfig({ SYNC_ON_START: "true" }).cron.onStart, true);
  assertEquals(loadConfig({ SYNC_ON_START: "1" }).cron.onStart, true);
  assertEquals(loadConfig({ SYNC_ON_START: "no" }).cron.onStart, false);
  const error = assertThrows(() => loadConfig({ SYNC_ON_START: "maybe" }), ConfigError);
  assertStringIncludes(error.message, 'SYNC_ON_START="maybe" is invalid: expected true or false');
});

Deno.test("settings that validated but could not work are refused, all in one ConfigError", () => {
  // Issue 11: each of these passed validation, then Deno panicked (InvalidCron), threw an
  // uncaught TypeError, every run failed with a RangeError, or /status said "ok" forever.
  const now = Date.parse("2026-11-24T12:00:00Z");
  const error = assertThrows(
    () =>
      loadConfig({
        SYNC_CRON: "0 0 31 2 *",
        FTS_WINDOW: "1h",
        FTS_OVERLAP: "2h",
        FTS_START_DATE: "9999-12-31",
        CF_START_DATE: "99999999d",
      }, now),
    ConfigError,
  );
  assertEquals(error.problems.length, 4, error.message);
  assertStringIncludes(error.message, 'SYNC_CRON="0 0 31 2 *" is invalid (it never fires');
  assertStringIncludes(
    error.message,
    "FTS_OVERLAP (7200s) must be shorter than FTS_WINDOW (3600s)",
  );
  assertStringIncludes(error.message, 'FTS_START_DATE="9999-12-31" is in the future');
  assertStringIncludes(error.message, 'CF_START_DATE="99999999d" reaches back before the cf data');
  assertStringIncludes(error.message, "at most 4710d today"); // 2014-01-01 → 2026-11-24
  const steps = assertThrows(() => loadConfig({ SYNC_CRON: "*/99 * * * *" }, now), ConfigError);
  assertStringIncludes(steps.message, "step outside 1-59");
});

Deno.test("start dates must lie between the data's beginning and now", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  const early = assertThrows(
    () => loadConfig({ FTS_START_DATE: "2020-12-31", CF_START_DATE: "2013-06-01" }, now),
    ConfigError,
  );
  assertEquals(early.problems.length, 2);
  assertStringIncludes(early.message, "expected 2021-01-01 or later");
  assertStringIncludes(early.message, "expected 2014-01-01 or later");
  assertThrows(() => loadConfig({ FTS_START_DATE: "2021-02-30" }, now), ConfigError, "FTS_START");
  const c = loadConfig({ FTS_START_DATE: "2021-01-01", CF_START_DATE: "2014-01-01T00:00" }, now);
  assertEquals(c.sources.cf.startDate, { kind: "date", at: new Date("2014-01-01T00:00:00Z") });
  assertEquals(loadConfig({ CF_START_DATE: "4710d" }, now).sources.cf.startDate.kind, "ago");
});

Deno.test("body and Retry-After limits: sizes and durations with defaults well under Deploy's", () => {
  const config = loadConfig({});
  assertEquals(config.httpMaxBodyBytes, 32 * 1_048_576);
  assertEquals(config.httpMaxRetryAfterMs, 3_600_000);
  assertEquals(config.finishedBackfillsShownMs, 7 * 86_400_000);
  assertEquals(loadConfig({ HTTP_MAX_BODY_BYTES: "512KB" }).httpMaxBodyBytes, 524_288);
  assertEquals(parseSize("2MB"), 2_097_152);
  assertEquals(parseSize("1e9"), null);
  const bad = assertThrows(() => loadConfig({ HTTP_MAX_BODY_BYTES: "600MB" }), ConfigError);
  assertStringIncludes(bad.message, 'HTTP_MAX_BODY_BYTES="600MB" is invalid: expected a size');
});

Deno.test("Deno Deploy is recognised by the variables it sets; they are not settings", () => {
  assertEquals(loadConfig({}).platform, { deploy: false, deploymentId: null, timeline: null });
  assertEquals(
    loadConfig({ DENO_DEPLOYMENT_ID: "abc123", DENO_TIMELINE: "production" }).platform,
    { deploy: true, deploymentId: "abc123", timeline: "production" },
  );
  assertEquals(loadConfig({ DENO_DEPLOY: "true" }).platform.deploy, true);
  // untrusted text: control characters or an absurd length read as absent
  assertEquals(loadConfig({ DENO_DEPLOYMENT_ID: "a\nb" }).platform.deploymentId, null);
  assertEquals(loadConfig({ DENO_TIMELINE: "x".repeat(201) }).platform.timeline, null);
  const names = describeSettings().map((s) => s.name);
  assert(!names.some((n) => n.startsWith("DENO_")), names.join());
});

Deno.test("MONGODB_DB may not be one of MongoDB's own databases", () => {
  for (const name of ["admin", "local", "CONFIG"]) {
    const error = assertThrows(() => loadConfig({ MONGODB_DB: name }), ConfigError);
    assertStringIncludes(error.message, `MONGODB_DB="${name}" is not allowed`);
  }
});

Deno.test("MongoDB timeouts, storage limit and RETAIN_* settings: defaults and forms", () => {
  const defaults = loadConfig({});
  assertEquals(defaults.mongodbTimeouts, { serverSelectionMs: 30_000, operationMs: 60_000 });
  assertEquals(defaults.storageLimitBytes, 512 * 1024 * 1024);
  assertEquals(defaults.retention, {
    RETAIN_NOTICES: null,
    RETAIN_RELEASES: null,
    RETAIN_QUARANTINE: null,
    RETAIN_RUNS: null,
  });
  const set = loadConfig({
    MONGODB_SERVER_SELECTION_TIMEOUT: "45s",
    MONGODB_OPERATION_TIMEOUT: "2m",
    STORAGE_LIMIT: "2 GB",
    RETAIN_NOTICES: "365d",
    RETAIN_QUARANTINE: "off",
  });
  assertEquals(set.mongodbTimeouts, { serverSelectionMs: 45_000, operationMs: 120_000 });
  assertEquals(set.storageLimitBytes, 2 * 1024 ** 3);
  assertEquals(set.retention.RETAIN_NOTICES, 365 * 86_400_000);
  assertEquals(set.retention.RETAIN_QUARANTINE, null);
  const error = assertThrows(
    () =>
      loadConfig({
        MONGODB_SERVER_SELECTION_TIMEOUT: "500ms",
        MONGODB_OPERATION_TIMEOUT: "soon",
        STORAGE_LIMIT: "512",
        RETAIN_NOTICES: "12h",
        RETAIN_RUNS: "forever",
      }),
    ConfigError,
  );
  assertEquals(error.problems.length, 5);
  for (
    const name of [
      "MONGODB_SERVER_SELECTION_TIMEOUT",
      "MONGODB_OPERATION_TIMEOUT",
      "STORAGE_LIMIT",
      "RETAIN_NOTICES",
      "RETAIN_RUNS",
    ]
  ) assertStringIncludes(error.message, `${name}=`);
  assertStringIncludes(error.message, "a size such as");
  assertStringIncludes(error.message, "(at least 1d), or off");
});

Deno.test("parseSize reads binary units and refuses anything else", () => {
  assertEquals(parseSize("512MB"), 512 * 1024 ** 2);
  assertEquals(parseSize("1.5 gib"), 1.5 * 1024 ** 3);
  assertEquals(parseSize("100KB"), 102_400);
  for (const bad of ["", "512", "MB", "-1MB", "1e3MB", "5 XB", "1".repeat(20) + "MB"]) {
    assertEquals(parseSize(bad), null, bad);
  }
});

Deno.test("DEV_FIRST_SYNC_SPAN: the embedded database's first sync reads 3 days; never elsewhere", () => {
  const now = Date.parse("2026-11-20T12:00:00Z");
  const days = (n: number) => ({ kind: "ago", ms: n * 86_400_000 });
  const embedded = loadConfig({}, now);
  assertEquals(embedded.devFirstSync, { spanMs: 3 * 86_400_000 });
  assertEquals(embedded.sources.fts.startDate, days(3));
  assertEquals(embedded.sources.cf.startDate, days(3));
  assertEquals(embedded.cron.onStart, false, "SYNC_ON_START keeps its own meaning");
  const chosen = loadConfig({ DEV_FIRST_SYNC_SPAN: "12h", CF_START_DATE: "10d" }, now);
  assertEquals(chosen.sources.fts.startDate, { kind: "ago", ms: 12 * 3_600_000 });
  assertEquals(chosen.sources.cf.startDate, days(10), "an explicit start date wins");
  for (const env of [{ MONGODB_URI: "mongodb://db.example.net/x" }, { DENO_DEPLOYMENT_ID: "d1" }]) {
    const config = loadConfig(env, now);
    assertEquals(config.devFirstSync, null, JSON.stringify(env));
    assertEquals(config.sources.fts.startDate, days(90), JSON.stringify(env));
  }
  const off = loadConfig({ DEV_FIRST_SYNC_SPAN: "0" }, now);
  assertEquals(off.devFirstSync, null);
  assertEquals(off.sources.cf.startDate, days(90));
  const bad = assertThrows(() => loadConfig({ DEV_FIRST_SYNC_SPAN: "soon" }), ConfigError);
  assertStringIncludes(bad.message, 'DEV_FIRST_SYNC_SPAN="soon" is invalid');
});

Deno.test("LOG_FORMAT: auto by default; pretty, json; anything else refused", () => {
  assertEquals(loadConfig({}).logFormat, "auto");
  assertEquals(loadConfig({ LOG_FORMAT: "Pretty" }).logFormat, "pretty");
  assertEquals(loadConfig({ LOG_FORMAT: "json" }).logFormat, "json");
  const bad = assertThrows(() => loadConfig({ LOG_FORMAT: "xml" }), ConfigError);
  assertStringIncludes(
    bad.message,
    'LOG_FORMAT="xml" is invalid: expected one of auto, pretty, json',
  );
});
