/**
 * `deno task compile`: arguments, and a rebuild from stored notices alone that equals what the
 * sync built — after the procurements were lost, and one ocid at a time.
 */
import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { compileArgs } from "../../src/cli/compile.ts";
import { parseFlags, UsageError } from "../../src/cli/flags.ts";
import { getMongoClient } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { procurementsCollection } from "../../src/db/procurements.ts";
import { storePage } from "../../src/sync/store_page.ts";
import { compileTarget, rebuildStateCollection } from "../../src/sync/procurement_rebuild.ts";
import { CHAIN_SHAPES, ftsChain } from "../support/chains.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { childEnv, projectPath } from "../support/process.ts";
import { snapshot } from "../support/snapshot.ts";

Deno.test("compile arguments: defaults, one source, one ocid, and clear errors", () => {
  const args = (list: string[]) => {
    const flags = parseFlags(list, { source: "value", ocid: "value" });
    if (flags === "help") throw new Error("help");
    return compileArgs(flags);
  };
  assertEquals(args([]), { sources: ["fts", "cf"], ocid: null });
  assertEquals(args(["--source", "cf", "--ocid=ocds-b5fd17-1"]), {
    sources: ["cf"],
    ocid: "ocds-b5fd17-1",
  });
  assertThrows(() => args(["--lots"]), UsageError, "Unknown flag");
  assertThrows(() => args(["--source", "ted"]), UsageError, "--source must be fts, cf or all");
  assertThrows(() => args(["--ocid"]), UsageError, "--ocid needs a value");
  assertThrows(() => args(["--ocid", "a b"]), UsageError, "--ocid must be an ocid");
});

async function compileCli(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", projectPath("src/cli/compile.ts"), ...args],
    env: childEnv(env),
    clearEnv: true,
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test({
  name: "compile --help exits 0; an unknown flag exits 2 with the usage",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const help = await compileCli(["--help"]);
    assertEquals(help.code, 0);
    assertStringIncludes(help.stdout, "Usage: deno task compile");
    const bad = await compileCli(["--fast"]);
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, 'Unknown flag "--fast"');
  },
});

Deno.test({
  name:
    "compile rebuilds lost procurements from stored notices alone, exactly as the sync built them",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const uri = await testMongoUri();
    const name = freshDbName("compile_cli");
    const db = getMongoClient(uri).db(name);
    await ensureIndexes(db);
    const releases = Array.from(
      { length: 30 },
      (_, i) => ftsChain(i, CHAIN_SHAPES[i % CHAIN_SHAPES.length], new Date("2026-02-01")),
    ).flat();
    await storePage(db, "fts", { releases, rejected: [] }, null, new Date("2026-06-01"));
    const built = await snapshot(db, ["procurements"]);
    assertEquals(built.procurements.length, 30);

    // an orphan (no notice names its ocid) and a lost procurement
    await procurementsCollection(db).insertOne({
      ...(await procurementsCollection(db).findOne({}))!,
      _id: "fts:ocds-h6vhtk-zzz",
      ocid: "ocds-h6vhtk-zzz",
    });
    await procurementsCollection(db).deleteOne({ _id: "fts:ocds-h6vhtk-c00003" });
    const one = await compileCli(["--source", "fts", "--ocid", "ocds-h6vhtk-c00003"], {
      MONGODB_URI: uri,
      MONGODB_DB: name,
    });
    assertEquals(one.code, 0, one.stderr);
    assertStringIncludes(one.stdout, "fts: 1 procurements compiled");

    await procurementsCollection(db).deleteMany({
      _id: { $in: ["fts:ocds-h6vhtk-c00001", "fts:ocds-h6vhtk-c00002"] },
    });
    const all = await compileCli([], { MONGODB_URI: uri, MONGODB_DB: name });
    assertEquals(all.code, 0, all.stderr);
    assertStringIncludes(all.stdout, "fts: 30 procurements compiled from");
    assertStringIncludes(all.stdout, "1 removed");
    assertStringIncludes(all.stdout, "cf: 0 procurements compiled from 0 notices");
    assertEquals(await snapshot(db, ["procurements"]), built);
    // the cron knows the procurements are built for today's rules
    const state = await rebuildStateCollection(db).findOne({ _id: "procurements" });
    assertEquals([state?.target, state?.done], [compileTarget(), true]);
  },
});
