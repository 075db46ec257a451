import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { childEnv, projectPath, startMain } from "./support/process.ts";
import { startReplayServer } from "./support/replay_server.ts";
import { syntheticReleases } from "./support/replay_data.ts";
import { jongodbBinary } from "../src/db/embedded.ts";

const HOUR = 3_600_000;

Deno.test({
  name: "with the embedded database main.ts syncs the last 3 days at once, trigger startup",
  ignore: jongodbBinary() === null,
  fn: async () => {
    const now = Date.now();
    // 30 notices per source in the last 3 days, 30 more before: only the first are read
    const recent = { from: new Date(now - 70 * HOUR), to: new Date(now - 60_000) };
    const older = { from: new Date(now - 20 * 24 * HOUR), to: new Date(now - 80 * HOUR) };
    const both = (source: "fts" | "cf", seed: number) => {
      const early = syntheticReleases(source, 60, { ...older, seed });
      return syntheticReleases(source, 60, { ...recent, seed }).map((r, i) =>
        i < 30 ? r : early[i]
      );
    };
    await using replay = startReplayServer({
      rateLimit: { fts: false, cf: false },
      releases: { fts: both("fts", 7), cf: both("cf", 8) },
    });
    const kvDir = await Deno.makeTempDir();
    try {
      await using app = await startMain({
        FTS_BASE_URL: replay.url,
        CF_BASE_URL: replay.url,
        FTS_RATE_LIMIT: "1000/1s",
        CF_RATE_LIMIT: "1000/1s",
        KV_PATH: `${kvDir}/kv.sqlite`,
      });
      const announced = await app.waitFor(/startup sync begins now/);
      assertStringIncludes(announced, "fts from 3 days ago, cf from 3 days ago");
      await app.waitFor(/The startup sync finished/, 60_000);
      const status = await (await fetch(`${app.url}/status`)).json();
      assertEquals(status.sources.map((s: { contracts: number }) => s.contracts), [30, 30]);
      const triggers = status.sources.flatMap((s: { runs?: { trigger: string }[] }) =>
        (s.runs ?? []).map((r) => r.trigger)
      );
      assert(triggers.length > 0 && triggers.every((t: string) => t === "startup"), triggers);
      assertEquals(await app.stop(), 0);
    } finally {
      await Deno.remove(kvDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deno task dev: no .env warning; failed ticks are one line each, no stack trace",
  ignore: jongodbBinary() === null,
  fn: async () => {
    try {
      await Deno.stat(projectPath(".env"));
      return; // a developer's own .env would change what this run does
    } catch {
      // no .env: what a fresh clone has
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "dev"],
      cwd: projectPath(""),
      env: childEnv({
        PORT: "0",
        FTS_BASE_URL: "http://127.0.0.1:1",
        CF_BASE_URL: "http://127.0.0.1:1",
        HTTP_MAX_ATTEMPTS: "1",
        KV_PATH: ":memory:",
        DENO_CRON_TEST_SCHEDULE_OFFSET: "2000",
      }),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = (async () => {
      const [out, err] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
      ]);
      return out + err;
    })();
    // the start-up run fails at once, then the cron (fired early) fails too
    await new Promise((r) => setTimeout(r, 12_000));
    child.kill("SIGINT");
    await child.status;
    const text = await output;
    const lines = text.split("\n");
    assert(!text.includes("was not found"), text);
    assertStringIncludes(text, "The startup sync begins now");
    assert(lines.some((l) => l.includes("The startup sync had failures")), text);
    assert(lines.some((l) => l.includes("The cron sync had failures")), text);
    assert(!text.includes("Exception in cron handler"), text);
    assert(!lines.some((l) => /^\s+at /.test(l)), `a stack trace:\n${text}`);
    assert(!/[.;:,][.;:,]/.test(text.replaceAll("...", "")), `doubled punctuation:\n${text}`);
  },
});
