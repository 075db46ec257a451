import { assertEquals, assertStringIncludes } from "@std/assert";
import { humanDuration, judge, worst } from "../../src/http/verdict.ts";

const H = 3_600_000;
const now = Date.parse("2026-11-28T12:00:00Z");
const at = (msAgo: number) => new Date(now - msAgo);
const state = (over: Record<string, unknown> = {}) => ({
  mode: "incremental" as const,
  watermark: at(0.5 * H),
  lastSuccessAt: at(0.5 * H),
  createdAt: at(100 * H),
  lastError: null,
  ...over,
});
const run = (outcome: string, msAgo = 0.5 * H, error: string | null = null) => ({
  outcome: outcome as "caught-up",
  endedAt: at(msAgo),
  error,
});

Deno.test("ok: caught up, lag within twice the interval", () => {
  const j = judge({ now, intervalMs: H, state: state(), runs: [run("caught-up")] });
  assertEquals(j.verdict, "ok");
  assertEquals(j.reason, "caught up: 30m behind");
});

Deno.test("failing: the newest run that did something failed (lease-held runs are skipped)", () => {
  const j = judge({
    now,
    intervalMs: H,
    state: state(),
    runs: [run("lease-held", 60_000), run("error", 0.5 * H, "SourceError: 503 from fts")],
  });
  assertEquals(j.verdict, "failing");
  assertEquals(j.reason, "the last run failed 30m ago: SourceError: 503 from fts");
});

Deno.test("failing: no success for more than three intervals", () => {
  const j = judge({
    now,
    intervalMs: H,
    state: state({ lastSuccessAt: at(3.5 * H), watermark: at(3.5 * H) }),
    runs: [run("budget")],
  });
  assertEquals(j.verdict, "failing");
  assertStringIncludes(j.reason, "no successful run for 3h 30m");
  const never = judge({
    now,
    intervalMs: H,
    state: state({ lastSuccessAt: null, createdAt: at(4 * H), mode: "backfill" }),
    runs: [],
  });
  assertEquals(never.verdict, "failing");
  assertStringIncludes(never.reason, "no successful run since the stream began 4h ago");
});

Deno.test("lagging: never ran, backfilling, or more than two intervals behind", () => {
  assertEquals(judge({ now, intervalMs: H, state: null, runs: [] }).verdict, "lagging");
  const backfill = judge({
    now,
    intervalMs: H,
    state: state({ mode: "backfill" }),
    runs: [run("budget")],
    progress: 0.425,
  });
  assertEquals(backfill, {
    verdict: "lagging",
    reason: "backfilling from the start date: 42.5% done",
  });
  const behind = judge({
    now,
    intervalMs: H,
    state: state({ watermark: at(2.5 * H) }),
    runs: [run("caught-up")],
  });
  assertEquals(behind.verdict, "lagging");
  assertStringIncludes(behind.reason, "2h 30m behind");
});

Deno.test("worst and humanDuration", () => {
  assertEquals(worst([]), "ok");
  assertEquals(worst(["ok", "failing", "lagging"]), "failing");
  assertEquals(
    [45_000, 12 * 60_000, 3_900_000, 50 * H].map(humanDuration),
    ["45s", "12m", "1h 5m", "2d 2h"],
  );
});

Deno.test("waiting: never ran and the first run is not overdue; lagging once it is", () => {
  const due = now + 10 * 60_000;
  const waiting = judge({ now, intervalMs: H, state: null, runs: [], firstRunDueAt: due });
  assertEquals(waiting.verdict, "waiting");
  assertEquals(waiting.reason.startsWith("no data yet — the first run is due at"), true);
  const overdue = judge({
    now: due + H + 1,
    intervalMs: H,
    state: null,
    runs: [],
    firstRunDueAt: due,
  });
  assertEquals(overdue.verdict, "lagging");
  assertEquals(worst(["ok", "waiting"]), "waiting");
  assertEquals(worst(["waiting", "lagging"]), "lagging");
});
