/**
 * `deno task crash [--releases 20000] [--kills 100] [--seed 7]`: the crash-resume equivalence
 * check with more kills than CI runs; prints every start and the verdict.
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
  onEvent: (line) => console.log(line),
});
console.log(JSON.stringify(result));
console.log(result.crashedHash === result.referenceHash ? "IDENTICAL" : "DIFFERENT");
Deno.exit(result.crashedHash === result.referenceHash ? 0 : 1);
