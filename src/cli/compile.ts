/**
 * `deno task compile [--source fts|cf|all] [--ocid OCID]` — rebuilds `procurements` from the
 * stored notices (no API request), with a progress line and one summary line per source.
 * Exit code 0 when done, 1 when the database failed, 2 for bad arguments.
 *
 * ```sh
 * deno task compile                     # every procurement of both sources
 * deno task compile --source cf --ocid ocds-example-4c20859e
 * ```
 * @module
 */
import { ConfigError, loadConfig } from "../config.ts";
import { SOURCE_CATALOG, SOURCE_IDS, type SourceId } from "../sources/catalog.ts";
import { errorText } from "../log.ts";
import { openTaskDatabase } from "./task_database.ts";
import { ensureIndexes } from "../db/indexes.ts";
import { markRebuilt, rebuildProcurements } from "../sync/procurement_rebuild.ts";
import { openKv } from "../sync/wiring.ts";
import { runCli, UsageError } from "./flags.ts";

const USAGE = `Usage: deno task compile [--source fts|cf|all] [--ocid OCID]

Rebuilds the procurements collection from the notices stored in contracts: no API request.
  --source   the source(s) to rebuild (default all)
  --ocid     only this procurement (in each selected source)
  --help     this text
Each source is rebuilt under its sync lease: while a sync holds it, the task says so and exits 1.
Exit: 0 done, 1 the database failed or a lease was held, 2 bad arguments.`;

const COMPILE_FLAGS = { source: "value", ocid: "value" } as const;

/** Parsed command line. */
export interface CompileArgs {
  readonly sources: readonly SourceId[];
  /** Only this procurement, or `null` for all. */
  readonly ocid: string | null;
}

// An ocid is short printable text; anything else is a typo or a pasted line.
const OCID = /^[\x21-\x7e]{1,200}$/;

/**
 * Checks the parsed flags; throws a {@linkcode UsageError} saying what is wrong.
 *
 * @example
 * ```ts
 * compileArgs(new Map([["source", "cf"]])); // { sources: ["cf"], ocid: null }
 * ```
 */
export function compileArgs(flags: ReadonlyMap<string, string>): CompileArgs {
  const source = flags.get("source") ?? "all";
  if (source !== "all" && !(SOURCE_IDS as readonly string[]).includes(source)) {
    throw new UsageError(
      `--source must be ${SOURCE_IDS.join(", ")} or all, not ${JSON.stringify(source)}.`,
    );
  }
  const ocid = flags.get("ocid") ?? null;
  if (ocid !== null && !OCID.test(ocid)) {
    throw new UsageError(
      `--ocid must be an ocid such as ${SOURCE_CATALOG.fts.ocidPrefix}-067fb8.`,
    );
  }
  return { sources: source === "all" ? SOURCE_IDS : [source as SourceId], ocid };
}

async function main(flags: Map<string, string>): Promise<number> {
  let args: CompileArgs;
  let config;
  try {
    args = compileArgs(flags);
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else console.error(error instanceof ConfigError ? error.message : errorText(error));
    return 2;
  }
  const open = await openTaskDatabase(config);
  if (!open) return 1;
  // the rebuild holds each source's sync lease, so it never races a sync or a re-mapping
  const kv = await openKv(config);
  const tty = Deno.stderr.isTerminal();
  const started = performance.now();
  try {
    await ensureIndexes(open.db);
    for (const source of args.sources) {
      const t0 = performance.now();
      const done = await rebuildProcurements(open.db, {
        sources: [source],
        ocid: args.ocid ?? undefined,
        kv,
        leaseTtlMs: config.sync.leaseTtlMs,
        now: Date.now,
        onProgress: (p) => {
          const line =
            `${p.source}  ${p.compiled} procurements  ${p.notices} notices  at ${p.after}`;
          if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`));
        },
      });
      if (tty) console.error("");
      console.log(
        `${source}: ${done.compiled} procurements compiled from ${done.notices} notices, ` +
          `${done.removed} removed, in ${((performance.now() - t0) / 1000).toFixed(1)}s`,
      );
    }
    // a whole rebuild under today's rules spares the cron its background rebuild
    if (args.ocid === null && args.sources.length === SOURCE_IDS.length) {
      await markRebuilt(open.db, new Date());
    }
    if (args.sources.length > 1) {
      console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    }
    return 0;
  } catch (error) {
    console.error(`The rebuild failed: ${errorText(error)}. Run it again: it starts over safely.`);
    return 1;
  } finally {
    kv.close();
    await open.close();
  }
}

if (import.meta.main) Deno.exit(await runCli(Deno.args, COMPILE_FLAGS, USAGE, main));
