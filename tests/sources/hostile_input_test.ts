/**
 * Upstream input is bounded (issue 11): bodies are read under HTTP_MAX_BODY_BYTES (never held
 * whole, narrowed like an unreadable page, a release that alone is too large quarantined),
 * `Retry-After` is cut to HTTP_MAX_RETRY_AFTER, error bodies and `links.next` are capped, and
 * a failed page still reports what it cost. Against the replay server, on a virtual clock.
 */
import { assert, assertEquals, assertLess, assertRejects, assertStringIncludes } from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { completeReleases } from "../../src/sources/body_reader.ts";
import { createCfSource, createFtsSource, SourceError } from "../../src/sources/mod.ts";
import type { Position } from "../../src/sources/source.ts";
import { syntheticReleases } from "../support/replay_data.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { expectKind, testConfig, walkWindow } from "./helpers.ts";

const START = Date.parse("2026-11-02T00:00:00Z");
const FROM = new Date("2026-11-01T00:00:00Z");
const TO = new Date("2026-11-01T06:00:00Z");
const window = { from: FROM, to: TO };
const position: Position = { window, cursor: null };
const FAR = Number.MAX_SAFE_INTEGER;
const MB = 1_048_576;

function setup(env: Record<string, string> = {}) {
  const clock = manualClock(START);
  const server = startReplayServer({ clock, rateLimit: { fts: false, cf: false } });
  server.setReleases("fts", syntheticReleases("fts", 30, { from: FROM, to: TO, seed: 5 }));
  server.setReleases("cf", syntheticReleases("cf", 30, { from: FROM, to: TO, seed: 5 }));
  const config = testConfig(server.url, {
    FTS_PAGE_SIZE: "10",
    CF_PAGE_SIZE: "10",
    HTTP_MAX_BODY_BYTES: "256KB",
    ...env,
  });
  const deps = { clock, random: () => 0 };
  return { clock, server, fts: createFtsSource(config, deps), cf: createCfSource(config, deps) };
}

for (const announced of [false, true]) {
  Deno.test(
    `body limit: a release of 3 MB (${
      announced ? "with" : "without"
    } content-length) is set aside, every other release is read`,
    async () => {
      // Before issue 11 the whole page was buffered: 100 MB took RSS from 110 to 636 MB.
      const { server, fts } = setup();
      await using _ = server;
      const all = server.releases("fts").map((r) => r.id);
      const huge = all[13]; // on the second page of 10
      server.inject({
        fault: { kind: "huge-release", releaseId: huge, bytes: 3 * MB, announced },
        source: "fts",
        times: Infinity,
      });
      const walk = await walkWindow(fts, window);
      assertEquals(walk.ids.sort(), all.filter((id) => id !== huge).sort(), "nothing else lost");
      assertEquals(walk.rejected.length, 1);
      const [rejected] = walk.rejected;
      assertEquals(rejected.releaseId, huge, "the quarantine names the release");
      assertStringIncludes(rejected.reason, "over HTTP_MAX_BODY_BYTES (262144)");
      assertLess(rejected.raw.length, 33_000, "only its start is kept");
      assert(walk.warnings.some((w) => /over 262144 bytes .* asked again with limit/.test(w)));
      // the narrowed pages are small: nothing near 3 MB was ever returned whole
      const sizes = server.log.filter((r) => r.fault === "huge-release").length;
      assert(sizes >= 2, "narrowed at least once, then read through once");
    },
  );
}

Deno.test("body limit: a page that is merely big is narrowed to what fits, not to one", async () => {
  const { server, fts } = setup({ HTTP_MAX_BODY_BYTES: "64KB", FTS_PAGE_SIZE: "30" });
  await using _ = server;
  // 30 releases of about 4 KB each: ~120 KB, over 64 KB
  const all = server.releases("fts");
  for (const r of all) (r as Record<string, unknown>).note = "n".repeat(4_000);
  const walk = await walkWindow(fts, window);
  assertEquals(walk.ids.length, 30);
  assertEquals(walk.rejected.length, 0);
  const limits = server.log.map((r) => Number(r.params.limit));
  assertEquals(limits[0], 30);
  // about 8.5 KB a release: 7 fit in 64 KB; one request per narrowing, never limit 1
  assert(limits[1] >= 5 && limits[1] < 15, `narrowed to what fits in 64 KB: ${limits}`);
  assertEquals(limits.filter((l) => l === 1).length, 0);
});

Deno.test("completeReleases counts the releases that end within the limit", () => {
  const text = '{"uri":"x","releases":[{"id":"a","t":"}]"},{"id":"b","x":{"y":[1]}},{"id":"c"';
  const bytes = new TextEncoder().encode(text);
  assertEquals(completeReleases([bytes], bytes.length), 2);
  assertEquals(completeReleases([bytes.subarray(0, 30), bytes.subarray(30)], 45), 1);
  assertEquals(completeReleases([bytes], 10), 0);
});

Deno.test("error bodies: only the first 4 KiB are read, and a failed page says what it cost", async () => {
  const { server, fts } = setup({ HTTP_MAX_ATTEMPTS: "3", HTTP_RETRY_BASE: "1s" });
  await using _ = server;
  server.inject({
    fault: { kind: "status", status: 500, bodyBytes: 5 * MB },
    source: "fts",
    times: 3,
  });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  // Before issue 11 a failed page's requests, retries and waits were lost: the run record
  // of a run that made 5 requests said 0.
  assertEquals(error.cost?.requests, 3);
  assertEquals(error.cost?.retries, 2);
  assertEquals(error.cost?.waitedMs, 500 + 1_000);
  assert((error.cost?.bytes ?? Infinity) <= 3 * 4096, `read ${error.cost?.bytes} bytes`);
  assertLess(error.message.length, 600, "the excerpt is capped");
});

Deno.test("Retry-After: a long one is cut to HTTP_MAX_RETRY_AFTER", async (t) => {
  await t.step("with time left, the wait is the cap, not 11.6 days", async () => {
    const { server, fts } = setup({ HTTP_MAX_RETRY_AFTER: "10m" });
    await using _ = server;
    server.inject({ fault: { kind: "status", status: 429, retryAfter: "999999" } });
    const page = expectKind(await fts.fetchPage(position, FAR), "page");
    assertEquals(page.cost.waitedMs, 600_000);
    assertEquals(server.log[1].time - server.log[0].time, 600_000);
  });

  await t.step("within a run's budget: out of time, throttled until now + the cap", async () => {
    const { server, fts, clock } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "status", status: 429, retryAfter: "999999" } });
    const result = await fts.fetchPage(position, clock.now() + 600_000);
    const out = expectKind(result, "out-of-time");
    assertEquals(out.throttledUntil, clock.now() + 3_600_000);
    // the next call in this process finds the budget paused: throttled, not "out of budget"
    const again = expectKind(await fts.fetchPage(position, clock.now() + 600_000), "out-of-time");
    assertEquals(again.throttledUntil, clock.now() + 3_600_000);
    assertEquals(again.cost.requests, 0);
    assertEquals(server.log.length, 1);
  });

  await t.step("running out of time without throttling is not throttled", async () => {
    const { server, fts, clock } = setup({ HTTP_RETRY_BASE: "10m" });
    await using _ = server;
    server.inject({ fault: { kind: "status", status: 503 } });
    const out = expectKind(await fts.fetchPage(position, clock.now() + 60_000), "out-of-time");
    assertEquals(out.throttledUntil, null);
  });
});

Deno.test("links.next: one over 2,048 characters is refused, capped in the message", async () => {
  const { server, fts } = setup();
  await using _ = server;
  const long = `${server.url}/api/1.0/ocdsReleasePackages?x=${"a".repeat(20_000)}`;
  server.inject({ fault: { kind: "foreign-next", url: long }, source: "fts" });
  const error = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertEquals(error.kind, "paging");
  assertStringIncludes(error.message, "characters long (at most 2048 are followed");
  assertLess(error.message.length, 500);
  const foreign = `http://elsewhere.invalid/${"p".repeat(20_000)}`;
  server.inject({ fault: { kind: "foreign-next", url: foreign }, source: "fts" });
  const other = await assertRejects(() => fts.fetchPage(position, FAR), SourceError);
  assertLess(other.message.length, 500, "a foreign path is quoted capped");
});
