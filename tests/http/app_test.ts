import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../src/config.ts";
import { createApp } from "../../src/http/app.ts";
import { recentRuns } from "../../src/db/runs.ts";
import { acquireLease, releaseLease } from "../../src/sync/lease.ts";
import { mongoTest, usingJongodb } from "../support/mongo.ts";
import { startHarness, TOKEN } from "./harness.ts";

const post = { method: "POST" };

mongoTest("GET /health answers at once, even before the database is ready", async () => {
  const config = loadConfig({});
  const app = createApp({ config, ready: () => new Promise(() => {}), readyTimeoutMs: 50 });
  const res = await app.handler(new Request("http://x/health"));
  assertEquals(res.status, 200);
  assertEquals(await res.json(), { ok: true });
  const status = await app.handler(new Request("http://x/status"));
  assertEquals(status.status, 503);
  assertStringIncludes((await status.json()).error, "database is not ready");
  assertEquals(status.headers.get("retry-after"), "5");
});

Deno.test("a path ending in 100,000 slashes is read in one pass", async () => {
  const app = createApp({ config: loadConfig({}), ready: () => new Promise(() => {}) });
  const slashes = "/".repeat(100_000);
  const res = await app.handler(new Request(`http://x/health${slashes}`));
  assertEquals(res.status, 200, "the trailing slashes are dropped");
  assertEquals(await res.json(), { ok: true });
  const inside = await app.handler(new Request(`http://x/health${slashes}x`));
  assertEquals(inside.status, 404, "slashes inside a path are not trimmed");
  await inside.body?.cancel();
});

mongoTest("unknown routes answer 404 and wrong methods 405 with Allow", async (db) => {
  await using h = await startHarness({ db });
  const missing = await h.fetch("/nope");
  assertEquals(missing.status, 404);
  const said = (await missing.json()).error;
  assertStringIncludes(said, "No such route. The routes are: GET /health");
  assert(!said.includes("/nope"), "the path asked for is never echoed");
  const wrong = await h.fetch("/sync");
  assertEquals(wrong.status, 405);
  assertEquals(wrong.headers.get("allow"), "POST");
  assertEquals((await h.fetch("/status", post)).status, 405);
});

mongoTest("POST routes: 401 without or with a wrong token, in any form", async (db) => {
  await using h = await startHarness({ db });
  for (const path of ["/sync", "/backfill?source=fts&from=2026-01-01", "/quarantine/retry"]) {
    const none = await h.fetch(path, post);
    assertEquals(none.status, 401, path);
    assertStringIncludes((await none.json()).error, "Missing bearer token");
    assertMatch(none.headers.get("www-authenticate") ?? "", /^Bearer /);
    const wrong = await h.fetch(path, { ...post, token: `${TOKEN}x` });
    assertEquals(wrong.status, 401, path);
    assertStringIncludes((await wrong.json()).error, "Wrong bearer token");
    const basic = await h.fetch(path, { ...post, headers: { authorization: `Basic ${TOKEN}` } });
    assertEquals(basic.status, 401, path);
  }
  assertEquals((await recentRuns(h.db, "fts", 10)).length, 0, "nothing ran");
});

mongoTest("POST routes are disabled, and say so, when no token is configured", async (db) => {
  await using h = await startHarness({ db, token: null });
  for (const path of ["/sync", "/backfill", "/quarantine/retry"]) {
    const res = await h.fetch(path, { ...post, token: "anything-at-all-really" });
    assertEquals(res.status, 403, path);
    assertStringIncludes((await res.json()).error, "SYNC_TRIGGER_TOKEN is not set");
  }
});

mongoTest("POST /sync: 202 with run ids, the runs happen in the background", async (db) => {
  await using h = await startHarness({ db });
  const res = await h.fetch("/sync", { ...post, token: TOKEN });
  assertEquals(res.status, 202);
  const body = await res.json();
  assertEquals(body.runs.map((r: { source: string }) => r.source), ["fts", "cf"]);
  assertEquals(body.runId, body.runs[0].runId);
  await h.app.idle();
  for (const run of body.runs) {
    const rec = await h.fetch(`/runs/${run.runId}`);
    assertEquals(rec.status, 200);
    const doc = await rec.json();
    assertEquals([doc.outcome, doc.trigger], ["caught-up", "manual"]);
    assert(doc.inserted > 0, "stored notices");
  }
  assertEquals((await h.fetch("/runs/00000000-0000-4000-8000-000000000000")).status, 404);
  const one = await h.fetch("/sync?source=cf", { ...post, token: TOKEN });
  assertEquals(one.status, 202);
  assertEquals((await one.json()).runs.length, 1);
});

mongoTest("POST /sync and /backfill answer 409 while the source's lease is held", async (db) => {
  await using h = await startHarness({ db });
  const got = await acquireLease(h.kv, "fts", {
    owner: "other-instance-run",
    ttlMs: 60_000,
    now: Date.now(),
  });
  if (!got.ok) throw new Error("the test could not take the lease");
  for (const path of ["/sync", "/sync?source=fts", "/backfill?source=fts&from=2026-11-01"]) {
    const res = await h.fetch(path, { ...post, token: TOKEN });
    assertEquals(res.status, 409, path);
    const { error } = await res.json();
    assertStringIncludes(error, "The fts lease is held by run other-instance-run");
    assertStringIncludes(error, "Nothing was started");
  }
  assertEquals((await recentRuns(h.db, "cf", 10)).length, 0, "cf was not started either");
  await releaseLease(h.kv, got.lease);
  assertEquals((await h.fetch("/sync?source=fts", { ...post, token: TOKEN })).status, 202);
});

mongoTest("a second POST /sync while the first still runs here answers 409", async (db) => {
  await using h = await startHarness({ db });
  h.replay.inject({ fault: { kind: "slow", delayMs: 300 }, source: "cf" });
  const first = await h.fetch("/sync?source=cf", { ...post, token: TOKEN });
  assertEquals(first.status, 202);
  const { runId } = await first.json();
  const running = await h.fetch(`/runs/${runId}`);
  assertEquals(running.status, 202);
  assertEquals((await running.json()).state, "running");
  const second = await h.fetch("/sync?source=cf", { ...post, token: TOKEN });
  assertEquals(second.status, 409);
  await h.app.idle();
  assertEquals((await h.fetch(`/runs/${runId}`)).status, 200);
});

mongoTest("POST /backfill: 202, runs the range in its own stream", async (db) => {
  await using h = await startHarness({ db });
  const from = new Date(Date.now() - 4 * 86_400_000).toISOString().slice(0, 10);
  const res = await h.fetch(`/backfill?source=cf&from=${from}`, { ...post, token: TOKEN });
  assertEquals(res.status, 202);
  const body = await res.json();
  assertEquals(body.runs[0].range.from, `${from}T00:00:00.000Z`);
  await h.app.idle();
  const run = await (await h.fetch(`/runs/${body.runId}`)).json();
  assertEquals(run.outcome, "caught-up");
  assertStringIncludes(run.streamId, "cf:range:");
  const status = await (await h.fetch("/status")).json();
  const cf = status.sources.find((s: { source: string }) => s.source === "cf");
  assertEquals(cf.backfills.length, 1);
  assertEquals(cf.backfills[0].progress, 1);
  assertEquals(cf.main, null, "the main stream was left alone");
});

mongoTest(
  "POST /backfill and /sync: 400 for bad parameters, saying what is expected",
  async (db) => {
    await using h = await startHarness({ db });
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const cases: [string, string][] = [
      ["/backfill?from=2026-01-01", "source is required"],
      ["/backfill?source=ted&from=2026-01-01", "source must be fts or cf"],
      ["/backfill?source=fts", "from is required"],
      ["/backfill?source=fts&from=yesterday", "from must be a date such as 2026-01-01"],
      ["/backfill?source=fts&from=2026-02-30", "from must be a date"],
      ["/backfill?source=fts&from=2026-03-01&to=2026-02-01", "from must be before to"],
      [`/backfill?source=fts&from=2026-01-01&to=${future}`, "to must not be in the future"],
      ["/backfill?source=fts&from=2019-01-01", "fts data begins 2021-01-01"],
      ["/backfill?source=fts&from=2026-01-01&limit=5", 'Unknown parameter "limit"'],
      ["/sync?source=everything", "source must be fts, cf or all"],
      ["/sync?sources=fts", 'Unknown parameter "sources"'],
      ["/quarantine/retry?limit=0", "limit must be an integer from 1 to 10000"],
      ["/quarantine/retry?source=x", "source must be"],
    ];
    for (const [path, message] of cases) {
      const res = await h.fetch(path, { ...post, token: TOKEN });
      assertEquals(res.status, 400, path);
      assertStringIncludes((await res.json()).error, message, path);
    }
    assertEquals((await recentRuns(h.db, "fts", 10)).length, 0, "nothing ran");
  },
);

mongoTest(
  "GET /status: per source mode, window, watermark, lag, runs, lease, verdict",
  async (db) => {
    await using h = await startHarness({ db });
    const before = await (await h.fetch("/status")).json();
    // before the first cron tick is due: waiting, not lagging
    assertEquals(before.verdict, "waiting");
    assertStringIncludes(before.sources[0].reason, "no data yet — the first run is due at");
    await (await h.fetch("/sync", { ...post, token: TOKEN })).body?.cancel();
    await h.app.idle();
    const res = await h.fetch("/status");
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("cache-control"), "no-store");
    const status = await res.json();
    assertEquals(status.verdict, "ok");
    assertEquals(status.cron, { schedule: "0 * * * *", intervalSeconds: 3600 });
    assertEquals(status.storage.limitBytes, 512 * 1024 * 1024);
    if (usingJongodb()) {
      // jongodb has no dbStats: "unknown", and /status still answers
      assertEquals([status.storage.level, status.storage.usedBytes], ["unknown", null]);
    } else {
      assertEquals(status.storage.level, "ok");
      assert(status.storage.usedBytes > 0);
    }
    for (const s of status.sources) {
      assertEquals([s.verdict, s.mode, s.window, s.lease], ["ok", "incremental", null, null]);
      assertStringIncludes(s.reason, "caught up");
      assert(s.lagSeconds >= 0 && s.lagSeconds < 60, `lag ${s.lagSeconds}`);
      assertEquals(s.contracts, 40);
      assertEquals(s.quarantine, 0);
      assertEquals(s.runs.length, 1);
      assertEquals(s.runs[0].outcome, "caught-up");
      assert(s.runs[0].pages > 0 && s.runs[0].inserted === 40, JSON.stringify(s.runs[0]));
      assertEquals(s.main.progress, 1);
    }
  },
);

mongoTest("a failed run makes the source failing, with the error as the reason", async (db) => {
  await using h = await startHarness({ db, env: { HTTP_MAX_ATTEMPTS: "1" } });
  h.replay.inject({ fault: { kind: "status", status: 500 }, source: "cf", times: 5 });
  await (await h.fetch("/sync?source=cf", { ...post, token: TOKEN })).body?.cancel();
  await h.app.idle();
  const status = await (await h.fetch("/status")).json();
  const cf = status.sources.find((s: { source: string }) => s.source === "cf");
  assertEquals(cf.verdict, "failing");
  assertStringIncludes(cf.reason, "the last run failed");
  assertEquals(status.verdict, "failing");
  const page = await (await h.fetch("/")).text();
  assertStringIncludes(page, "Last error");
});

mongoTest("the dashboard escapes notice titles and sends a strict CSP", async (db) => {
  await using h = await startHarness({ db });
  await (await h.fetch("/sync", { ...post, token: TOKEN })).body?.cancel();
  await h.app.idle();
  const res = await h.fetch("/");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = res.headers.get("content-security-policy") ?? "";
  assertMatch(csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]{44}'; img-src data:;/);
  assertStringIncludes(csp, "frame-ancestors 'none'");
  assert(!csp.includes("unsafe"), csp);
  assertEquals(res.headers.get("x-frame-options"), "DENY");
  const page = await res.text();
  assert(!page.includes("<script"), "no script element, and the title's is escaped");
  assert(!page.includes("<img src=x"), "no injected element");
  assertStringIncludes(
    page,
    "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;",
  );
  assertStringIncludes(page, "Notices per day");
  assertMatch(page, /<div class="panel storage (unknown|ok)" id="storage"/);
  // the CSP hash is the hash of the page's one style block
  const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style));
  const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
  assertStringIncludes(csp, `'sha256-${hash}'`);
  assertEquals(page.match(/<style>/g)?.length, 1);
  assert(!/ style="/.test(page), "no style attributes (the CSP would block them)");
  assert(
    !/(src|href)="(https?:)?\/\/(?!www\.(find-tender|contractsfinder))/.test(page),
    "no external loads",
  );
});
