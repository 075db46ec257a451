import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  apiWindow,
  firstWindow,
  londonOffsetMs,
  londonWallClock,
  nextWindow,
  parseLondonWallClock,
  planWindows,
  spansClockChange,
} from "../../src/sources/windows.ts";

const H = 3_600_000;
const d = (iso: string) => new Date(iso);

Deno.test("windows: planning", async (t) => {
  await t.step("consecutive windows overlap and the last ends at `to`", () => {
    const windows = planWindows(d("2026-01-01T00:00:00Z"), d("2026-01-02T01:00:00Z"), 6 * H, H / 2);
    assertEquals(windows[0], { from: d("2026-01-01T00:00:00Z"), to: d("2026-01-01T06:00:00Z") });
    for (let i = 1; i < windows.length; i++) {
      assertEquals(windows[i].from.getTime(), windows[i - 1].to.getTime() - H / 2);
      assert(windows[i].to.getTime() - windows[i].from.getTime() <= 6 * H);
    }
    assertEquals(windows.at(-1)!.to, d("2026-01-02T01:00:00Z"));
  });

  await t.step("nextWindow is null once caught up, and clamps to now", () => {
    const w = { from: d("2026-01-01T00:00:00Z"), to: d("2026-01-01T06:00:00Z") };
    assertEquals(nextWindow(w, d("2026-01-01T06:00:00Z"), 6 * H, 0), null);
    assertEquals(nextWindow(w, d("2026-01-01T07:00:00Z"), 6 * H, H), {
      from: d("2026-01-01T05:00:00Z"),
      to: d("2026-01-01T07:00:00Z"),
    });
  });

  await t.step("firstWindow clamps to now; a start after now is an empty window", () => {
    assertEquals(
      firstWindow(d("2026-01-01T00:00:00Z"), d("2026-01-01T02:00:00Z"), 6 * H, 0).to,
      d("2026-01-01T02:00:00Z"),
    );
    const empty = firstWindow(d("2026-01-02T00:00:00Z"), d("2026-01-01T00:00:00Z"), 6 * H, 0);
    assertEquals(empty.from, empty.to);
    assertEquals(nextWindow(empty, d("2026-01-01T00:00:00Z"), 6 * H, 0), null);
  });

  await t.step("an overlap as long as the window is refused (it would never advance)", () => {
    assertThrows(() => planWindows(d("2026-01-01"), d("2026-01-02"), H, H), RangeError);
  });
});

Deno.test("windows: Europe/London wall clock", async (t) => {
  await t.step("GMT in winter, BST in summer", () => {
    assertEquals(londonWallClock(d("2026-01-15T12:34:56.789Z")), "2026-01-15T12:34:56");
    assertEquals(londonWallClock(d("2026-07-15T12:34:56Z")), "2026-07-15T13:34:56");
    assertEquals(londonOffsetMs(d("2026-07-15T00:00:00Z")), H);
    assertEquals(londonOffsetMs(d("2026-12-15T00:00:00Z")), 0);
  });

  await t.step("reading a wall-clock time back gives the instant", () => {
    for (const iso of ["2026-01-15T12:00:00Z", "2026-07-15T23:30:00Z", "2026-03-29T01:00:00Z"]) {
      assertEquals(
        parseLondonWallClock(londonWallClock(d(iso)))?.toISOString(),
        d(iso).toISOString(),
      );
    }
    assertEquals(
      parseLondonWallClock("2026-07-01T00:00:00Z")?.toISOString(),
      "2026-07-01T00:00:00.000Z",
    );
    assertEquals(parseLondonWallClock("nonsense"), null);
  });

  await t.step("the repeated October hour reads as BST, the missing March hour as GMT", () => {
    assertEquals(
      parseLondonWallClock("2026-10-25T01:30:00")?.toISOString(),
      "2026-10-25T00:30:00.000Z",
    );
    assertEquals(
      parseLondonWallClock("2026-03-29T01:30:00")?.toISOString(),
      "2026-03-29T01:30:00.000Z",
    );
  });

  await t.step("from rounds down and to rounds up to the second", () => {
    const w = apiWindow({ from: d("2026-01-15T10:00:00.900Z"), to: d("2026-01-15T11:00:00.100Z") });
    assertEquals(w, { from: "2026-01-15T10:00:00", to: "2026-01-15T11:00:01", widened: false });
  });
});

Deno.test("windows: clock changes", async (t) => {
  await t.step("last Sunday of March 2026: the window is widened by an hour at both ends", () => {
    // clocks go forward at 01:00 UTC on 29 March 2026
    const w = { from: d("2026-03-29T00:00:00Z"), to: d("2026-03-29T06:00:00Z") };
    assert(spansClockChange(w));
    assertEquals(apiWindow(w), {
      from: "2026-03-28T23:00:00",
      to: "2026-03-29T08:00:00",
      widened: true,
    });
  });

  await t.step("last Sunday of October 2026: widened too", () => {
    // clocks go back at 01:00 UTC on 25 October 2026
    const w = { from: d("2026-10-24T20:00:00Z"), to: d("2026-10-25T00:30:00Z") };
    assert(spansClockChange(w)); // the change is within an hour after `to`
    assertEquals(apiWindow(w), {
      from: "2026-10-24T20:00:00",
      to: "2026-10-25T01:30:00",
      widened: true,
    });
  });

  await t.step("a window far from a change is not widened", () => {
    assertEquals(
      apiWindow({ from: d("2026-03-29T03:00:00Z"), to: d("2026-03-29T09:00:00Z") }).widened,
      false,
    );
    assertEquals(
      apiWindow({ from: d("2026-10-24T12:00:00Z"), to: d("2026-10-24T18:00:00Z") }).widened,
      false,
    );
  });

  await t.step("a 15-day CF window containing a change is widened", () => {
    assert(spansClockChange({ from: d("2026-10-15T00:00:00Z"), to: d("2026-10-30T00:00:00Z") }));
  });
});
