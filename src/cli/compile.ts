/**
 * `deno task compile [--source fts|cf|all] [--ocid OCID]` — rebuilds `procurements` from the
 * stored notices (no API request), with a progress line and one summary line per source.
 * Exit code 0 when done, 1 when the database failed, 2 for bad arguments.
 *
 * ```sh
 * deno task compile                     # every procurement of both sources
 * deno task compile --source cf --ocid ocds-b5fd17-4c20859e-a305-4461-84c9-31ee8b43f2d0
 * ```
 * @module
 */
import { ConfigError, loadConfig, SOURCE_IDS, type SourceId } from "../config.ts";
import { errorText, secretsOfUri, setupLogging } from "../log.ts";
import { openDatabase } from "../db/open.ts";
import { ensureIndexes } from "../db/indexes.ts";
import { markRebuilt, rebuildProcurements } from "../sync/procurement_rebuild.ts";

const USAGE = `Usage: deno task compile [--source fts|cf|all] [--ocid OCID]

Rebuilds the procurements collection from the notices stored in contracts: no API request.
  --source   the source(s) to rebuild (default all)
  --ocid     only this procurement (in each selected source)
  --help     this text
Exit: 0 done, 1 the database failed, 2 bad arguments.`;

/** Parsed command line. */
export type CompileArgs =
  | { readonly kind: "run"; readonly sources: readonly SourceId[]; readonly ocid: string | null }
  | { readonly kind: "help" }
  | { readonly kind: "bad"; readonly message: string };

// An ocid is short printable text; anything else is a typo or a pasted line.
const OCID = /^[\x21-\x7e]{1,200}$/;

/**
 * Parses the arguments.
 *
 * @example
 * ```ts
 * parseCompileArgs(["--source=cf"]); // { kind: "run", sources: ["cf"], ocid: null }
 * parseCompileArgs(["--lots"]).kind; // "bad"
 * ```
 */
export function parseCompileArgs(args: readonly string[]): CompileArgs {
  let source = "all";
  let ocid: string | null = null;
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-h" || a === "--help") return { kind: "help" };
    const m = /^--(source|ocid)(?:=(.*))?$/s.exec(a);
    if (m === null) return { kind: "bad", message: `unknown argument ${JSON.stringify(a)}` };
    if (seen.has(m[1])) return { kind: "bad", message: `--${m[1]} given twice` };
    seen.add(m[1]);
    const value = m[2] ?? args[++i];
    if (value === undefined) return { kind: "bad", message: `--${m[1]} needs a value` };
    if (m[1] === "source") source = value;
    else ocid = value;
  }
  if (source !== "all" && !(SOURCE_IDS as readonly string[]).includes(source)) {
    return {
      kind: "bad",
      message: `--source must be fts, cf or all, not ${JSON.stringify(source)}`,
    };
  }
  if (ocid !== null && !OCID.test(ocid)) {
    return { kind: "bad", message: "--ocid must be an ocid such as ocds-h6vhtk-067fb8" };
  }
  return { kind: "run", sources: source === "all" ? SOURCE_IDS : [source as SourceId], ocid };
}

async function main(): Promise<number> {
  const args = parseCompileArgs(Deno.args);
  if (args.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (args.kind === "bad") {
    console.error(`${args.message}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : errorText(error));
    return 2;
  }
  setupLogging({ level: "warning", secrets: secretsOfUri(config.mongodbUri) });
  const open = await openDatabase(config).catch((error) => {
    console.error(errorText(error));
    return null;
  });
  if (!open) return 1;
  const tty = Deno.stderr.isTerminal();
  const started = performance.now();
  try {
    await ensureIndexes(open.db);
    for (const source of args.sources) {
      const t0 = performance.now();
      const done = await rebuildProcurements(open.db, {
        sources: [source],
        ocid: args.ocid ?? undefined,
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
    await open.close();
  }
}

if (import.meta.main) Deno.exit(await main());
