/**
 * `deno task recount` — recounts every buyer's `contractCount` from `contracts` and corrects
 * the ones that differ: the safety net behind the per-page counts. Prints a progress line per
 * batch and a summary; exit code 0 when done (whatever it corrected), 1 when it failed, 2 for
 * bad arguments or settings.
 *
 * ```sh
 * deno task recount [--batch 200]
 * ```
 * @module
 */
import { ConfigError, loadConfig } from "../config.ts";
import { errorText } from "../log.ts";
import { openTaskDatabase } from "./task_database.ts";
import { ensureIndexes } from "../db/indexes.ts";
import { recountAllBuyers } from "../db/buyer_recount.ts";

const USAGE = "Usage: deno task recount [--batch N]   (N buyers per transaction, 1–10000)";

/**
 * Parses the arguments; throws an Error saying what is wrong and the usage.
 *
 * @example
 * ```ts
 * parseRecountArgs(["--batch", "500"]).batchSize; // 500
 * ```
 */
export function parseRecountArgs(args: readonly string[]): { batchSize: number } {
  let batchSize = 200;
  for (let i = 0; i < args.length; i++) {
    const m = /^--batch(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`Unknown argument ${JSON.stringify(args[i])}.\n${USAGE}`);
    const value = m[1] ?? args[++i];
    if (value === undefined || !/^\d{1,5}$/.test(value) || +value < 1 || +value > 10_000) {
      throw new Error(`--batch must be an integer from 1 to 10000.\n${USAGE}`);
    }
    batchSize = Number(value);
  }
  return { batchSize };
}

async function main(): Promise<number> {
  let config;
  let args;
  try {
    config = loadConfig(Deno.env.toObject());
    args = parseRecountArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : errorText(error));
    return 2;
  }
  const open = await openTaskDatabase(config);
  if (!open) return 1;
  try {
    await ensureIndexes(open.db);
    const started = performance.now();
    const result = await recountAllBuyers(open.db, {
      now: new Date(),
      batchSize: args.batchSize,
      onBatch: (p) => console.error(`${p.buyers} buyers recounted, ${p.corrected} corrected`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `Recounted ${result.buyers} buyers in ${result.batches} batches (${seconds}s): ` +
        `${result.corrected} counts corrected.` +
        (result.transactional
          ? ""
          : " The server has no transactions: run this again while no sync runs if any sync " +
            "was running meanwhile."),
    );
    return 0;
  } catch (error) {
    console.error(`The recount failed: ${errorText(error)}. Counts already corrected stay.`);
    return 1;
  } finally {
    await open.close();
  }
}

if (import.meta.main) Deno.exit(await main());
