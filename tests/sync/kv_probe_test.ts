import { assert, assertEquals, assertNotEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../src/config.ts";
import { type StaleIndex } from "../../src/db/indexes.ts";
import { createApp } from "../../src/http/app.ts";
import { indexWarnings } from "../../src/http/status.ts";
import { kvIdentity, startupKvProblems } from "../../src/sync/kv_probe.ts";
import { engineDeps, syncSources } from "../../src/sync/wiring.ts";
import { mongoTest } from "../support/mongo.ts";
import { startHarness } from "../http/harness.ts";

Deno.test("a KV database keeps one identity; another KV database has another", async () => {
  using a = await Deno.openKv(":memory:");
  using b = await Deno.openKv(":memory:");
  const [first, again] = await Promise.all([kvIdentity(a), kvIdentity(a)]);
  assertEquals(first, again, "concurrent first users agree");
  assertNotEquals(await kvIdentity(b), first);
});

mongoTest("KV_PATH on Deploy is reported with the fix; off Deploy it is fine", async (db) => {
  using kv = await Deno.openKv(":memory:");
  const env = { KV_PATH: "/tmp/kv.sqlite", SYNC_SOURCES: "fts" };
  const local = await startupKvProblems({ config: loadConfig(env), db, kv });
  assertEquals(local, []);
  const deploy = loadConfig({ ...env, DENO_DEPLOY: "true" });
  const found = await startupKvProblems({ config: deploy, db, kv });
  assertEquals(found.map((p) => p.code), ["kv-path-on-deploy"]);
  assertStringIncludes(found[0].message, "Assign a Deno KV database");
});

mongoTest(
  "a lease counter behind MongoDB's fence is visible at start-up and on /status",
  async (db) => {
    await using h = await startHarness({ db });
    const runs = await syncSources(h.engine, ["fts", "cf"], "manual");
    assert(runs.every((r) => r.outcome === "caught-up"), JSON.stringify(runs));
    const same = await startupKvProblems({ config: h.config, db, kv: h.kv });
    assertEquals(same, [], "the KV that ran the sync is in step with MongoDB");

    // A second process whose KV is a fresh store: Deploy's per-instance fallback.
    using fresh = await Deno.openKv(":memory:");
    const found = await startupKvProblems({ config: h.config, db, kv: fresh });
    assertEquals(found.map((p) => p.code), ["kv-fence-behind", "kv-fence-behind"]);
    assertStringIncludes(found[0].message, "lease counter for fts is at 0");

    const stale: StaleIndex = {
      collection: "contracts",
      name: "buyerOrgs_v2",
      existing: ["buyerOrgs_v1"],
      reason: "IndexOptionsConflict",
    };
    const engine = engineDeps(h.config, { db, kv: fresh });
    const app = createApp({
      config: h.config,
      ready: () => Promise.resolve(engine),
      warnings: () => indexWarnings([stale]),
    });
    const status = await (await app.handler(new Request("http://x/status"))).json();
    const codes = status.warnings.map((w: { code: string }) => w.code);
    assertEquals(codes, ["index-stale", "kv-fence-behind", "kv-fence-behind"]);
    assertStringIncludes(status.warnings[0].message, "contracts.buyerOrgs_v2");
    assertStringIncludes(status.warnings[0].message, "buyerOrgs_v1");
    const healthy = await (await h.fetch("/status")).json();
    assertEquals(healthy.warnings, []);
  },
);

mongoTest("on Deploy, two instances of one deployment with different KV databases", async (db) => {
  const config = loadConfig({ DENO_DEPLOYMENT_ID: "dep-1", SYNC_SOURCES: "fts" });
  using shared = await Deno.openKv(":memory:");
  using other = await Deno.openKv(":memory:");
  const at = Date.now();
  assertEquals(await startupKvProblems({ config, db, kv: shared, now: at, instanceId: "a" }), []);
  assertEquals(
    await startupKvProblems({ config, db, kv: shared, now: at + 1, instanceId: "b" }),
    [],
    "a second instance on the same KV finds nothing wrong",
  );
  const found = await startupKvProblems({ config, db, kv: other, now: at + 2, instanceId: "c" });
  assertEquals(found.map((p) => p.code), ["kv-not-shared"]);
  assertStringIncludes(found[0].message, "3 instances of this deployment");
  // another deployment id (e.g. after a KV database was assigned) starts a new comparison
  const next = loadConfig({ DENO_DEPLOYMENT_ID: "dep-2", SYNC_SOURCES: "fts" });
  assertEquals(await startupKvProblems({ config: next, db, kv: other, now: at + 3 }), []);
  // and /status of an instance of dep-1 says so too
  const app = createApp({
    config,
    ready: () => Promise.resolve(engineDeps(config, { db, kv: shared })),
  });
  const status = await (await app.handler(new Request("http://x/status"))).json();
  assertEquals(status.warnings.map((w: { code: string }) => w.code), ["kv-not-shared"]);
});
