/**
 * `deno task remap` — re-maps the stored raw releases into contracts and buyers with today's
 * mapping, without one API request: after a mapping change, or to rebuild deleted documents.
 * Same progress line as `deno task sync`; resumable after a kill (the cursor is in MongoDB).
 *
 * ```sh
 * deno task remap --source fts --since 2026-01-01
 * ```
 *
 * Exit code 0 when every job finished, 1 when one failed or a source's lease was held, 2 for
 * bad arguments.
 * @module
 */
import { ConfigError, loadConfig, SOURCE_IDS, type SourceId } from "../config.ts";
import { errorText } from "../log.ts";
import { systemClock } from "../clock.ts";
import { openTaskDatabase } from "./task_database.ts";
import { ensureIndexes } from "../db/indexes.ts";
import { openKv } from "../sync/wiring.ts";
import { type RemapResult, runRemap } from "../sync/remap.ts";
import { progressLine } from "./sync.ts";

/** Parsed command line, or help, or a problem. */
export type RemapArgs =
  | { readonly kind: "run"; readonly sources: readonly SourceId[]; readonly since: Date | null }
  | { readonly kind: "help" }
  | { readonly kind: "bad"; readonly message: string };

/** The usage text (`--help`). */
export const REMAP_USAGE = `Usage: deno task remap [--source fts|cf|all] [--since DATE]

Re-maps the stored raw releases (the releases collection) into contracts and buyers with
today's mapping. No API request is made. Newer releases win as in a sync; deleted contracts
and buyers are rebuilt; buyer counts stay exact. A killed run resumes where it stopped.

  --source fts|cf|all   which source's releases (default: all)
  --since DATE          only releases dated from DATE (2026-01-01 or 2026-01-01T06:00:00Z)
  -h, --help            this text

Exit: 0 every job finished, 1 a job failed or a lease was held, 2 bad arguments.`;

/**
 * Parses the arguments.
 *
 * @example
 * ```ts
 * parseRemapArgs(["--source", "cf"]); // { kind: "run", sources: ["cf"], since: null }
 * parseRemapArgs(["--verbose"]); // { kind: "bad", message: "unknown option --verbose …" }
 * ```
 */
export function parseRemapArgs(args: readonly string[]): RemapArgs {
  let source = "all";
  let since: Date | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    const m = /^--(source|since)(?:=(.*))?$/.exec(arg);
    if (m === null) {
      const what = arg.startsWith("-") ? "unknown option" : "unexpected argument";
      return { kind: "bad", message: `${what} ${arg} (see --help)` };
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) return { kind: "bad", message: `--${m[1]} needs a value` };
    if (m[1] === "source") {
      if (value !== "all" && !(SOURCE_IDS as readonly string[]).includes(value)) {
        return {
          kind: "bad",
          message: `--source must be fts, cf or all, not ${JSON.stringify(value)}`,
        };
      }
      source = value;
    } else {
      const d = /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? new Date(`${value}T00:00:00Z`)
        : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)
        ? new Date(value)
        : new Date(NaN);
      if (Number.isNaN(d.getTime())) {
        return {
          kind: "bad",
          message: `--since must be a date such as 2026-01-01 or 2026-01-01T06:00:00Z, not ${
            JSON.stringify(value)
          }`,
        };
      }
      since = d;
    }
  }
  return {
    kind: "run",
    sources: source === "all" ? SOURCE_IDS : [source as SourceId],
    since,
  };
}

/** The summary line of one job. */
export function summaryLine(source: SourceId, r: RemapResult): string {
  const c = r.job?.counts;
  const totals = c
    ? `${c.releases} of ${r.job?.total} releases (${c.inserted} new, ${c.updated} updated, ` +
      `${c.unchanged} unchanged, ${c.stale} stale, ${c.quarantined} quarantined), ${c.batches} batches`
    : "nothing done";
  return `${source}: ${r.outcome} — ${totals}${r.error ? `\n  ${r.error}` : ""}`;
}

async function main(): Promise<number> {
  const parsed = parseRemapArgs(Deno.args);
  if (parsed.kind === "help") {
    console.log(REMAP_USAGE);
    return 0;
  }
  if (parsed.kind === "bad") {
    console.error(`remap: ${parsed.message}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : errorText(error));
    return 2;
  }
  const open = await openTaskDatabase(config);
  if (!open) return 1;
  const kv = await openKv(config);
  const tty = Deno.stderr.isTerminal();
  try {
    await ensureIndexes(open.db);
    let ok = true;
    for (const source of parsed.sources) {
      const result = await runRemap({
        db: open.db,
        kv,
        clock: systemClock,
        sync: config.sync,
        onProgress: (p) => {
          const line = progressLine(p);
          if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`));
          else console.error(line);
        },
      }, { source, kind: "cli", since: parsed.since });
      if (tty) console.error("");
      console.log(summaryLine(source, result));
      ok &&= result.outcome === "done";
    }
    return ok ? 0 : 1;
  } finally {
    kv.close();
    await open.close();
  }
}

if (import.meta.main) Deno.exit(await main());
