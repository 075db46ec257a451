/**
 * Work per hostile request (issue 11), before and after, side by side in one run:
 * `deno bench -A tests/bench/hostile_input_bench.ts` (part of `deno task bench`).
 *
 * - redaction of 64,000 letters: the old regex (kept here only, to compare) vs `redact`;
 * - the 404 path of a 64 KB request line: the old answer (the path echoed, redacted by the
 *   old regex) vs the app's;
 * - `GET /` with 12 notices of 20,000-letter titles (the page the old regex redacted whole);
 * - `GET /health` while three such `GET /` run, over real HTTP.
 *
 * The old variants take seconds: they run once (`n: 1`).
 */
import { contractsCollection } from "../../src/db/contracts.ts";
import { createApp } from "../../src/http/app.ts";
import { loadConfig } from "../../src/config.ts";
import { redact } from "../../src/log.ts";
import { runSync } from "../../src/sync/engine.ts";
import { startHarness } from "../http/harness.ts";

/** `redact` before issue 11: quadratic on a long run of `[a-z0-9+.-]`. */
const oldRedact = (t: string) => t.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, "$1***@");

const letters = "a".repeat(64_000);
const longPath = `/${letters}`;

Deno.bench("redact 64,000 letters: old regex", { group: "redact", n: 1, warmup: 0 }, () => {
  oldRedact(letters);
});
Deno.bench("redact 64,000 letters: linear scan", { group: "redact", baseline: true }, () => {
  redact(letters);
});

const bare = createApp({ config: loadConfig({}), ready: () => new Promise(() => {}) });
Deno.bench("404 of a 64 KB request line: old", { group: "404", n: 1, warmup: 0 }, () => {
  // what the old handler answered: the path echoed, the body through the old redaction
  oldRedact(JSON.stringify({ error: `No route for GET ${longPath}.` }));
});
Deno.bench("404 of a 64 KB request line: app", { group: "404", baseline: true }, async () => {
  await (await bare.handler(new Request(`http://x${longPath}`))).text();
});

// 12 notices whose titles are 20,000 letters, as an upstream could send them
const h = await startHarness();
await runSync(h.engine, { source: "fts", trigger: "test" });
const newest = await contractsCollection(h.db).find({}).sort({ releaseDate: -1 }).limit(12)
  .toArray();
for (const [i, notice] of newest.entries()) {
  const title = String.fromCharCode(97 + i).repeat(20_000);
  await contractsCollection(h.db).updateOne({ _id: notice._id }, { $set: { title } });
}
const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, h.app.handler);
const base = `http://127.0.0.1:${server.addr.port}`;
// the same page with ordinary titles, to tell what the long titles cost from what the page does
const plain = await startHarness();
await runSync(plain.engine, { source: "fts", trigger: "test" });
globalThis.addEventListener("unload", () => {
  void server.shutdown();
  void h[Symbol.asyncDispose]();
  void plain[Symbol.asyncDispose]();
});

const page = await (await h.fetch("/")).text();
console.log(`GET / page: ${(page.length / 1024).toFixed(0)} KiB`);
const oldTitles = newest.map((_, i) => String.fromCharCode(97 + i).repeat(20_000)).join("<td>");
Deno.bench("GET / with 12 titles of 20,000 letters: old redaction of them", {
  group: "dashboard",
  n: 1,
  warmup: 0,
}, () => {
  // the old page held the titles whole: the old regex over just them
  oldRedact(oldTitles);
});
Deno.bench("GET / with 12 titles of 20,000 letters", {
  group: "dashboard",
  baseline: true,
}, async () => {
  await (await h.fetch("/")).text();
});

Deno.bench("GET / with 12 ordinary titles (same page, for reference)", {
  group: "dashboard",
}, async () => {
  await (await plain.fetch("/")).text();
});

Deno.bench("GET /health while three such GET / run", { group: "health" }, async (b) => {
  const heavy = Array.from({ length: 3 }, () => fetch(`${base}/`).then((r) => r.text()));
  b.start();
  await (await fetch(`${base}/health`)).text();
  b.end();
  await Promise.all(heavy);
});
Deno.bench("GET /health alone", { group: "health", baseline: true }, async () => {
  await (await fetch(`${base}/health`)).text();
});
