import { assertEquals, assertThrows } from "@std/assert";
import { parseFlags, runCli, UsageError } from "../../src/cli/flags.ts";

const SPEC = { source: "value", dry: "switch" } as const;

Deno.test("parseFlags reads values, switches and --name=value", () => {
  const flags = parseFlags(["--source", "fts", "--dry"], SPEC);
  assertEquals(flags, new Map([["source", "fts"], ["dry", ""]]));
  assertEquals(parseFlags(["--source=cf"], SPEC), new Map([["source", "cf"]]));
});

Deno.test("parseFlags answers help for --help and -h, whatever else is there", () => {
  assertEquals(parseFlags(["--bogus", "-h"], SPEC), "help");
  assertEquals(parseFlags(["--help"], SPEC), "help");
});

Deno.test("parseFlags names what it does not accept", () => {
  assertThrows(() => parseFlags(["--verbose"], SPEC), UsageError, 'Unknown flag "--verbose"');
  assertThrows(() => parseFlags(["fts"], SPEC), UsageError, 'Unexpected argument "fts"');
  assertThrows(() => parseFlags(["--source"], SPEC), UsageError, "--source needs a value");
  assertThrows(() => parseFlags(["--source", "--dry"], SPEC), UsageError, "needs a value");
  assertThrows(() => parseFlags(["--dry=1"], SPEC), UsageError, "--dry takes no value");
  // a long argument is shown shortened, never whole
  const long = `--${"x".repeat(10_000)}`;
  assertThrows(() => parseFlags([long], SPEC), UsageError, "…");
});

Deno.test("runCli: usage exits 0, bad flags exit 2, otherwise main's code", async () => {
  let ran = 0;
  const main = () => {
    ran++;
    return 7;
  };
  assertEquals(await runCli(["-h"], SPEC, "Usage: x", main), 0);
  assertEquals(await runCli(["--nope"], SPEC, "Usage: x", main), 2);
  assertEquals(ran, 0);
  assertEquals(await runCli(["--dry"], SPEC, "Usage: x", main), 7);
  assertEquals(ran, 1);
});
