/**
 * Every task CLI: `--help` prints the usage and exits 0 without doing anything, an unknown flag
 * exits 2 naming the flag. Run as the user runs them, through `deno task`.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { projectPath } from "../support/process.ts";

const TASKS = [
  "sync",
  "demo",
  "map",
  "compile",
  "replay",
  "crash",
  "bench:sync",
  "bench:memory",
  "bench:http",
  "doctor",
];

async function task(name: string, ...args: string[]) {
  const started = Date.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: projectPath(""),
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: text(out.stdout),
    stderr: text(out.stderr),
    ms: Date.now() - started,
  };
}

for (const name of TASKS) {
  Deno.test(`deno task ${name} --help prints the usage and exits 0; --bogus exits 2`, async () => {
    const help = await task(name, "--help");
    assertEquals(help.code, 0, help.stderr);
    assert(/usage/i.test(help.stdout), help.stdout);
    // no side effects: nothing started (a run would take far longer and print progress)
    assert(help.ms < 20_000, `--help took ${help.ms} ms`);
    const short = await task(name, "-h");
    assertEquals(short.code, 0, short.stderr);
    const bad = await task(name, "--bogus");
    assertEquals(bad.code, 2, `${bad.stdout}\n${bad.stderr}`);
    assertStringIncludes(bad.stderr, "--bogus");
  });
}
