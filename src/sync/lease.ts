/**
 * One Deno KV lease per source, so one writer at a time syncs it. KV's `expireIn` is lazy (a
 * key can outlive it by a minute or more), so the lease keeps its own `expiresAt` and is taken
 * over only through an atomic check of the versionstamp that was read. Each acquisition gets
 * a fencing token from a counter that never expires; MongoDB writes carry it, so a holder that
 * lost its lease cannot overwrite a newer holder's cursor.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv(":memory:");
 * const got = await acquireLease(kv, "fts", { owner: "run-1", ttlMs: 60_000, now: Date.now() });
 * if (got.ok) await releaseLease(kv, got.lease);
 * ```
 * @module
 */
import type { SourceId } from "../config.ts";

/** The lease as stored in KV. */
export interface LeaseValue {
  readonly owner: string;
  readonly token: number;
  readonly acquiredAt: number;
  readonly expiresAt: number;
}

/** A lease held by this process. */
export interface Lease extends LeaseValue {
  readonly source: SourceId;
  readonly versionstamp: string;
}

/** Result of {@linkcode acquireLease}: the lease, or who holds it and until when. */
export type Acquired =
  | { readonly ok: true; readonly lease: Lease }
  | { readonly ok: false; readonly holder: LeaseValue };

/** Options of acquire and renew. */
export interface LeaseOptions {
  /** Who takes it (a run id); shown to others while it is held. */
  readonly owner: string;
  readonly ttlMs: number;
  /** Current time, epoch ms (injected for tests). */
  readonly now: number;
}

const leaseKey = (source: SourceId) => ["lease", source] as const;
const fenceKey = (source: SourceId) => ["lease_fence", source] as const;

/** Takes the source's lease when it is free or expired; atomic against every other taker. */
export async function acquireLease(
  kv: Deno.Kv,
  source: SourceId,
  options: LeaseOptions,
): Promise<Acquired> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [current, fence] = await kv.getMany<[LeaseValue, Deno.KvU64]>([
      leaseKey(source),
      fenceKey(source),
    ]);
    if (current.value && current.value.expiresAt > options.now) {
      return { ok: false, holder: current.value };
    }
    const token = Number(fence.value?.value ?? 0n) + 1;
    const value: LeaseValue = {
      owner: options.owner,
      token,
      acquiredAt: options.now,
      expiresAt: options.now + options.ttlMs,
    };
    const res = await kv.atomic()
      .check(current, fence)
      .set(leaseKey(source), value, { expireIn: expireIn(options.ttlMs) })
      .set(fenceKey(source), new Deno.KvU64(BigInt(token)))
      .commit();
    if (res.ok) return { ok: true, lease: { ...value, source, versionstamp: res.versionstamp } };
    // someone else wrote between our read and our commit: read again
  }
  const again = await kv.get<LeaseValue>(leaseKey(source));
  if (again.value) return { ok: false, holder: again.value };
  throw new Error(`Could not take the ${source} lease: KV kept changing; try again.`);
}

/**
 * Extends a held lease. Returns the renewed lease, or `null` when it is no longer ours (it
 * expired and someone took it): the caller must stop writing.
 */
export async function renewLease(
  kv: Deno.Kv,
  lease: Lease,
  options: Omit<LeaseOptions, "owner">,
): Promise<Lease | null> {
  const current = await kv.get<LeaseValue>(leaseKey(lease.source));
  if (!current.value || current.value.token !== lease.token) return null;
  const value: LeaseValue = { ...current.value, expiresAt: options.now + options.ttlMs };
  const res = await kv.atomic()
    .check(current)
    .set(leaseKey(lease.source), value, { expireIn: expireIn(options.ttlMs) })
    .commit();
  return res.ok ? { ...value, source: lease.source, versionstamp: res.versionstamp } : null;
}

/** Lets the lease go, if it is still ours (idempotent). */
export async function releaseLease(kv: Deno.Kv, lease: Lease): Promise<void> {
  const current = await kv.get<LeaseValue>(leaseKey(lease.source));
  if (!current.value || current.value.token !== lease.token) return;
  await kv.atomic().check(current).delete(leaseKey(lease.source)).commit();
}

/**
 * The source's lease holder (if any and not expired) and its fencing counter (0 before the
 * first acquisition), in one KV read. The counter only grows on one KV database, so a value
 * below the fence stored in MongoDB means this process does not see the KV that earlier runs
 * used (see `src/sync/kv_probe.ts`).
 */
export async function leaseAndFence(
  kv: Deno.Kv,
  source: SourceId,
  now: number,
): Promise<{ readonly holder: LeaseValue | null; readonly fence: number }> {
  const [current, fence] = await kv.getMany<[LeaseValue, Deno.KvU64]>([
    leaseKey(source),
    fenceKey(source),
  ]);
  return {
    holder: current.value && current.value.expiresAt > now ? current.value : null,
    fence: Number(fence.value?.value ?? 0n),
  };
}

/** The current holder of a source's lease, if any and not expired. */
export async function leaseHolder(
  kv: Deno.Kv,
  source: SourceId,
  now: number,
): Promise<LeaseValue | null> {
  const current = await kv.get<LeaseValue>(leaseKey(source));
  return current.value && current.value.expiresAt > now ? current.value : null;
}

// KV's own expiry is only a garbage collector, set well past the lease's own expiry.
function expireIn(ttlMs: number): number {
  return Math.max(ttlMs * 2, 60_000);
}

/** A running heartbeat; see {@linkcode startHeartbeat}. */
export interface Heartbeat {
  /** `true` once a renewal found the lease taken by another holder. */
  readonly lost: boolean;
  /** Stops renewing (after any renewal in flight); the lease as last renewed, or `null` if lost. */
  stop(): Promise<Lease | null>;
}

/** Options of {@linkcode startHeartbeat}. */
export interface HeartbeatOptions {
  readonly ttlMs: number;
  /** The time new expiries count from, epoch ms (the engine's clock). */
  readonly now: () => number;
  /**
   * Real milliseconds between renewals: a third of `ttlMs` (at least 100 ms) by default.
   *
   * @default {Math.max(100, Math.floor(ttlMs / 3))}
   */
  readonly everyMs?: number;
  /** Told about a renewal that failed for another reason than a lost lease (KV trouble). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Renews `lease` every third of its TTL until stopped, so it stays held through a long wait
 * (a 5-minute CF throttle wait, a backoff, a slow request) whatever the TTL. Timers are real
 * time, like KV's own expiry of the key. A renewal that finds another holder marks the
 * heartbeat `lost` and stops; a KV error is reported and the next beat tries again.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createFtsSource } from "../sources/fts.ts";
 * import type { Lease } from "./lease.ts";
 * const kv = await Deno.openKv();
 * declare const lease: Lease; // as acquireLease returned it
 * const source = createFtsSource(loadConfig(Deno.env.toObject()));
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * const position = { window, cursor: null }, deadline = Date.now() + 60_000;
 * const beat = startHeartbeat(kv, lease, { ttlMs: 60_000, now: Date.now });
 * const page = await source.fetchPage(position, deadline);
 * const kept = await beat.stop(); // null: stop, the lease is someone else's
 * ```
 */
export function startHeartbeat(kv: Deno.Kv, lease: Lease, options: HeartbeatOptions): Heartbeat {
  const every = options.everyMs ?? Math.max(100, Math.floor(options.ttlMs / 3));
  let current: Lease | null = lease;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const beat = () => {
    inFlight = (async () => {
      try {
        const renewed: Lease | null = await renewLease(kv, current!, {
          ttlMs: options.ttlMs,
          now: options.now(),
        });
        current = renewed;
      } catch (error) {
        options.onError?.(error);
      }
      if (!stopped && current !== null) timer = setTimeout(beat, every);
    })();
  };
  timer = setTimeout(beat, every);
  return {
    get lost() {
      return current === null;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      return current;
    },
  };
}
