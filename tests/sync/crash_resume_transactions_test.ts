/**
 * The crash-resume check of pages written in transactions (as on Atlas): SIGKILL at random
 * moments, restart until done; identical to an uninterrupted run, and every buyer count equal
 * to a recount. Smaller than the standalone one in crash_resume_test.ts: jongodb copies a
 * collection into each transaction that writes it, so pages slow down as it grows.
 */
import { assert, assertEquals } from "@std/assert";
import { crashResume } from "../support/crash_harness.ts";

Deno.test({
  name: "pages written in transactions: killed 8 times with SIGKILL, identical and counts exact",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const result = await crashResume({
      releases: 1000,
      kills: 8,
      seed: 20261130,
      minMs: 300,
      maxMs: 2_500,
      replicaSet: true,
    });
    assertEquals(result.kills, 8);
    assert(result.contracts >= 1000, `contracts: ${result.contracts}`);
    assertEquals(result.crashedHash, result.referenceHash);
    assertEquals(result.corrected, 0, "buyer counts equal a recount from contracts");
  },
});
