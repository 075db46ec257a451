import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { MongoNetworkError, MongoServerError } from "mongodb";
import {
  driverIndexOps,
  ensureIndexes,
  INDEX_CONFLICT_CODES,
  INDEX_SPECS,
  type IndexOps,
  type IndexSpec,
  indexState,
  sameKey,
} from "../../src/db/indexes.ts";
import { buyersCollection } from "../../src/db/buyers.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { quarantineCollection } from "../../src/db/quarantine.ts";
import { releasesCollection } from "../../src/db/releases.ts";
import { runsCollection } from "../../src/db/runs.ts";
import { instancesCollection } from "../../src/db/instances.ts";
import { mongoTest } from "../support/mongo.ts";

Deno.test("every index spec has a unique versioned name on a collection the code uses", () => {
  const names = INDEX_SPECS.map((s) => `${s.collection}.${s.name}`);
  assertEquals(new Set(names).size, names.length);
  for (const spec of INDEX_SPECS) assert(/^[A-Za-z0-9_]+_v\d+$/.test(spec.name), spec.name);
  const fake = { collection: (name: string) => ({ collectionName: name }) } as never;
  const used = new Set(
    [
      contractsCollection,
      buyersCollection,
      runsCollection,
      quarantineCollection,
      instancesCollection,
      releasesCollection,
    ]
      .map((get) => get(fake).collectionName),
  );
  for (const spec of INDEX_SPECS) assert(used.has(spec.collection), spec.collection);
});

Deno.test("indexState: served by name or by an equivalent index, missing, or in the way", () => {
  const spec: IndexSpec = { collection: "c", name: "a_b_v2", key: { a: 1, b: -1 }, unique: true };
  const id = { name: "_id_", key: { _id: 1 } };
  assertEquals(indexState(spec, [id]), { state: "missing" });
  assertEquals(indexState(spec, [id, { name: "a_b_v2", key: { a: 1, b: -1 }, unique: true }]), {
    state: "ok",
    servedBy: "a_b_v2",
  });
  assertEquals(indexState(spec, [{ name: "a_b", key: { a: 1.0, b: -1 }, unique: true }]), {
    state: "ok",
    servedBy: "a_b",
  });
  assertEquals(indexState(spec, [{ name: "a_b_v2", key: { a: 1 } }]), {
    state: "mismatch",
    existing: ["a_b_v2"],
  });
  assertEquals(indexState(spec, [{ name: "a_b_v1", key: { a: 1, b: -1 } }]), {
    state: "mismatch",
    existing: ["a_b_v1"],
  });
  assert(!sameKey({ a: 1, b: 1 }, { b: 1, a: 1 }), "order matters");
});

mongoTest("ensureIndexes builds every spec once; the next start keeps them", async (db) => {
  const first = await ensureIndexes(db);
  assertEquals(first.created.length, INDEX_SPECS.length);
  assertEquals(first.stale, []);
  const again = await ensureIndexes(db);
  assertEquals(again.created, []);
  assertEquals(again.kept.length, INDEX_SPECS.length);
  const names = (await contractsCollection(db).listIndexes().toArray()).map((i) => i.name);
  assert(names.includes("source_noticeId_v1"), names.join());
});

mongoTest(
  "an index under its old unversioned name serves its spec: nothing rebuilt",
  async (db) => {
    await contractsCollection(db).createIndex({ source: 1, noticeId: 1 }, {
      name: "source_noticeId",
      unique: true,
    });
    const report = await ensureIndexes(db);
    assert(
      report.kept.includes("contracts.source_noticeId_v1 (as source_noticeId)"),
      report.kept.join(),
    );
    assertEquals(report.rebuilt, []);
  },
);

/** The conflict a real MongoDB raises and jongodb never does. */
function conflict(codeName: keyof typeof INDEX_CONFLICT_CODES, name: string): MongoServerError {
  return new MongoServerError({
    message: `An existing index has the same name as the requested index: ${name}`,
    errmsg: `An existing index has the same name as the requested index: ${name}`,
    code: INDEX_CONFLICT_CODES[codeName],
    codeName,
  });
}

const CHANGED: IndexSpec = { collection: "contracts", name: "buyerOrgs_v1", key: { buyerOrgs: 1 } };

mongoTest("index spec change does not stop start-up", async (db, t) => {
  // The database holds buyerOrgs_v1 with another key, as if the spec had changed under it.
  await contractsCollection(db).createIndex({ buyerOrgs: -1 }, { name: "buyerOrgs_v1" });
  const real = driverIndexOps(db);

  await t.step(
    "IndexKeySpecsConflict: the old index is dropped and the new one built",
    async () => {
      const dropped: string[] = [];
      let created = 0;
      const ops: Partial<IndexOps> = {
        create: (spec) => {
          if (dropped.length === 0) {
            return Promise.reject(conflict("IndexKeySpecsConflict", spec.name));
          }
          created++;
          return Promise.resolve();
        },
        drop: (_collection, name) => {
          dropped.push(name);
          return Promise.resolve();
        },
      };
      const report = await ensureIndexes(db, { ops, specs: [CHANGED] });
      assertEquals(dropped, ["buyerOrgs_v1"]);
      assertEquals(created, 1);
      assertEquals(report.rebuilt, ["contracts.buyerOrgs_v1"]);
      assertEquals(report.stale, []);
    },
  );

  await t.step(
    "IndexOptionsConflict and a drop the server refuses: stale, start-up goes on",
    async () => {
      // jongodb has no dropIndexes: the real drop fails, as it would for a user without the privilege
      const ops: Partial<IndexOps> = {
        create: (spec) => Promise.reject(conflict("IndexOptionsConflict", spec.name)),
        drop: real.drop,
      };
      const report = await ensureIndexes(db, { ops, specs: [CHANGED] });
      assertEquals(report.stale.length, 1);
      const [stale] = report.stale;
      assertEquals([stale.collection, stale.name, stale.existing], [
        "contracts",
        "buyerOrgs_v1",
        ["buyerOrgs_v1"],
      ]);
      assert(stale.reason.length > 0);
    },
  );

  await t.step(
    "any other refusal of the server is stale too; a lost connection is not",
    async () => {
      const refused = new MongoServerError({ message: "not authorized", code: 13 });
      const report = await ensureIndexes(db, {
        ops: { create: () => Promise.reject(refused), drop: () => Promise.reject(refused) },
        specs: [{ collection: "contracts", name: "new_field_v1", key: { newField: 1 } }],
      });
      assertStringIncludes(report.stale[0].reason, "not authorized");
      await assertRejects(
        () =>
          ensureIndexes(db, {
            ops: { create: () => Promise.reject(new MongoNetworkError("connection reset")) },
            specs: [{ collection: "contracts", name: "other_v1", key: { other: 1 } }],
          }),
        MongoNetworkError,
      );
    },
  );
});

mongoTest(
  "once a new version exists, the older version of the same index is dropped",
  async (db) => {
    await contractsCollection(db).createIndex({ buyerOrgs: 1 }, { name: "buyerOrgs_v1" });
    const dropped: string[] = [];
    const report = await ensureIndexes(db, {
      ops: {
        drop: (_c, name) => {
          dropped.push(name);
          return Promise.resolve();
        },
      },
      specs: [{
        collection: "contracts",
        name: "buyerOrgs_v2",
        key: { buyerOrgs: 1, releaseDate: -1 },
      }],
    });
    assertEquals(report.created, ["contracts.buyerOrgs_v2"]);
    assertEquals(dropped, ["buyerOrgs_v1"]);
  },
);
