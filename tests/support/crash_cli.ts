/**
 * `deno task crash [--releases 20000] [--kills 100] [--seed 7] [--replica-set]`: the
 * crash-resume equivalence check with more kills than CI runs; prints every start and the
 * verdict. Runs on a standalone jongodb (buyers recounted per page) unless `--replica-set`
 * asks for transactional pages (slow on jongodb past a few thousand notices).
 * @module
 */
import { runCli } from "../../src/cli/flags.ts";
import { crashResume } from "./crash_harness.ts";

const USAGE = `Usage: deno task crash [--releases N] [--kills N] [--seed N] [--replica-set]
  SIGKILLs a replay backfill --kills times (default 100) over --releases releases (default 20000),
  restarts it until done, and compares its canonical hash with an uninterrupted run's.
  --replica-set runs jongodb as a replica set (pages in transactions).`;

Deno.exit(
  await runCli(
    Deno.args,
    { releases: "value", kills: "value", seed: "value", "replica-set": "switch" },
    USAGE,
    async (f) => {
      const number = (name: string, def: number) => Number(f.get(name) ?? def);
      const result = await crashResume({
        releases: number("releases", 20_000),
        kills: number("kills", 100),
        seed: number("seed", 7),
        replicaSet: f.has("replica-set"),
        onEvent: (line) => console.log(line),
      });
      console.log(JSON.stringify(result));
      const good = result.crashedHash === result.referenceHash && result.corrected === 0;
      console.log(
        (result.crashedHash === result.referenceHash ? "IDENTICAL" : "DIFFERENT") +
          `, ${result.corrected} buyer counts corrected by a recount`,
      );
      return good ? 0 : 1;
    },
  ),
);
