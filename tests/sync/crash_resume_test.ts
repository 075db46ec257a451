/**
 * SIGKILL at random moments, restart until done: the database must equal an uninterrupted
 * run's. A longer version: `deno task crash --releases 20000 --kills 100 --seed 7`.
 */
import { assert, assertEquals } from "@std/assert";
import { crashResume } from "../support/crash_harness.ts";

Deno.test({
  name: "a backfill killed 20 times with SIGKILL ends identical to an uninterrupted one",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // On a standalone server (buyers recounted per page): jongodb copies a collection into
    // every transaction that writes it, so 5,000 notices in transactions take many minutes
    // there; the transactional path has its own crash test below.
    const result = await crashResume({
      releases: 5000,
      kills: 20,
      seed: 20261128,
      replicaSet: false,
    });
    assertEquals(result.kills, 20);
    assert(result.contracts >= 5000, `contracts: ${result.contracts}`);
    assertEquals(result.crashedHash, result.referenceHash);
    assertEquals(result.corrected, 0, "buyer counts equal a recount from contracts");
  },
});
