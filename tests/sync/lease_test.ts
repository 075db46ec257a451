import { assert, assertEquals } from "@std/assert";
import {
  type Acquired,
  acquireLease,
  type Lease,
  leaseHolder,
  type LeaseValue,
  releaseLease,
  renewLease,
} from "../../src/sync/lease.ts";

function held(r: Acquired): Lease {
  if (!r.ok) throw new Error(`expected the lease, held by ${r.holder.owner}`);
  return r.lease;
}
function refused(r: Acquired): LeaseValue {
  if (r.ok) throw new Error(`expected a refusal, got lease ${r.lease.token}`);
  return r.holder;
}

Deno.test("one holder at a time; expiry by the lease's own clock; fencing tokens grow", async () => {
  using kv = await Deno.openKv(":memory:");
  const a = held(await acquireLease(kv, "fts", { owner: "a", ttlMs: 1_000, now: 0 }));
  const b = refused(await acquireLease(kv, "fts", { owner: "b", ttlMs: 1_000, now: 500 }));
  assertEquals(b.owner, "a");
  assert((await acquireLease(kv, "cf", { owner: "c", ttlMs: 1_000, now: 500 })).ok, "per source");
  const c = held(await acquireLease(kv, "fts", { owner: "b", ttlMs: 1_000, now: 1_001 }));
  assert(c.token > a.token, "an expired lease is taken over with a newer token");
  assertEquals(await renewLease(kv, a, { ttlMs: 1_000, now: 1_002 }), null, "a lost it");
  await releaseLease(kv, a); // not ours any more: must not free b's lease
  assertEquals((await leaseHolder(kv, "fts", 1_003))?.owner, "b");
  await releaseLease(kv, c);
  assertEquals(await leaseHolder(kv, "fts", 1_003), null);
  const d = held(await acquireLease(kv, "fts", { owner: "d", ttlMs: 1_000, now: 1_004 }));
  assert(d.token > c.token, "tokens never repeat after a release");
});

Deno.test("renewal extends the lease; five concurrent takers get exactly one lease", async () => {
  using kv = await Deno.openKv(":memory:");
  const results = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => acquireLease(kv, "cf", { owner: `o${i}`, ttlMs: 100, now: 0 })),
  );
  const winners = results.filter((r) => r.ok);
  assertEquals(winners.length, 1);
  const renewed = await renewLease(kv, held(winners[0]), { ttlMs: 100, now: 90 });
  assertEquals(renewed?.expiresAt, 190);
  refused(await acquireLease(kv, "cf", { owner: "late", ttlMs: 100, now: 150 }));
});
