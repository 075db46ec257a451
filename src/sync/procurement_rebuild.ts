/**
 * Rebuilding `procurements` from the stored notices, with no API request: the whole collection
 * (`deno task compile`), one ocid, or — from the cron — in the background after a change of
 * `COMPILE_VERSION`, a time-bounded run of slices per tick that resumes where the last tick
 * stopped. (A `MAPPING_VERSION` change needs no rebuild here: procurements are compiled from the
 * contracts, and re-mapped contracts are written through the page step, which recompiles them.)
 *
 * A rebuild holds the source's sync lease: a sync writes the same procurements (before its
 * contracts), so one running at the same time would race the rebuild and its orphan sweep.
 *
 * A rebuild walks `contracts` in `{source, ocid}` order (index `source_ocid_v1`), a slice of
 * notices at a time; each slice costs one read of ocids, one read of their notices and one bulk
 * write (which also removes procurements of the walked range that no notice names any more).
 *
 * @example
 * ```ts
 * import { rebuildProcurements } from "./procurement_rebuild.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const kv = await Deno.openKv(":memory:");
 * const done = await rebuildProcurements(db, {
 *   sources: ["fts", "cf"], kv, leaseTtlMs: 300_000, now: Date.now,
 * });
 * done.compiled; // procurements written
 * ```
 * @module
 */
import type { Collection, Db } from "mongodb";
import { SOURCE_IDS, type SourceId } from "../config.ts";
import { contractsCollection } from "../db/contracts.ts";
import { compileProcurements } from "../db/procurements.ts";
import { COMPILE_VERSION } from "../ocds/procurement_doc.ts";
import { errorText, getLog } from "../log.ts";
import { acquireLease, type LeaseValue, releaseLease, renewLease } from "./lease.ts";

/** Notices read per slice (a slice compiles the ocids they name, with all their notices). */
export const SLICE_NOTICES = 1000;

/** What the rules of this code are: a stored rebuild for another target is redone. */
export function compileTarget(): string {
  return `compile ${COMPILE_VERSION}`;
}

/** Where a rebuild stands. */
export interface RebuildProgress {
  readonly source: SourceId;
  /** The last ocid compiled (the walk is in ocid order). */
  readonly after: string | null;
  /** Procurements written so far by this rebuild. */
  readonly compiled: number;
  /** Orphan procurements removed so far. */
  readonly removed: number;
  /** Notices read so far. */
  readonly notices: number;
}

/** One slice of the walk: compile the next ocids after `after`; `last` `null`: source done. */
async function slice(
  db: Db,
  source: SourceId,
  after: string | null,
  limit: number,
): Promise<{ last: string | null; compiled: number; removed: number; notices: number }> {
  const batch = await contractsCollection(db)
    .find(
      after === null ? { source } : { source, ocid: { $gt: after } },
      { projection: { _id: 0, ocid: 1 } },
    )
    .sort({ source: 1, ocid: 1 })
    .limit(limit)
    .toArray();
  const ocids = [...new Set(batch.map((d) => d.ocid))];
  if (ocids.length === 0) {
    // nothing after `after`: whatever procurement lies beyond it is an orphan
    const tail = await compileProcurements(db, source, [], { sweep: { after, upTo: null } });
    return { last: null, ...tail };
  }
  const last = ocids.reduce((a, b) => (b > a ? b : a));
  const counts = await compileProcurements(db, source, ocids, { sweep: { after, upTo: last } });
  return { last, ...counts };
}

/** What holding a source's lease needs. */
export interface LeaseDeps {
  readonly kv: Deno.Kv;
  /** The sync's lease time to live (`SYNC_LEASE_TTL`); renewed after every slice. */
  readonly leaseTtlMs: number;
  /** Current time, epoch ms. */
  readonly now: () => number;
}

/**
 * Runs `work` under the source's lease, renewing it whenever `work` calls `keep`; the lease's
 * holder instead when another run holds it.
 */
async function withLease<T>(
  deps: LeaseDeps,
  source: SourceId,
  work: (keep: () => Promise<void>) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; holder: LeaseValue }> {
  const owner = `compile:${crypto.randomUUID()}`;
  const acquired = await acquireLease(deps.kv, source, {
    owner,
    ttlMs: deps.leaseTtlMs,
    now: deps.now(),
  });
  if (!acquired.ok) return { ok: false, holder: acquired.holder };
  let lease = acquired.lease;
  const keep = async () => {
    const renewed = await renewLease(deps.kv, lease, { ttlMs: deps.leaseTtlMs, now: deps.now() });
    if (renewed === null) {
      throw new Error(
        `Lost the ${source} lease while rebuilding procurements (it expired and another run ` +
          "took it); the rebuild stopped and can simply be run again.",
      );
    }
    lease = renewed;
  };
  try {
    return { ok: true, value: await work(keep) };
  } finally {
    await releaseLease(deps.kv, lease).catch((e) =>
      getLog("sync").warn(
        `Could not release the ${source} lease (it expires by itself): ${errorText(e)}`,
      )
    );
  }
}

/** Why a source could not be rebuilt: another run holds its lease. */
export function leaseHeldMessage(source: SourceId, holder: LeaseValue): string {
  return `The ${source} lease is held by ${holder.owner} until ${
    new Date(holder.expiresAt).toISOString()
  }: a sync or re-mapping is running. Run the compile again once it has finished.`;
}

/** Options of {@linkcode rebuildProcurements}. */
export interface RebuildOptions extends LeaseDeps {
  readonly sources: readonly SourceId[];
  /** Only this ocid (in each of `sources`). */
  readonly ocid?: string;
  /** Called after every slice. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Notices per slice (default {@linkcode SLICE_NOTICES}). */
  readonly sliceNotices?: number;
}

/**
 * Rebuilds every procurement of `sources` (or one ocid) from the stored notices, to the end,
 * each source under its lease. Returns the totals over all sources; throws, saying who holds
 * it, when a source's lease is held.
 *
 * @example
 * ```ts
 * import { rebuildProcurements } from "./procurement_rebuild.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const kv = await Deno.openKv(":memory:");
 * await rebuildProcurements(db, {
 *   sources: ["cf"], ocid: "ocds-example-4c20859e", kv, leaseTtlMs: 300_000, now: Date.now,
 * });
 * ```
 */
export async function rebuildProcurements(
  db: Db,
  options: RebuildOptions,
): Promise<{ compiled: number; removed: number; notices: number }> {
  const total = { compiled: 0, removed: 0, notices: 0 };
  for (const source of options.sources) {
    const run = await withLease(options, source, async (keep) => {
      if (options.ocid !== undefined) {
        const c = await compileProcurements(db, source, [options.ocid]);
        options.onProgress?.({ source, after: options.ocid, ...c });
        return c;
      }
      const mine = { compiled: 0, removed: 0, notices: 0 };
      let after: string | null = null;
      for (;;) {
        const done = await slice(db, source, after, options.sliceNotices ?? SLICE_NOTICES);
        mine.compiled += done.compiled;
        mine.removed += done.removed;
        mine.notices += done.notices;
        if (done.last === null) break;
        after = done.last;
        options.onProgress?.({ source, after, ...mine });
        await keep();
      }
      return mine;
    });
    if (!run.ok) throw new Error(leaseHeldMessage(source, run.holder));
    total.compiled += run.value.compiled;
    total.removed += run.value.removed;
    total.notices += run.value.notices;
  }
  return total;
}

/** The background rebuild's state: one document, `_id` `procurements`. */
export interface RebuildStateDoc {
  readonly _id: "procurements";
  /** {@linkcode compileTarget} of the rules the rebuild applies. */
  readonly target: string;
  readonly source: SourceId;
  readonly after: string | null;
  readonly done: boolean;
  readonly compiled: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/** The collection holding {@linkcode RebuildStateDoc}. */
export function rebuildStateCollection(db: Db): Collection<RebuildStateDoc> {
  return db.collection<RebuildStateDoc>("compile_state");
}

/**
 * Marks the procurements as rebuilt for the current rules (after a full `deno task compile`),
 * so the cron does not walk them again.
 */
export async function markRebuilt(db: Db, now: Date): Promise<void> {
  await rebuildStateCollection(db).replaceOne(
    { _id: "procurements" },
    {
      target: compileTarget(),
      source: SOURCE_IDS[SOURCE_IDS.length - 1],
      after: null,
      done: true,
      compiled: 0,
      startedAt: now,
      updatedAt: now,
    },
    { upsert: true },
  );
}

/** What one background step did. */
export interface RebuildStep {
  /** `false` when the procurements were already built for the current rules. */
  readonly ran: boolean;
  readonly done: boolean;
  readonly compiled: number;
  readonly source: SourceId | null;
  /** The lease holder this step waited for (it tries again next tick), else `null`. */
  readonly waitingFor: LeaseValue | null;
}

/**
 * One tick's share of the background rebuild: nothing (one read) when the procurements are
 * built for the current rules; otherwise slices, under the lease of the source being walked,
 * until `budgetMs` has passed or the walk ends, saving the position after each slice so a
 * crash or the next tick resumes there. A held lease ends the step (the next tick tries
 * again). A new target (a version changed during a rebuild) starts over.
 *
 * @example
 * ```ts
 * import { rebuildStep } from "./procurement_rebuild.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const kv = await Deno.openKv(":memory:");
 * await rebuildStep(db, { kv, leaseTtlMs: 300_000, now: Date.now, budgetMs: 60_000 });
 * ```
 */
export async function rebuildStep(
  db: Db,
  options: LeaseDeps & { readonly budgetMs: number; readonly sliceNotices?: number },
): Promise<RebuildStep> {
  const started = options.now();
  const target = compileTarget();
  const held = await rebuildStateCollection(db).findOne({ _id: "procurements" });
  if (held !== null && held.target === target && held.done) {
    return { ran: false, done: true, compiled: 0, source: null, waitingFor: null };
  }
  let state: RebuildStateDoc = held !== null && held.target === target ? held : {
    _id: "procurements",
    target,
    source: SOURCE_IDS[0],
    after: null,
    done: false,
    compiled: 0,
    startedAt: new Date(started),
    updatedAt: new Date(started),
  };
  let compiled = 0;
  const save = async () => {
    state = { ...state, updatedAt: new Date(options.now()) };
    await rebuildStateCollection(db).replaceOne({ _id: "procurements" }, state, { upsert: true });
  };
  while (!state.done && options.now() - started < options.budgetMs) {
    const source = state.source;
    const run = await withLease(options, source, async (keep) => {
      while (options.now() - started < options.budgetMs) {
        const done = await slice(db, source, state.after, options.sliceNotices ?? SLICE_NOTICES);
        compiled += done.compiled;
        if (done.last === null) return true;
        state = { ...state, after: done.last, compiled: state.compiled + done.compiled };
        await save();
        await keep();
      }
      return false;
    });
    if (!run.ok) {
      return { ran: true, done: false, compiled, source, waitingFor: run.holder };
    }
    if (!run.value) break; // out of time within the source
    const next = SOURCE_IDS.indexOf(source) + 1;
    state = next < SOURCE_IDS.length
      ? { ...state, source: SOURCE_IDS[next], after: null }
      : { ...state, done: true };
    await save();
  }
  return { ran: true, done: state.done, compiled, source: state.source, waitingFor: null };
}
