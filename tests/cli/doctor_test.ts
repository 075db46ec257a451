import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { type Check, formatChecks, parseDoctorArgs, runDoctor } from "../../src/cli/doctor.ts";
import { freshDbName, mongoTest, testMongoUri } from "../support/mongo.ts";
import { childEnv, projectPath } from "../support/process.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { replayData, TOKEN } from "../http/harness.ts";

const byName = (checks: readonly Check[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

/** The production-like settings of a doctor run against local servers. */
function env(replayUrl: string, more: Record<string, string> = {}): Record<string, string> {
  return {
    FTS_BASE_URL: replayUrl,
    CF_BASE_URL: replayUrl,
    HTTP_TIMEOUT: "5s",
    KV_PATH: ":memory:",
    SYNC_TRIGGER_TOKEN: TOKEN,
    ...more,
  };
}

/** An origin where nothing listens (a port just freed). */
function closedOrigin(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

function replay() {
  return startReplayServer({ rateLimit: { fts: false, cf: false }, releases: replayData(5) });
}

Deno.test("doctor arguments: --help and -h, anything else is refused by name", () => {
  assertEquals(parseDoctorArgs([]), "run");
  assertEquals(parseDoctorArgs(["--help"]), "help");
  assertEquals(parseDoctorArgs(["-h"]), "help");
  const bad = parseDoctorArgs(["--verbose"]);
  assertStringIncludes(typeof bad === "object" ? bad.error : bad, '"--verbose"');
});

mongoTest(
  "against the embedded server and the replay server: ok, with indexes to create",
  async (db) => {
    await using api = replay();
    const uri = await testMongoUri();
    const checks = await runDoctor(env(api.url, { MONGODB_URI: uri, MONGODB_DB: db.databaseName }));
    const c = byName(checks);
    assertEquals(checks.filter((x) => x.status === "fail"), [], formatChecks(checks));
    assertStringIncludes(c.mongodb.detail, "MongoDB 8.0.0");
    assertStringIncludes(c.read.detail, "fresh");
    assertEquals(c.write.detail, "probe document inserted and deleted");
    assertEquals(await db.collection("doctor_probe").countDocuments({}), 0, "nothing left behind");
    assertEquals(c.indexes.status, "warn");
    assertStringIncludes(c.indexes.fix ?? "", "Start-up creates missing indexes");
    assertMatchApi(c["api fts"]);
    assertMatchApi(c["api cf"]);
    // a cheap request: one release, one hour, one attempt
    assertEquals(api.log.length, 2);
    for (const r of api.log) assertEquals(r.params.limit, "1");

    await ensureIndexes(db);
    const after = byName(
      await runDoctor(env(api.url, { MONGODB_URI: uri, MONGODB_DB: db.databaseName })),
    );
    assertEquals(after.indexes.status, "ok");
    assertStringIncludes(after.indexes.detail, "match their specs");
  },
);

function assertMatchApi(check: Check) {
  assertEquals(check.status, "ok", check.detail);
  assert(/HTTP 200 in \d+ ms \(\d+ release\(s\)\)/.test(check.detail), check.detail);
}

mongoTest(
  "an index that differs from its spec is a warning saying start-up rebuilds it",
  async (db) => {
    await using api = replay();
    await contractsCollection(db).createIndex({ buyerOrgs: -1 }, { name: "buyerOrgs_v1" });
    const checks = await runDoctor(env(api.url, {
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: db.databaseName,
    }));
    const { indexes } = byName(checks);
    assertEquals(indexes.status, "warn");
    assertStringIncludes(indexes.detail, "1 differ from their spec: contracts.buyerOrgs_v1");
    assertStringIncludes(indexes.fix ?? "", "rebuilds differing ones");
  },
);

Deno.test({
  name: "an unreachable MongoDB is a fail naming the host, never the password",
  fn: async () => {
    await using api = replay();
    const checks = await runDoctor(
      env(api.url, { MONGODB_URI: "mongodb://bob:hunter22@127.0.0.1:1/x" }),
    );
    const c = byName(checks);
    assertEquals(c.mongodb.status, "fail");
    assertStringIncludes(c.mongodb.detail, "127.0.0.1:1");
    assertStringIncludes(c.mongodb.detail, "refused");
    const text = formatChecks(checks);
    assert(!text.includes("hunter22") && !text.includes(TOKEN), text);
    assertStringIncludes(text, "1 failed");
  },
});

mongoTest(
  "API answers: 503 and throttling are warnings, an unreachable origin a fail",
  async (db) => {
    await using api = replay();
    api.inject({ fault: { kind: "status", status: 503 }, source: "fts" });
    api.inject({ fault: { kind: "throttle-html" }, source: "cf" });
    const base = { MONGODB_URI: await testMongoUri(), MONGODB_DB: db.databaseName };
    const c = byName(await runDoctor(env(api.url, base)));
    assertEquals([c["api fts"].status, c["api cf"].status], ["warn", "warn"]);
    assertStringIncludes(c["api fts"].detail, "HTTP 503");
    assertStringIncludes(c["api cf"].detail, "throttling");
    const closed = byName(
      await runDoctor(env(api.url, { ...base, CF_BASE_URL: closedOrigin() })),
    );
    assertEquals(closed["api cf"].status, "fail");
    assertStringIncludes(closed["api cf"].fix ?? "", "CF_BASE_URL");
  },
);

Deno.test("bad settings, MONGODB_URI unset, no token: the lines an operator must act on", async () => {
  const bad = await runDoctor({ LOG_LEVEL: "loud", MONGODB_URI: "mongodb://u:s3cr3tpw@h/x" });
  assertEquals(bad.map((c) => [c.status, c.name]), [["fail", "config"]]);
  assertStringIncludes(bad[0].detail, 'LOG_LEVEL="loud"');
  const unset = byName(
    await runDoctor({ SYNC_SOURCES: "fts", FTS_BASE_URL: closedOrigin() }),
  );
  assertEquals(unset.MONGODB_URI.status, "fail");
  assertEquals(unset.SYNC_TRIGGER_TOKEN.status, "warn");
  assertEquals(unset["api fts"].status, "fail");
});

Deno.test({
  name:
    "deno task doctor as a process: checklist on stdout, exit 0 when nothing failed, 2 for a bad flag",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    await using api = replay();
    const run = (args: string[], extra: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", projectPath("src/cli/doctor.ts"), ...args],
        cwd: projectPath(""),
        env: childEnv(extra),
        clearEnv: true,
      }).output();
    const good = await run(
      [],
      env(api.url, { MONGODB_URI: await testMongoUri(), MONGODB_DB: freshDbName("doctor") }),
    );
    const out = new TextDecoder().decode(good.stdout);
    assertEquals(good.code, 0, out + new TextDecoder().decode(good.stderr));
    assertStringIncludes(out, "0 failed");
    assert(!out.includes(TOKEN), out);
    const bad = await run(["--nope"], {});
    assertEquals(bad.code, 2);
    assertStringIncludes(new TextDecoder().decode(bad.stderr), '"--nope"');
    const help = await run(["--help"], {});
    assertEquals(help.code, 0);
    assertStringIncludes(new TextDecoder().decode(help.stdout), "Usage: deno task doctor");
  },
});
