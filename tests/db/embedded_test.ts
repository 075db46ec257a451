import { assert, assertEquals } from "@std/assert";
import { startEmbeddedMongo } from "../../src/db/embedded.ts";
import { MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";

const EMBEDDED = new URL("../../src/db/embedded.ts", import.meta.url).href;

function alive(pid: number): boolean {
  try {
    // /proc/<pid>/stat exists while the process (or its zombie) exists; a zombie is gone for us
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \([^)]*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

/** Starts a Deno process that starts an embedded server, prints its pid, and waits forever. */
async function parentWithServer(
  then = "setInterval(() => {}, 1e6);",
): Promise<{ child: Deno.ChildProcess; pid: number }> {
  const code = `const { startEmbeddedMongo } = await import(${JSON.stringify(EMBEDDED)});
    const s = await startEmbeddedMongo(); console.log("PID=" + s.pid); ${then}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/PID=\d+\n/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return { child, pid: Number(/PID=(\d+)/.exec(seen)?.[1]) };
}

Deno.test("startEmbeddedMongo: the server answers, and stop() ends it", async () => {
  const server = await startEmbeddedMongo();
  assert(server.pid > 0, "the server's pid is known");
  const client = new MongoClient(server.uri, { ...CLIENT_OPTIONS, serverSelectionTimeoutMS: 5000 });
  try {
    assertEquals((await client.db("x").command({ ping: 1 })).ok, 1);
  } finally {
    await client.close();
  }
  await server.stop();
  assert(await gone(server.pid, 5000), "stop() ends the server");
});

for (const signal of ["SIGKILL", "SIGTERM"] as const) {
  Deno.test(`startEmbeddedMongo: no server outlives a parent ended by ${signal}`, async () => {
    const { child, pid } = await parentWithServer();
    assert(pid > 0 && alive(pid), "the server runs while its parent does");
    child.kill(signal);
    await child.status;
    assert(await gone(pid, 5000), `server ${pid} still running after its parent's ${signal}`);
  });
}

Deno.test("startEmbeddedMongo: no server outlives a parent that dies of an uncaught error", async () => {
  // Deno kills its children when it dies of an error: the supervisor shell goes, and the
  // watcher it left must still stop the server (the first supervisor design left it running).
  const { child, pid } = await parentWithServer(
    'setTimeout(() => { throw new Error("boom"); }, 300);',
  );
  assert(pid > 0, "the server started");
  await child.status;
  assert(await gone(pid, 5000), `server ${pid} still running after its parent died of an error`);
});
