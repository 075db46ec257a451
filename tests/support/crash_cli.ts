/**
 * `deno task crash [--releases 20000] [--kills 100] [--seed 7] [--replica-set]`: the
 * crash-resume equivalence check with more kills than CI runs; prints every start and the
 * verdict. Runs on a standalone jongodb (buyers recounted per page) unless `--replica-set`
 * asks for transactional pages (slow on jongodb past a few thousand notices).
 * @module
 */
import { crashResume } from "./crash_harness.ts";

const arg = (name: string, def: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : def;
};
const result = await crashResume({
  releases: arg("releases", 20_000),
  kills: arg("kills", 100),
  seed: arg("seed", 7),
  replicaSet: Deno.args.includes("--replica-set"),
  onEvent: (line) => console.log(line),
});
console.log(JSON.stringify(result));
const good = result.crashedHash === result.referenceHash && result.corrected === 0;
console.log(
  (result.crashedHash === result.referenceHash ? "IDENTICAL" : "DIFFERENT") +
    `, ${result.corrected} buyer counts corrected by a recount`,
);
Deno.exit(good ? 0 : 1);
