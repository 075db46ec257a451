/**
 * The FTS source against the replay server: multi-window backfills, the request budget
 * seen from the server's log, page faults, and windows across clock changes.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { createFtsSource, planWindows, SourceError } from "../../src/sources/mod.ts";
import { londonWallClock } from "../../src/sources/windows.ts";
import type { DateWindow, Position, Source } from "../../src/sources/source.ts";
import { type ReleaseJson, releasesForWindow, syntheticReleases } from "../support/replay_data.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { duplicates, expectKind, testConfig, walkWindow } from "./helpers.ts";

const H = 3_600_000;
const FAR = Number.MAX_SAFE_INTEGER;

/** Walks every window and checks each returns exactly the releases it should, once. */
async function backfill(source: Source, windows: DateWindow[], releases: ReleaseJson[]) {
  const all: string[] = [];
  for (const window of windows) {
    const walk = await walkWindow(source, window);
    assertEquals(duplicates(walk.ids), [], "a release came twice within one window");
    const expected = releasesForWindow(releases, window).map((r) => r.id);
    assertEquals(walk.ids, expected, "a window must return its releases, newest first");
    assertEquals(walk.warnings, []);
    all.push(...walk.ids);
  }
  return all;
}

Deno.test("fts: a multi-window backfill returns every release once per window", async () => {
  const clock = manualClock(Date.parse("2026-06-10T00:00:00Z"));
  await using server = startReplayServer({ clock });
  const from = new Date("2026-06-01T00:00:00Z");
  const to = new Date("2026-06-03T00:00:00Z");
  const releases = syntheticReleases("fts", 400, { from, to, seed: 11 });
  server.setReleases("fts", releases);
  const config = testConfig(server.url, {
    FTS_WINDOW: "6h",
    FTS_OVERLAP: "30m",
    FTS_PAGE_SIZE: "25",
  });
  const fts = createFtsSource(config, { clock });
  const windows = planWindows(from, to, fts.windowMs, fts.overlapMs);
  assertEquals(windows.length, 9);
  const all = await backfill(fts, windows, releases);

  // every release arrives; the only repeats are releases inside an overlap
  assertEquals(new Set(all).size, releases.length);
  const overlaps = windows.slice(1).map((w) => ({
    from: w.from.getTime(),
    to: w.from.getTime() + fts.overlapMs,
  }));
  for (const id of duplicates(all)) {
    const t = Date.parse(releases.find((r) => r.id === id)!.date);
    assert(overlaps.some((o) => t >= o.from && t < o.to), `${id} repeated outside an overlap`);
  }

  // the requests were what the docs say: no stages, wall-clock dates, limit, cursor
  const first = server.log[0];
  assertEquals(Object.keys(first.params), ["updatedFrom", "updatedTo", "limit"]);
  assertEquals(first.params.updatedFrom, "2026-06-01T01:00:00"); // BST
  assert(server.log.slice(1).some((r) => r.params.cursor !== undefined));

  // the budget was never exceeded, as the server saw it
  assertEquals(server.log.filter((r) => r.limited).length, 0);
  for (const r of server.log) {
    const recent = server.log.filter((o) => o.time > r.time - 120_000 && o.time <= r.time);
    assert(recent.length <= 12, `${recent.length} requests within 120 s`);
  }
  assert(server.log.length > 12, "the test must need more than one budget window");
});

Deno.test("fts: the real page from ../shared/data is served and read", async () => {
  await using server = startReplayServer({ rateLimit: { fts: false } });
  const fts = createFtsSource(testConfig(server.url, { FTS_PAGE_SIZE: "3" }));
  const window = { from: new Date("2026-10-06T14:00:00Z"), to: new Date("2026-10-06T18:00:00Z") };
  const walk = await walkWindow(fts, window);
  const expected = releasesForWindow([...server.releases("fts")], window).map((r) => r.id);
  assertEquals(walk.ids, expected);
});

Deno.test("fts: windows across the clock changes lose nothing", async (t) => {
  for (
    const [label, from, to] of [
      ["March (clocks go forward)", "2026-03-28T20:00:00Z", "2026-03-29T05:00:00Z"],
      ["October (clocks go back)", "2026-10-24T20:00:00Z", "2026-10-25T05:00:00Z"],
    ] as const
  ) {
    // the server reads our wall-clock times as London time, or (unconfirmed alternative) as UTC
    for (const dateZone of ["Europe/London", "Europe/London (later)", "UTC"] as const) {
      await t.step(`${label}, server reads dates as ${dateZone}`, async () => {
        const clock = manualClock(Date.parse("2026-11-01T00:00:00Z"));
        await using server = startReplayServer({ dateZone, clock });
        const releases = syntheticReleases("fts", 300, {
          from: new Date(from),
          to: new Date(to),
          seed: 5,
        });
        server.setReleases("fts", releases);
        // one-hour windows with no overlap: only the widening protects the clock change
        const config = testConfig(server.url, { FTS_WINDOW: "1h", FTS_OVERLAP: "0ms" });
        const fts = createFtsSource(config, { clock });
        // the first window starts an hour early: under UTC reading a summer window starts
        // an hour late, which the overlap or the previous window covers in a real backfill
        const windows = planWindows(new Date(Date.parse(from) - 2 * H), new Date(to), H, 0);
        const got = new Set<string>();
        for (const w of windows) for (const id of (await walkWindow(fts, w)).ids) got.add(id);
        const missing = releases.filter((r) => !got.has(r.id)).map((r) => r.date);
        assertEquals(missing, []);
      });
    }
  }
});

Deno.test("fts: page faults end in the right data or a clear, resumable error", async (t) => {
  const from = new Date("2026-05-01T00:00:00Z");
  const to = new Date("2026-05-01T06:00:00Z");
  const window = { from, to };
  const start: Position = { window, cursor: null };
  const releases = syntheticReleases("fts", 35, { from, to, seed: 2 });
  const ids = releases.map((r) => r.id);
  const setup = () => {
    const clock = manualClock(Date.parse("2026-11-01T00:00:00Z"));
    const server = startReplayServer({ clock });
    server.setReleases("fts", releases);
    const fts = createFtsSource(testConfig(server.url, { FTS_PAGE_SIZE: "10" }), { clock });
    return { server, fts };
  };

  await t.step("invalid numbers (1e9999, 000) are repaired with a warning", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "invalid-numbers" } });
    const page = expectKind(await fts.fetchPage(start, FAR), "page");
    const first = page.releases[0] as Record<string, unknown>;
    assertEquals([first.replayHuge, first.replayZeros], [null, 0]);
    assertEquals(page.releases.length, 10);
    assertMatch(page.warnings.join(" "), /leading zeros repaired.*out-of-range number/);
  });

  await t.step(
    "a release with an invalid token: set aside, the rest of the page kept",
    async () => {
      const { server, fts } = setup();
      await using _ = server;
      server.inject({ fault: { kind: "bad-release", releaseId: ids[4] }, times: Infinity });
      const walk = await walkWindow(fts, window);
      assertEquals(walk.ids, ids.filter((id) => id !== ids[4]));
      assertEquals(walk.rejected.map((r) => r.releaseId), [ids[4]]);
      assertMatch(walk.rejected[0].raw, /NaN-ish/);
      assertEquals(server.log.length, 4, "no extra request needed");
    },
  );

  await t.step(
    "a release that breaks the structure: narrowed, isolated, paging goes on",
    async () => {
      const { server, fts } = setup();
      await using _ = server;
      const bad = ids[13]; // the 4th release of the second page
      server.inject({
        fault: { kind: "bad-release", releaseId: bad, broken: "structure" },
        times: Infinity,
      });
      const walk = await walkWindow(fts, window);
      assertEquals(walk.ids, ids.filter((id) => id !== bad));
      assertEquals(duplicates(walk.ids), []);
      assertEquals(walk.rejected.length, 1);
      assertEquals(walk.rejected[0].releaseId, bad);
      assertMatch(walk.rejected[0].raw, /"items":\[\{"n":1\}\}/);
      // page 2 at limit 10 (broken) → limit 3 (the intact prefix), then from the bad one:
      // limit 10 (broken) → limit 1 (rejected), then on at limit 10
      const limits = server.log.map((r) => r.params.limit);
      assertEquals(limits, ["10", "10", "3", "10", "1", "10", "10", "10"]);
    },
  );

  await t.step("a truncated body: the good part comes through a narrower request", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "truncate" } });
    const walk = await walkWindow(fts, window);
    assertEquals(walk.ids, ids);
    assertMatch(walk.warnings.join(" "), /asked again with limit/);
  });

  await t.step("a body truncated every time: a parse error, resumable", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "truncate", fraction: 0.3 }, times: Infinity });
    const error = await assertRejects(() => fts.fetchPage(start, FAR), SourceError);
    assertEquals(error.kind, "parse");
    assertEquals(error.position, start);
    assertMatch(
      error.message,
      /cannot be read even one release at a time.*resumes from the same position/,
    );
  });

  await t.step("a full page without next: the rest is read as a narrower window", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "no-next" } });
    const page = expectKind(await fts.fetchPage(start, FAR), "page");
    assertMatch(page.warnings[0], /full page \(10 releases\) came without links\.next/);
    const oldest = Math.min(...page.releases.map((r) => Date.parse((r as ReleaseJson).date)));
    // the window stays as planned; the cursor narrows the query to its older rest
    assertEquals(page.next, { window, cursor: `narrow:${oldest + 1000}` });
    assertEquals(server.log.length, 1);
    // walking on from there, nothing of the window is missed
    const rest: string[] = [];
    let position: Position | null = page.next;
    while (position) {
      const p = expectKind(await fts.fetchPage(position, FAR), "page");
      rest.push(...p.releases.map((r) => (r as ReleaseJson).id));
      position = p.next;
    }
    assertEquals(server.log[1].params.updatedTo, londonWallClock(new Date(oldest + 1000)));
    const seen = new Set([...page.releases.map((r) => (r as ReleaseJson).id), ...rest]);
    assertEquals([...seen].sort(), [...ids].sort());
  });

  await t.step("a next that loops back to the same page → paging error", async () => {
    const { server, fts } = setup();
    await using _ = server;
    const first = expectKind(await fts.fetchPage(start, FAR), "page");
    server.inject({ fault: { kind: "next-loop" } });
    const error = await assertRejects(() => fts.fetchPage(first.next!, FAR), SourceError);
    assertEquals(error.kind, "paging");
    assertMatch(error.message, /leads back to a page already read/);
  });

  await t.step("a next that loops back two pages → paging error", async () => {
    const { server, fts } = setup();
    await using _ = server;
    const p1 = expectKind(await fts.fetchPage(start, FAR), "page");
    const p2 = expectKind(await fts.fetchPage(p1.next!, FAR), "page");
    server.inject({ fault: { kind: "next-loop", toOffset: 10 } }); // p2's own cursor
    const error = await assertRejects(() => fts.fetchPage(p2.next!, FAR), SourceError);
    assertEquals(error.kind, "paging");
  });

  await t.step("a next to another host or path is never followed", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "foreign-next" } });
    const e1 = await assertRejects(() => fts.fetchPage(start, FAR), SourceError);
    assertEquals(e1.kind, "paging");
    assertMatch(
      e1.message,
      /points to http:\/\/elsewhere\.invalid\/api\/1\.0\/ocdsReleasePackages/,
    );
    server.inject({ fault: { kind: "foreign-next", url: `${server.url}/api/1.0/other` } });
    const e2 = await assertRejects(() => fts.fetchPage(start, FAR), SourceError);
    assertMatch(e2.message, /a URL chosen by a response is never followed/);
    assertEquals(server.log.length, 2);
  });

  await t.step("an empty page ends the window quietly", async () => {
    const { server, fts } = setup();
    await using _ = server;
    server.inject({ fault: { kind: "empty-page" } });
    const page = expectKind(await fts.fetchPage(start, FAR), "page");
    assertEquals([page.releases.length, page.next, page.warnings], [0, null, []]);
  });
});
