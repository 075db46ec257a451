/**
 * The `deploy` block of deno.json must be what today's Deno and Deno Deploy read: Deno's own
 * config parser (which `deno run --tunnel` and `deno deploy` use) rejects the retired
 * deployctl keys, and once `org` is present it accepts unknown keys silently, so every key is
 * also checked against the schema's list.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { projectPath } from "./support/process.ts";

/**
 * The keys the `deploy` object of Deno's config-file schema allows (it sets
 * `additionalProperties: false` on `deploy` and on `deploy.runtime`). Copied from denoland/deno
 * `cli/schemas/config-file.v1.json` at commit 98f9507affc905f088124891add3a8dd63b91f77
 * (Aug 2026); the docs page deploy/reference/builds.md describes them.
 */
const SCHEMA = {
  org: "string",
  app: "string",
  framework: "string",
  install: "string",
  build: "string",
  predeploy: "string",
  include: "string[]",
  exclude: "string[]",
  runtime: {
    mode: "string",
    entrypoint: "string",
    args: "string[]",
    cwd: "string",
    spa: "boolean",
  },
} as const;
const RUNTIME_MODES = ["dynamic", "static"];

type Shape = typeof SCHEMA | typeof SCHEMA["runtime"];

function deployBlock(): Record<string, unknown> {
  const config = JSON.parse(Deno.readTextFileSync(projectPath("deno.json")));
  assert(config.deploy && typeof config.deploy === "object", "deno.json has a deploy block");
  return config.deploy;
}

/** Every problem of `value` against `shape`, with its path. */
function problems(value: Record<string, unknown>, shape: Shape, path: string): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const want = (shape as Record<string, unknown>)[key];
    const at = `${path}.${key}`;
    if (want === undefined) out.push(`${at} is not a key the schema allows`);
    else if (typeof want === "object") {
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        out.push(`${at} is not an object`);
      } else out.push(...problems(v as Record<string, unknown>, want as Shape, at));
    } else if (want === "string[]") {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
        out.push(`${at} is not a list of strings`);
      }
    } else if (String(typeof v) !== want) out.push(`${at} is not a ${want}`);
  }
  return out;
}

/** Whether this Deno has `deno run --tunnel` (2.5 does not; 2.9 does, as a hidden flag). */
async function hasTunnel(): Promise<boolean> {
  const probe = new Deno.Command(Deno.execPath(), {
    args: ["run", "--tunnel", "--help"],
    stdout: "null",
    stderr: "null",
  });
  return (await probe.output()).code === 0;
}

/** Runs `deno run --tunnel` in `dir` and returns what it printed (it stops at the network). */
async function tunnelOutput(dir: string, script: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--tunnel", "-A", script],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Offline it stops at once; with a network it would go on to log in: stop it either way.
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = await child.output();
  clearTimeout(timer);
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

Deno.test("every key of the deploy block is one the config schema allows, with its type", () => {
  const deploy = deployBlock();
  assertEquals(problems(deploy, SCHEMA, "deploy"), []);
  assertEquals(typeof deploy.org, "string", "org is required by Deno's parser");
  const runtime = deploy.runtime as Record<string, unknown> | undefined;
  if (runtime?.mode !== undefined) assert(RUNTIME_MODES.includes(String(runtime.mode)));
  // the check can fail: the retired deployctl keys are refused
  assertEquals(problems({ project: "x", entrypoint: "main.ts" }, SCHEMA, "deploy"), [
    "deploy.project is not a key the schema allows",
    "deploy.entrypoint is not a key the schema allows",
  ]);
  assertEquals(problems({ runtime: { type: "dynamic" } }, SCHEMA, "deploy"), [
    "deploy.runtime.type is not a key the schema allows",
  ]);
});

Deno.test("the deploy block ships the entrypoint and every local module it imports", async () => {
  const deploy = deployBlock();
  const runtime = deploy.runtime as { entrypoint: string };
  const include = deploy.include as string[];
  const exclude = deploy.exclude as string[];
  const under = (path: string, entries: string[]) =>
    entries.some((e) => e.endsWith("/") ? path.startsWith(e) : path === e);
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", runtime.entrypoint],
    cwd: projectPath(""),
  }).output();
  assertEquals(info.code, 0, new TextDecoder().decode(info.stderr));
  const root = new URL("../", import.meta.url).href;
  const local =
    (JSON.parse(new TextDecoder().decode(info.stdout)).modules as { specifier: string }[])
      .map((m) => m.specifier)
      .filter((s) => s.startsWith(root))
      .map((s) => s.slice(root.length));
  assert(local.includes("main.ts") && local.length > 20, local.join());
  for (const path of [...local, "deno.json", "deno.lock"]) {
    assert(under(path, include) && !under(path, exclude), `${path} would not be deployed`);
  }
});

Deno.test({
  name: "Deno's own parser reads the deploy block (deno run --tunnel), and refuses a broken one",
  ignore: !(await hasTunnel()),
  fn: async () => {
    const output = await tunnelOutput(projectPath(""), "main.ts");
    assert(!output.includes('Failed to parse "deploy"'), output);
    assert(!output.includes("Failed deserializing config file"), output);

    // the same command on the retired deployctl block fails: the test can see a bad block
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/main.ts`, "");
      await Deno.writeTextFile(
        `${dir}/deno.json`,
        JSON.stringify({ deploy: { project: "procurement-sync", entrypoint: "main.ts" } }),
      );
      const broken = await tunnelOutput(dir, "main.ts");
      assertStringIncludes(broken, 'Failed to parse "deploy"');
      assertStringIncludes(broken, "missing field `org`");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
