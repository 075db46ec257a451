import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runMainToExit, startMain } from "./support/process.ts";
import { jongodbBinary } from "../src/db/embedded.ts";

Deno.test({
  name: "with no environment, main.ts starts an embedded MongoDB and answers /health",
  ignore: jongodbBinary() === null,
  fn: async () => {
    const started = Date.now();
    await using app = await startMain({});
    await app.waitFor(/embedded in-memory MongoDB/);
    const res = await fetch(`${app.url}/health`);
    assertEquals(res.status, 200);
    assertEquals(await res.json(), { ok: true });
    assert(Date.now() - started < 10_000, "health answered within 10 s");
    const notice = app.lines.find((l) => l.includes("embedded in-memory MongoDB"))!;
    assertStringIncludes(notice, "Set MONGODB_URI");
    assertEquals(JSON.parse(notice).level, "WARN");
    assertEquals(await app.stop(), 0, "SIGINT stops it cleanly");
  },
});

Deno.test("an unreachable MONGODB_URI stops start-up fast, naming the host, no credentials", async () => {
  const { code, output, ms } = await runMainToExit({
    MONGODB_URI: "mongodb://bob:hunter22@127.0.0.1:1/x",
  });
  assertEquals(code, 1);
  assertStringIncludes(output, "Cannot reach MongoDB at 127.0.0.1:1");
  assert(!output.includes("hunter22"), output);
  assert(ms < 15_000, `took ${ms} ms`);
});

Deno.test("a bad setting stops start-up with a message naming it", async () => {
  const { code, output } = await runMainToExit({ LOG_LEVEL: "loud" });
  assertEquals(code, 1);
  assertStringIncludes(output, 'LOG_LEVEL="loud" is invalid');
});
