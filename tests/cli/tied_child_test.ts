import { assert, assertEquals } from "@std/assert";
import { spawnTied } from "../../src/cli/tied_child.ts";
import { projectPath } from "../support/process.ts";

/** Whether a process exists and is not a zombie (Linux). */
async function alive(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!(await alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !(await alive(pid));
}

Deno.test({
  name: "a tied child stops when its parent is SIGKILLed, which no handler sees",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // the parent: a deno process that ties `sleep 300` to itself, prints its pid and waits
    const script = `
      import { spawnTied } from ${JSON.stringify(projectPath("src/cli/tied_child.ts"))};
      const child = spawnTied("/bin/sh", ["-c", "echo SLEEPER=$$; exec sleep 300"], { stdout: "inherit" });
      await child.status;
    `;
    const parent = new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!/SLEEPER=(\d+)/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const pid = Number(/SLEEPER=(\d+)/.exec(seen)?.[1]);
    assert(pid > 0 && await alive(pid), seen);
    parent.kill("SIGKILL");
    await parent.status;
    // within the 5 s grace: SIGTERM, not the SIGKILL that follows it, stopped it
    assert(await gone(pid, 3_000), `sleep ${pid} outlived its SIGKILLed parent`);
    await reader.cancel().catch(() => {});
  },
});

Deno.test({
  name: "a tied child gets SIGTERM from kill() and its exit code comes back",
  ignore: Deno.build.os !== "linux",
  // spawnTied keeps the write end of the child's stdin open, unwritten, for as long as this
  // process lives (its closing is the stop signal), and hands out no writer to close it with
  sanitizeResources: false,
  fn: async () => {
    const child = spawnTied("/bin/sh", [
      "-c",
      "trap 'exit 7' TERM; sleep 300 & echo READY; wait",
    ], { stdout: "piped" });
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assertEquals((await reader.read()).value?.trim(), "READY");
    child.kill("SIGINT");
    assertEquals((await child.status).code, 7, "the command saw SIGTERM and chose its code");
    await reader.cancel();
    const done = spawnTied("/bin/sh", ["-c", "exit 3"], { stdout: "null" });
    assertEquals((await done.status).code, 3);
  },
});
