import { assert, assertEquals, assertRejects } from "@std/assert";
import { CRON_NAME, cronCallback, CronRunError } from "../../src/sync/cron_handler.ts";

const failing = () => Promise.reject(new CronRunError("The cron sync had failures (fts: error)."));

Deno.test("locally a failed tick resolves: its log line is the only line a person reads", async () => {
  assertEquals(await cronCallback(failing)(), undefined);
  assertEquals(await cronCallback(failing, { retry: false })(), undefined);
  let ran = 0;
  await cronCallback(() => Promise.resolve(ran++), { retry: true })();
  assertEquals(ran, 1);
});

Deno.test("on Deploy a failed tick rejects with a one-line CronRunError, so Deploy retries", async () => {
  const error = await assertRejects(cronCallback(failing, { retry: true }), CronRunError);
  assert(!error.stack!.includes("\n"), `no stack frames: ${error.stack}`);
  assertEquals(error.stack, `CronRunError: ${error.message}`);
  assert(error.message.includes(CRON_NAME) && error.message.includes("logged above"));
  // what Deno prints for it: `Exception in cron handler … [CronRunError: …]`, one line
  assert(!Deno.inspect(error).includes("\n"), Deno.inspect(error));
  const odd = await assertRejects(
    cronCallback(() => Promise.reject(new TypeError("x is undefined")), { retry: true }),
    CronRunError,
  );
  assert(odd.message.includes("TypeError: x is undefined"), odd.message);
});
