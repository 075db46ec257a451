/**
 * `deno task crash [--releases 20000] [--kills 100] [--seed 7]`: the crash-resume equivalence
 * check with more kills than CI runs; prints every start and the verdict.
 * @module
 */
import { runCli } from "../../src/cli/flags.ts";
import { crashResume } from "./crash_harness.ts";

const USAGE = `Usage: deno task crash [--releases N] [--kills N] [--seed N]
  SIGKILLs a replay backfill --kills times (default 100) over --releases releases (default 20000),
  restarts it until done, and compares its canonical hash with an uninterrupted run's.`;

Deno.exit(
  await runCli(
    Deno.args,
    { releases: "value", kills: "value", seed: "value" },
    USAGE,
    async (f) => {
      const number = (name: string, def: number) => Number(f.get(name) ?? def);
      const result = await crashResume({
        releases: number("releases", 20_000),
        kills: number("kills", 100),
        seed: number("seed", 7),
        onEvent: (line) => console.log(line),
      });
      console.log(JSON.stringify(result));
      console.log(result.crashedHash === result.referenceHash ? "IDENTICAL" : "DIFFERENT");
      return result.crashedHash === result.referenceHash ? 0 : 1;
    },
  ),
);
