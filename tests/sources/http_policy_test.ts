/**
 * The HTTP policy through a real source against the replay server: retries, waits,
 * Retry-After, throttling pages, timeouts, resets, the deadline and the shared budget.
 */
import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertMatch,
  assertRejects,
} from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { createCfSource, createFtsSource, SourceError } from "../../src/sources/mod.ts";
import type { Position } from "../../src/sources/source.ts";
import { syntheticReleases } from "../support/replay_data.ts";
import { type LoggedRequest, startReplayServer } from "../support/replay_server.ts";
import { expectKind, testConfig } from "./helpers.ts";

const START = Date.parse("2026-11-02T00:00:00Z");
const FROM = new Date("2026-11-01T00:00:00Z");
const TO = new Date("2026-11-01T06:00:00Z");
const position: Position = { window: { from: FROM, to: TO }, cursor: null };
const FAR = Number.MAX_SAFE_INTEGER;

function setup(env: Record<string, string> = {}) {
  const clock = manualClock(START);
  const server = startReplayServer({ clock });
  server.setReleases("fts", syntheticReleases("fts", 30, { from: FROM, to: TO, seed: 3 }));
  server.setReleases("cf", syntheticReleases("cf", 30, { from: FROM, to: TO, seed: 3 }));
  const config = testConfig(server.url, { FTS_PAGE_SIZE: "10", CF_PAGE_SIZE: "10", ...env });
  const deps = { clock, random: () => 0 };
  return { clock, server, fts: createFtsSource(config, deps), cf: createCfSource(config, deps) };
}

const gaps = (log: readonly LoggedRequest[]) => log.slice(1).map((r, i) => r.time - log[i].time);

Deno.test("policy: 429 with Retry-After in seconds waits exactly that long", async () => {
  const { server, fts } = setup();
  await using _ = server;
  server.inject({ fault: { kind: "status", status: 429, retryAfter: "7" } });
  const page = expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(page.releases.length, 10);
  assertEquals(gaps(server.log), [7_000]);
  assertEquals(page.cost, { requests: 2, retries: 1, waitedMs: 7_000, bytes: page.cost.bytes });
});

Deno.test("policy: Retry-After as an HTTP date", async () => {
  const { server, fts, clock } = setup();
  await using _ = server;
  const at = new Date(clock.now() + 42_000).toUTCString();
  server.inject({ fault: { kind: "status", status: 503, retryAfter: at } });
  expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(gaps(server.log), [42_000]);
});

Deno.test("policy: 429 without Retry-After waits the throttle wait, growing", async () => {
  const { server, fts } = setup({ FTS_THROTTLE_WAIT: "30s" });
  await using _ = server;
  server.inject({ fault: { kind: "status", status: 429 }, times: 2 });
  const page = expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(gaps(server.log), [30_000, 60_000]);
  assertEquals(page.cost.retries, 2);
  assertEquals(page.cost.waitedMs, 90_000);
});

Deno.test("policy: CF's 403 HTML page is throttling (5 min default), a 403 JSON is not", async () => {
  const { server, cf } = setup();
  await using _ = server;
  server.inject({ fault: { kind: "throttle-html" } });
  expectKind(await cf.fetchPage(position, FAR), "page");
  assertEquals(gaps(server.log), [300_000]);
});

Deno.test("policy: CF's emulated rate limit is ridden out", async () => {
  const { server, cf } = setup({ CF_THROTTLE_WAIT: "1m" });
  await using _ = server;
  server.setRateLimit("cf", { requests: 2, perMs: 60_000 });
  for (let i = 0; i < 3; i++) expectKind(await cf.fetchPage(position, FAR), "page");
  const limited = server.log.filter((r) => r.limited);
  assertEquals(limited.length, 1);
  assertEquals(limited[0].status, 403);
  assertEquals(server.log.filter((r) => r.status === 200).length, 3);
});

Deno.test("policy: 500, 502, 503 and 504 are retried with growing backoff", async () => {
  const { server, fts } = setup({ HTTP_RETRY_BASE: "1s", HTTP_MAX_ATTEMPTS: "5" });
  await using _ = server;
  for (const status of [500, 502, 503, 504]) server.inject({ fault: { kind: "status", status } });
  const page = expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(page.releases.length, 10);
  // equal jitter with random() = 0: half of 1 s, 2 s, 4 s, 8 s
  assertEquals(gaps(server.log), [500, 1_000, 2_000, 4_000]);
});

Deno.test("policy: no attempts left → a SourceError saying what failed and what next", async () => {
  const { server, fts } = setup({ HTTP_MAX_ATTEMPTS: "3" });
  await using _ = server;
  server.inject({ fault: { kind: "status", status: 502 }, times: 3 });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "http");
  assertEquals(error.status, 502);
  assertEquals(error.source, "fts");
  assertEquals(error.position, position);
  assertMatch(
    error.message,
    /^fts: GET \/api\/1\.0\/ocdsReleasePackages failed 3 times, last: HTTP 502/,
  );
  assertMatch(error.message, /window 2026-11-01T00:00:00Z–2026-11-01T06:00:00Z, first page/);
  assertMatch(error.message, /next run resumes from the same position/);
  assertEquals(server.log.length, 3);
});

Deno.test("policy: still throttled after every attempt → kind throttled", async () => {
  const { server, fts } = setup({ HTTP_MAX_ATTEMPTS: "2" });
  await using _ = server;
  server.inject({ fault: { kind: "status", status: 429 }, times: 2 });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "throttled");
});

Deno.test("policy: other 4xx fail at once with the status and a body excerpt", async () => {
  const { server, fts } = setup();
  await using _ = server;
  server.inject({ fault: { kind: "status", status: 404 } });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "http");
  assertEquals(error.status, 404);
  assertMatch(error.message, /HTTP 404: 404 Error upstream trouble/);
  assertEquals(server.log.length, 1);
});

Deno.test("policy: a slow answer times out and is retried", async () => {
  const { server, fts } = setup({ HTTP_TIMEOUT: "150ms" });
  await using _ = server;
  server.inject({ fault: { kind: "slow", delayMs: 1_000 } });
  const page = expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(page.releases.length, 10);
  assertEquals(page.cost.retries, 1);
});

Deno.test("policy: timeouts on every attempt → kind timeout", async () => {
  const { server, fts } = setup({ HTTP_TIMEOUT: "100ms", HTTP_MAX_ATTEMPTS: "2" });
  await using _ = server;
  server.inject({ fault: { kind: "slow", delayMs: 1_000 }, times: 2 });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "timeout");
});

Deno.test("policy: a connection reset mid-body is retried", async () => {
  const { server, fts } = setup();
  await using _ = server;
  server.inject({ fault: { kind: "reset" } });
  const page = expectKind(await fts.fetchPage(position, FAR), "page");
  assertEquals(page.releases.length, 10);
  assertEquals(page.cost.retries, 1);
  assertEquals(server.log[0].status, 0);
});

Deno.test("policy: a connection refused → kind network after every attempt", async () => {
  const { server, clock } = setup({ HTTP_MAX_ATTEMPTS: "2" });
  await server.close(); // nothing listens there any more
  const fts = createFtsSource(testConfig(server.url, { HTTP_MAX_ATTEMPTS: "2" }), { clock });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "network");
});

Deno.test("policy: never starts a wait that would pass the deadline", async (t) => {
  await t.step(
    "throttled without Retry-After, 10 s left → out-of-time after one request",
    async () => {
      const { server, fts, clock } = setup();
      await using _ = server;
      server.inject({ fault: { kind: "status", status: 429 } });
      const result = await fts.fetchPage(position, clock.now() + 10_000);
      assertEquals(result.kind, "out-of-time");
      assertEquals(result.cost.requests, 1);
      assertEquals(result.cost.waitedMs, 0);
      assertEquals(server.log.length, 1);
    },
  );

  await t.step("the budget is spent and the next slot is after the deadline", async () => {
    const { server, fts, clock } = setup();
    await using _ = server;
    for (let i = 0; i < 12; i++) expectKind(await fts.fetchPage(position, FAR), "page");
    const result = await fts.fetchPage(position, clock.now() + 60_000);
    assertEquals(result.kind, "out-of-time");
    assertEquals(server.log.length, 12);
  });

  await t.step("a deadline already passed → out-of-time without a request", async () => {
    const { server, fts, clock } = setup();
    await using _ = server;
    assertEquals((await fts.fetchPage(position, clock.now() - 1)).kind, "out-of-time");
    assertEquals(server.log.length, 0);
  });
});

Deno.test("policy: concurrent callers share the FTS budget (12 per rolling window)", async () => {
  // Real time, scaled down (12 per 1.2 s): a virtual clock that jumps while requests are in
  // flight would stamp early requests with a late arrival time at the server.
  const rate = { requests: 12, perMs: 1_200 };
  await using server = startReplayServer({ rateLimit: { fts: rate } });
  server.setReleases("fts", syntheticReleases("fts", 30, { from: FROM, to: TO, seed: 3 }));
  const config = testConfig(server.url, { FTS_PAGE_SIZE: "1", FTS_RATE_LIMIT: "12/1200ms" });
  // two separate source objects in one process: they must share one budget
  const a = createFtsSource(config);
  const b = createFtsSource(config);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).fetchPage(position, FAR)),
  );
  assertEquals(server.log.filter((r) => r.limited).length, 0);
  for (const r of server.log) {
    const inWindow = server.log.filter((o) => o.time > r.time - rate.perMs && o.time <= r.time);
    assert(inWindow.length <= 12, `${inWindow.length} requests in 1.2 s before ${r.time}`);
  }
  assertEquals(server.log.length, 20);
  assertGreaterOrEqual(server.log.at(-1)!.time - server.log[0].time, rate.perMs);
});
