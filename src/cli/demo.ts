/**
 * `deno task demo` — the whole product offline: a replay server standing in for both APIs
 * (synthetic notices over the last 30 days), the embedded in-memory MongoDB, and main.ts
 * pointed at them with settings that fill the dashboard in seconds. Prints the dashboard URL
 * and a progress line per source; Ctrl-C stops everything.
 *
 * ```sh
 * deno task demo [--port 8000] [--releases 1500]
 * ```
 * @module
 */
import { startReplayServer } from "../../tests/support/replay_server.ts";
import { syntheticReleases } from "../../tests/support/replay_data.ts";
import { parseFlags, UsageError } from "./flags.ts";
import { spawnTied } from "./tied_child.ts";

const USAGE = "Usage: deno task demo [--port N] [--releases N]";
const DAY = 86_400_000;

/** Parsed command line. */
export interface DemoArgs {
  readonly port: number;
  readonly releases: number;
}

/**
 * Parses the demo's arguments; throws with the usage when they are wrong.
 *
 * @example
 * ```ts
 * const args = parseDemoArgs(["--port", "0"]);
 * if (args !== "help") args.port; // 0
 * ```
 */
export function parseDemoArgs(args: readonly string[]): DemoArgs | "help" {
  const values = parseFlags(args, { port: "value", releases: "value" });
  if (values === "help") return "help";
  for (const [name, value] of values) {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number.\n${USAGE}`);
  }
  const port = Number(values.get("port") ?? 8000);
  const releases = Number(values.get("releases") ?? 1500);
  if (port > 65535 || releases < 1 || releases > 100_000) throw new UsageError(USAGE);
  return { port, releases };
}

/**
 * The settings main.ts runs with in the demo: both APIs on the replay server, a 30-day
 * backfill in one FTS window, a pace that lets people watch (10 requests a second), an
 * immediate first run and a throw-away KV database.
 *
 * @example
 * ```ts
 * demoEnv("http://127.0.0.1:8787", 0, "/tmp/kv.sqlite", "token…").SYNC_ON_START; // "true"
 * ```
 */
export function demoEnv(
  replayUrl: string,
  port: number,
  kvPath: string,
  token: string,
): Record<string, string> {
  return {
    FTS_BASE_URL: replayUrl,
    CF_BASE_URL: replayUrl,
    FTS_START_DATE: "30d",
    CF_START_DATE: "30d",
    // one window: the replay server loses nothing in long windows (the real FTS API does), and
    // each page costs the embedded server a recount over the stored notices, so fewer, fuller
    // pages fill the dashboard sooner (measured 0.72× the time of one-day windows)
    FTS_WINDOW: "30d",
    FTS_RATE_LIMIT: "10/1s",
    CF_RATE_LIMIT: "10/1s",
    SYNC_ON_START: "true",
    SYNC_BUDGET: "5m",
    SYNC_TRIGGER_TOKEN: token,
    KV_PATH: kvPath,
    PORT: String(port),
    LOG_LEVEL: "info",
    // The demo's embedded jongodb applies each update in time linear in the collection's
    // size: raw-release upserts would take the dashboard from seconds to minutes.
    KEEP_RAW_RELEASES: "false",
  };
}

interface SourceLine {
  source: string;
  verdict: string;
  contracts: number;
  main: { progress: number } | null;
}

async function main(): Promise<number> {
  let parsed: DemoArgs | "help";
  try {
    parsed = parseDemoArgs(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const args = parsed;
  const started = Date.now();
  const now = Date.now();
  const range = { from: new Date(now - 30 * DAY), to: new Date(now - 60_000) };
  const replay = startReplayServer({
    rateLimit: { fts: false, cf: false },
    releases: {
      fts: syntheticReleases("fts", args.releases, { ...range, seed: 1 }),
      cf: syntheticReleases("cf", args.releases, { ...range, seed: 2 }),
    },
  });
  const kvDir = await Deno.makeTempDir({ prefix: "procurement-demo-" });
  // However the demo ends (Ctrl-C, an error, `Deno.exit`), its temporary folder goes with it.
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(kvDir, { recursive: true });
    } catch {
      // already removed by stop()
    }
  });
  const token = Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const env = {
    ...Deno.env.toObject(),
    ...demoEnv(replay.url, args.port, `${kvDir}/kv.sqlite`, token),
  };
  delete env.MONGODB_URI; // the demo always uses the embedded, throw-away database
  // tied to the demo: even a SIGKILL of the demo stops main.ts and its embedded server
  const child = spawnTied(
    Deno.execPath(),
    ["run", "-A", new URL("../../main.ts", import.meta.url).pathname],
    { env, clearEnv: true, stdout: "piped", stderr: "piped" },
  );

  let appUrl: Promise<string>;
  {
    let resolve!: (url: string) => void;
    appUrl = new Promise((r) => resolve = r);
    const pump = async (stream: ReadableStream<Uint8Array>) => {
      let rest = "";
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        rest += chunk;
        const lines = rest.split("\n");
        rest = lines.pop()!;
        for (const line of lines) {
          const port = /Listening on http:\/\/[^:]+:(\d+)\//.exec(line)?.[1];
          if (port) resolve(`http://127.0.0.1:${port}`);
          let record: { level?: string; message?: string } | null = null;
          try {
            record = JSON.parse(line);
          } catch {
            console.error(line); // not a log line (a crash): show it as it is
          }
          if (record?.level === "ERROR" || record?.level === "FATAL") {
            console.error(`main.ts: ${record.message}`);
          }
        }
      }
    };
    pump(child.stdout);
    pump(child.stderr);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      child.kill("SIGINT");
    } catch {
      // already exited
    }
    await child.status;
    await replay.close();
    await Deno.remove(kvDir, { recursive: true }).catch(() => {});
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(signal, () => void stop().then(() => Deno.exit(0)));
  }

  const url = await Promise.race([
    appUrl,
    child.status.then((s) => Promise.reject(new Error(`main.ts exited with code ${s.code}`))),
  ]).catch(async (error) => {
    console.error(`The demo could not start: ${(error as Error).message}`);
    await stop();
    return null;
  });
  if (url === null) return 1;
  console.log(`Replay server (stands in for both APIs): ${replay.url}`);
  console.log(`Dashboard: ${url}/?refresh=3`);
  console.log(`Explorer: ${url}/explore · read API: ${url}/api/v1/notices`);
  console.log(`Status JSON: ${url}/status`);
  console.log(
    `Trigger a run: curl -X POST -H "Authorization: Bearer ${token}" ${url}/sync`,
  );
  console.log("Ctrl-C stops the demo (its data is thrown away).");

  let last = "";
  let filled = false;
  while (!stopping) {
    await new Promise((r) => setTimeout(r, 1000));
    const status = await fetch(`${url}/status`).then((r) => r.ok ? r.json() : null).catch(
      () => null,
    );
    if (!status) continue;
    const sources = status.sources as SourceLine[];
    const line = sources.map((s) =>
      `${s.source} ${
        ((s.main?.progress ?? 0) * 100).toFixed(0)
      }% ${s.contracts} notices (${s.verdict})`
    ).join(" · ");
    if (line !== last) console.log(line);
    last = line;
    if (!filled && sources.every((s) => s.verdict === "ok")) {
      filled = true;
      console.log(
        `Dashboard filled in ${((Date.now() - started) / 1000).toFixed(1)}s: ${url}/?refresh=3`,
      );
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
