import { assertEquals } from "@std/assert";
import { advance, shareDone, startPosition } from "../../src/sync/advance.ts";

const H = 3_600_000;
const source = { windowMs: 6 * H, overlapMs: H / 2 };
const at = (iso: string) => new Date(iso);
const w = (from: string, to: string) => ({ from: at(from), to: at(to) });

Deno.test("a page with a next position stays in its window; the watermark waits", () => {
  const state = { watermark: null, mode: "backfill" as const, kind: "main" as const };
  const next = { window: w("2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z"), cursor: "c2" };
  assertEquals(advance(state, next.window, next, at("2026-02-01T00:00:00Z"), source), {
    position: next,
    watermark: null,
    mode: "backfill",
  });
});

Deno.test("a finished window raises the watermark and opens the next, overlapping window", () => {
  const state = { watermark: null, mode: "backfill" as const, kind: "main" as const };
  const done = w("2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z");
  const res = advance(state, done, null, at("2026-02-01T00:00:00Z"), source);
  assertEquals(res.watermark, at("2026-01-01T06:00:00Z"));
  assertEquals(res.position, {
    window: w("2026-01-01T05:30:00Z", "2026-01-01T11:30:00Z"),
    cursor: null,
  });
});

Deno.test("reaching the upper bound: the main stream turns incremental, a range stays a backfill", () => {
  const done = w("2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z");
  const upper = at("2026-01-01T06:00:00Z");
  const main = advance(
    { watermark: null, mode: "backfill", kind: "main" },
    done,
    null,
    upper,
    source,
  );
  assertEquals([main.position, main.mode], [null, "incremental"]);
  const range = advance(
    { watermark: null, mode: "backfill", kind: "range" },
    done,
    null,
    upper,
    source,
  );
  assertEquals([range.position, range.mode], [null, "backfill"]);
});

Deno.test("the watermark never moves backwards when an earlier window is replayed", () => {
  const state = {
    watermark: at("2026-03-01T00:00:00Z"),
    mode: "incremental" as const,
    kind: "main" as const,
  };
  const old = w("2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z");
  assertEquals(
    advance(state, old, null, at("2026-03-01T00:00:00Z"), source).watermark,
    state.watermark,
  );
});

Deno.test("incremental runs start at watermark − lookback, never before the range start", () => {
  const upper = at("2026-03-01T12:00:00Z");
  const s1 = {
    watermark: at("2026-03-01T10:00:00Z"),
    rangeFrom: at("2026-01-01T00:00:00Z"),
    kind: "main" as const,
  };
  assertEquals(
    startPosition(s1, upper, 2 * H, source).window,
    w("2026-03-01T08:00:00Z", "2026-03-01T12:00:00Z"),
  );
  const s2 = { ...s1, watermark: at("2026-01-01T01:00:00Z") };
  assertEquals(startPosition(s2, upper, 2 * H, source).window.from, s2.rangeFrom);
  const fresh = { ...s1, watermark: null };
  assertEquals(startPosition(fresh, upper, 2 * H, source).window.to, at("2026-01-01T06:00:00Z"));
});

Deno.test("a finished range backfill asked for again starts over from its start", () => {
  const upper = at("2026-01-03T00:00:00Z");
  const done = { watermark: upper, rangeFrom: at("2026-01-01T00:00:00Z"), kind: "range" as const };
  assertEquals(startPosition(done, upper, 2 * H, source).window.from, done.rangeFrom);
});

Deno.test("share done runs from the range start to the end, from the window or watermark", () => {
  const rangeFrom = at("2026-01-01T00:00:00Z");
  const end = at("2026-01-11T00:00:00Z").getTime();
  const window = w("2026-01-06T00:00:00Z", "2026-01-06T06:00:00Z");
  const main = {
    kind: "main",
    mode: "backfill",
    rangeFrom,
    rangeTo: null,
    watermark: null,
  } as const;
  assertEquals(shareDone({ ...main, window }, end), 0.5);
  // the watermark past the window's start (overlap) counts
  assertEquals(shareDone({ ...main, window, watermark: at("2026-01-07T00:00:00Z") }, end), 0.6);
  assertEquals(shareDone({ ...main, window, mode: "incremental" }, end), 1);
  const range = { ...main, kind: "range", rangeTo: new Date(end) } as const;
  assertEquals(shareDone({ ...range, window }, Date.now()), 0.5, "a range ends at rangeTo");
  assertEquals(shareDone({ ...range, window: null, watermark: new Date(end) }, end), 1);
  assertEquals(shareDone({ ...main, window: null }, rangeFrom.getTime()), 1, "an empty range");
});
