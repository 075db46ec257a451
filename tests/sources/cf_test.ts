/**
 * The CF source against the replay server: multi-window backfill, its parameters, the real
 * CF releases from ../shared/data, and CF's faults (Windows-1252 bytes, 403 HTML page).
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { CF_STAGES } from "../../src/sources/cf.ts";
import { createCfSource, planWindows } from "../../src/sources/mod.ts";
import { hasSharedData, releasesForWindow, syntheticReleases } from "../support/replay_data.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { duplicates, expectKind, testConfig, walkWindow } from "./helpers.ts";

const FAR = Number.MAX_SAFE_INTEGER;

Deno.test("cf: a multi-window backfill returns every release once per window", async () => {
  const clock = manualClock(Date.parse("2026-12-01T00:00:00Z"));
  await using server = startReplayServer({ clock });
  const from = new Date("2026-09-01T00:00:00Z");
  const to = new Date("2026-11-15T00:00:00Z"); // spans the October clock change
  const releases = syntheticReleases("cf", 600, { from, to, seed: 21 });
  server.setReleases("cf", releases);
  const cf = createCfSource(testConfig(server.url, { CF_PAGE_SIZE: "50" }), { clock });
  assertEquals([cf.windowMs, cf.overlapMs], [15 * 86_400_000, 3_600_000]);
  const windows = planWindows(from, to, cf.windowMs, cf.overlapMs);
  assertEquals(windows.length, 6);
  const all: string[] = [];
  for (const window of windows) {
    const walk = await walkWindow(cf, window);
    assertEquals(duplicates(walk.ids), []);
    assertEquals(walk.ids, releasesForWindow(releases, window).map((r) => r.id));
    all.push(...walk.ids);
  }
  assertEquals(new Set(all).size, releases.length);
  const first = server.log[0].params;
  assertEquals(first, {
    publishedFrom: "2026-09-01T01:00:00",
    publishedTo: "2026-09-16T01:00:00",
    stages: CF_STAGES,
    limit: "50",
  });
  assertEquals(server.log.filter((r) => r.limited).length, 0);
});

Deno.test({
  name: "cf: the real releases from ../shared/data come back, two per notice where published",
  ignore: !hasSharedData(),
  fn: async () => {
    await using server = startReplayServer({ rateLimit: { cf: false } });
    const cf = createCfSource(testConfig(server.url, { CF_PAGE_SIZE: "4" }));
    const window = { from: new Date("2025-01-20T23:00:00Z"), to: new Date("2025-01-23T23:00:00Z") };
    const walk = await walkWindow(cf, window);
    assertEquals(walk.ids.length, 10);
    assertEquals(walk.pages, 3);
    assert(walk.ids.includes("8f124d5d-fa11-457c-a0ed-431674a867c1-819916"));
  },
});

Deno.test("cf: faults", async (t) => {
  const from = new Date("2026-02-01T00:00:00Z");
  const to = new Date("2026-02-02T00:00:00Z");
  const window = { from, to };
  const releases = syntheticReleases("cf", 12, { from, to, seed: 4 });
  const setup = () => {
    const clock = manualClock(Date.parse("2026-03-01T00:00:00Z"));
    const server = startReplayServer({ clock });
    server.setReleases("cf", releases);
    const cf = createCfSource(testConfig(server.url, { CF_PAGE_SIZE: "5" }), { clock });
    return { server, cf };
  };

  await t.step("Windows-1252 bytes are read without mojibake, with a warning", async () => {
    const { server, cf } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "windows-1252" }, source: "cf" });
    const page = expectKind(await cf.fetchPage({ window, cursor: null }, FAR), "page");
    assertEquals((page.releases[0] as Record<string, unknown>).replayText, "Café – £5");
    assertMatch(page.warnings.join(" "), /read as Windows-1252/);
  });

  await t.step("the 403 HTML rate-limit page mid-walk: waited out, nothing lost", async () => {
    const { server, cf } = setup();
    await using _ = server;
    server.inject({
      fault: { kind: "throttle-html" },
      match: (r) => r.params.cursor !== undefined,
    });
    const walk = await walkWindow(cf, window);
    assertEquals(walk.ids, releases.map((r) => r.id));
    // 5 min, plus up to 20 % jitter
    assert(walk.waitedMs >= 300_000 && walk.waitedMs <= 360_000, `waited ${walk.waitedMs} ms`);
  });

  await t.step("a truly unparseable release is set aside and paging goes on", async () => {
    const { server, cf } = setup();
    await using _ = server;
    const bad = releases[0].id; // the very first release of the window
    server.inject({
      fault: { kind: "bad-release", releaseId: bad, broken: "structure" },
      times: Infinity,
    });
    const walk = await walkWindow(cf, window);
    assertEquals(walk.ids, releases.slice(1).map((r) => r.id));
    assertEquals(walk.rejected.map((r) => r.releaseId), [bad]);
  });
});
