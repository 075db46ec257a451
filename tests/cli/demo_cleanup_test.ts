import { assert, assertEquals } from "@std/assert";
import { childEnv, projectPath } from "../support/process.ts";
import { jongodbBinary } from "../../src/db/embedded.ts";

/** Every descendant of `pid` (Linux), with its command line. */
async function descendants(pid: number): Promise<{ pid: number; cmd: string }[]> {
  const parents = new Map<number, number[]>();
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry.name)]);
  }
  const found: { pid: number; cmd: string }[] = [];
  const walk = async (p: number) => {
    for (const c of parents.get(p) ?? []) {
      const cmd = await Deno.readTextFile(`/proc/${c}/cmdline`).catch(() => "");
      found.push({ pid: c, cmd: cmd.replaceAll("\0", " ").trim() });
      await walk(c);
    }
  };
  await walk(pid);
  return found;
}

const alive = (pid: number) =>
  Deno.readTextFile(`/proc/${pid}/stat`).then(
    (s) => s.slice(s.lastIndexOf(")") + 2)[0] !== "Z",
    () => false,
  );

/**
 * The processes of `family` still running after up to `ms` (the supervisor's pipe watcher
 * notices its parent's end asynchronously: on a loaded machine that takes a moment).
 */
async function stillRunning(
  family: readonly { pid: number; cmd: string }[],
  ms = 8_000,
): Promise<string[]> {
  const until = Date.now() + ms;
  let left = [...family];
  for (;;) {
    const still = await Promise.all(left.map((p) => alive(p.pid)));
    left = left.filter((_, i) => still[i]);
    if (left.length === 0 || Date.now() >= until) return left.map((p) => p.cmd);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts the demo with its own TMPDIR and waits for its dashboard line. */
async function startDemo(tmp: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", projectPath("src/cli/demo.ts"), "--port", "0", "--releases", "20"],
    cwd: projectPath(""),
    env: childEnv({ TMPDIR: tmp }),
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("Dashboard: http")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the demo ended early:\n${seen}`);
    seen += value;
  }
  const drained = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe flowing */ }
  })();
  return { child, drained };
}

Deno.test({
  name: "the demo removes its temporary folder and stops every process on Ctrl-C",
  ignore: jongodbBinary() === null,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const { child, drained } = await startDemo(tmp);
      const inside = [...Deno.readDirSync(tmp)].map((e) => e.name);
      assert(inside.some((n) => n.startsWith("procurement-demo-")), inside.join(", "));
      const family = await descendants(child.pid);
      assert(family.some((p) => p.cmd.includes("jongodb")), JSON.stringify(family));
      child.kill("SIGINT");
      assertEquals((await child.status).code, 0);
      await drained;
      assertEquals([...Deno.readDirSync(tmp)].map((e) => e.name), [], "folder removed");
      assertEquals(await stillRunning(family), [], "every process of the demo stopped");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test({
  name: "a SIGKILLed demo (timeout -s KILL) leaves no main.ts and no jongodb behind",
  ignore: jongodbBinary() === null,
  fn: async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const { child, drained } = await startDemo(tmp);
      const family = await descendants(child.pid);
      assert(family.some((p) => p.cmd.includes("main.ts")), JSON.stringify(family));
      assert(family.some((p) => p.cmd.includes("jongodb")), JSON.stringify(family));
      child.kill("SIGKILL");
      await child.status;
      await drained;
      assertEquals(await stillRunning(family), [], "every process of the demo stopped");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
