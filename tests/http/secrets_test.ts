import { assert, assertEquals } from "@std/assert";
import { registerSecrets, secretsOfUri } from "../../src/log.ts";
import { recordRun, runRecord } from "../../src/db/runs.ts";
import { mongoTest } from "../support/mongo.ts";
import { startHarness, TOKEN } from "./harness.ts";

const PASSWORD = "Pa55w0rd-hunter-7731";
const URI = `mongodb+srv://app:${PASSWORD}@cluster0.example.net/procurement`;

mongoTest("no answer ever carries the MongoDB password or the trigger token", async (db) => {
  // what main.ts does at start-up
  registerSecrets([...secretsOfUri(URI), TOKEN]);
  await using h = await startHarness({ db, env: { MONGODB_URI: URI } });
  await (await h.fetch("/sync", { method: "POST", token: TOKEN })).body?.cancel();
  await h.app.idle();
  // secrets that slipped into data: a run error and a notice title
  const runId = "3f1e0000-0000-4000-8000-000000000001";
  const at = new Date();
  await recordRun(
    db,
    runRecord({
      _id: runId,
      source: "fts",
      streamId: "fts:range:x",
      trigger: "manual",
      startedAt: at,
      endedAt: at,
      outcome: "error",
      error: `MongoServerError: auth failed for ${URI} with token ${TOKEN}`,
    }),
    100,
  );
  await db.collection("contracts").updateOne({ source: "cf" }, {
    $set: { title: `Leaked ${PASSWORD} and ${encodeURIComponent(TOKEN)}`, releaseDate: new Date() },
  });

  const answers: [string, Response][] = [];
  const call = async (path: string, init?: RequestInit & { token?: string }) =>
    answers.push([path, await h.fetch(path, init)]);
  await call("/");
  await call("/status");
  await call(`/runs/${runId}`);
  await call("/health");
  await call("/nope");
  await call("/sync", { method: "POST", token: "wrong-token-0000000000" });
  await call("/sync?source=bad", { method: "POST", token: TOKEN });
  await call("/backfill?source=fts&from=junk", { method: "POST", token: TOKEN });
  for (const [path, res] of answers) {
    const text = await res.text();
    for (const secret of [PASSWORD, TOKEN, encodeURIComponent(TOKEN)]) {
      assert(
        !text.includes(secret),
        `${path} (${res.status}) leaks a secret:\n${text.slice(0, 400)}`,
      );
    }
    for (const [name, value] of res.headers) {
      assert(!value.includes(PASSWORD) && !value.includes(TOKEN), `${path} header ${name}`);
    }
  }
  const status = await (await h.fetch("/status")).json();
  assertEquals(
    status.sources[0].runs[0].error,
    "MongoServerError: auth failed for mongodb+srv://***@cluster0.example.net/procurement with token ***",
  );
});
