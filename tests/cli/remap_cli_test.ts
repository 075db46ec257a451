/** `deno task remap`: its arguments, and a real run as a subprocess against MongoDB. */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parseRemapArgs, REMAP_USAGE } from "../../src/cli/remap.ts";
import { getMongoClient } from "../../src/db/client.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { writeReleases } from "../../src/db/releases.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { childEnv, projectPath } from "../support/process.ts";
import { syntheticReleases } from "../support/replay_data.ts";

Deno.test("remap arguments: defaults, --source, --since, and what is refused", () => {
  assertEquals(parseRemapArgs([]), { kind: "run", sources: ["fts", "cf"], since: null });
  assertEquals(parseRemapArgs(["--source=cf", "--since", "2026-01-01"]), {
    kind: "run",
    sources: ["cf"],
    since: new Date("2026-01-01T00:00:00Z"),
  });
  assertEquals(parseRemapArgs(["--since=2026-01-01T06:00:00+01:00"]), {
    kind: "run",
    sources: ["fts", "cf"],
    since: new Date("2026-01-01T05:00:00Z"),
  });
  assertEquals(parseRemapArgs(["-h"]).kind, "help");
  assertEquals(parseRemapArgs(["--source", "fts", "--help"]).kind, "help");
  const bad = (args: string[]) => {
    const r = parseRemapArgs(args);
    return r.kind === "bad" ? r.message : "accepted";
  };
  assertStringIncludes(bad(["--verbose"]), "unknown option --verbose");
  assertStringIncludes(bad(["page.json"]), "unexpected argument page.json");
  assertStringIncludes(bad(["--source", "ted"]), "--source must be fts, cf or all");
  assertStringIncludes(bad(["--since", "yesterday"]), "--since must be a date");
  assertStringIncludes(bad(["--since"]), "--since needs a value");
});

Deno.test({
  name: "deno task remap re-maps stored releases with no API configured, and says how it went",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const uri = await testMongoUri();
    const dbName = freshDbName("remap_cli");
    const db = getMongoClient(uri).db(dbName);
    const range = { from: new Date("2026-11-01"), to: new Date("2026-11-03"), seed: 5 };
    await writeReleases(db, "fts", syntheticReleases("fts", 45, range), new Date());
    await writeReleases(db, "cf", syntheticReleases("cf", 30, range), new Date());
    const kvDir = await Deno.makeTempDir();
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", projectPath("src/cli/remap.ts"), ...args],
        env: childEnv({
          MONGODB_URI: uri,
          MONGODB_DB: dbName,
          KV_PATH: `${kvDir}/kv.sqlite`,
          // Unreachable APIs: a remap must never need them.
          FTS_BASE_URL: "http://127.0.0.1:9",
          CF_BASE_URL: "http://127.0.0.1:9",
        }),
        clearEnv: true,
      }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);

    const ok = await run(["--since", "2026-11-01"]);
    const [out, err] = [text(ok.stdout), text(ok.stderr)];
    assertEquals(ok.code, 0, out + err);
    assertStringIncludes(out, "fts: done — 45 of 45 releases (45 new, 0 updated");
    assertStringIncludes(out, "cf: done — 30 of 30 releases (30 new, 0 updated");
    assert(/fts {2}pages 1 {2}releases 45 .* at fts:/.test(err), err);
    assertEquals(await contractsCollection(db).countDocuments({}), 75);

    const again = await run(["--source", "cf"]);
    assertEquals(again.code, 0);
    assertStringIncludes(
      text(again.stdout),
      "cf: done — 30 of 30 releases (0 new, 0 updated, 30 unchanged",
    );

    const help = await run(["--help"]);
    assertEquals([help.code, text(help.stdout).trim()], [0, REMAP_USAGE]);
    const unknown = await run(["--from", "2026-01-01"]);
    assertEquals(unknown.code, 2);
    assertStringIncludes(text(unknown.stderr), "unknown option --from");
    await Deno.remove(kvDir, { recursive: true });
  },
});
