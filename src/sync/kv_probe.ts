/**
 * Is the Deno KV behind the leases shared? A lease excludes other writers only when every
 * instance opens the same KV database. On Deno Deploy an app with no KV database assigned gets
 * a per-instance store without any error, so two instances can both "hold" a source's lease.
 * This module detects what can be detected:
 *
 * - `KV_PATH` set on Deploy: a file there lives on one instance's disk.
 * - The lease counter behind: KV's fencing counter for a source only grows, so when it is
 *   below the fence that MongoDB's sync state was last written with, this process's KV is not
 *   the one earlier runs used (a fresh per-instance store, another database, another file).
 * - Instances that disagree: on Deploy each process records in MongoDB (shared) which KV
 *   database it opened, identified by a random id stored in that KV; two instances of one
 *   deployment naming different ids prove KV is not shared.
 *
 * What cannot be detected: a single instance before any run (nothing to compare with), and
 * whether the database assigned is the one the operator meant. See docs/DEPLOY.md.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { instancesOf } from "../db/instances.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const deploymentId = "dep-1", since = new Date(Date.now() - 3_600_000);
 * const kvId = await kvIdentity(kv);
 * const problems = instanceProblems(await instancesOf(db, deploymentId, since));
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { Config } from "../config.ts";
import { type InstanceDoc, instancesOf, recordInstance } from "../db/instances.ts";
import { listStates } from "../db/sync_state.ts";
import { errorText, getLog } from "../log.ts";
import { clause } from "../text.ts";
import { leaseAndFence } from "./lease.ts";

/** A finding about KV, with the fix. */
export interface KvProblem {
  readonly code: "kv-path-on-deploy" | "kv-fence-behind" | "kv-not-shared";
  readonly message: string;
}

const KV_ID_KEY = ["meta", "kv_id"] as const;

/** The fix for a KV that is not shared, as every message states it. */
export const KV_FIX = "Assign a Deno KV database to the app (console: Databases → Assign, or " +
  "`deno deploy database assign NAME --app APP`) and unset KV_PATH; locally, give every " +
  "process the same KV_PATH.";

/**
 * The identity of the KV database `kv` opens: a random id created on first use and kept in
 * the database itself (atomically, so concurrent first users agree).
 */
export async function kvIdentity(kv: Deno.Kv): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await kv.get<string>(KV_ID_KEY);
    if (typeof current.value === "string") return current.value;
    const id = crypto.randomUUID();
    const res = await kv.atomic().check(current).set(KV_ID_KEY, id).commit();
    if (res.ok) return id;
  }
  throw new Error("Could not read or create the KV identity: KV kept changing; try again.");
}

/** Problems visible in the configuration alone. */
export function kvConfigProblems(onDeploy: boolean, kvPath: string | null): KvProblem[] {
  if (!onDeploy || kvPath === null) return [];
  return [{
    code: "kv-path-on-deploy",
    message: "KV_PATH is set on Deno Deploy: a KV file there lives on one instance's disk, so " +
      `leases exclude nothing across instances. ${KV_FIX}`,
  }];
}

/**
 * The lease counter check for one source: `kvFence` is KV's fencing counter, `storedFence` the
 * highest fence in MongoDB's sync state of that source (0 when none).
 */
export function fenceProblem(
  source: string,
  kvFence: number,
  storedFence: number,
): KvProblem | null {
  if (kvFence >= storedFence) return null;
  return {
    code: "kv-fence-behind",
    message: `Deno KV's lease counter for ${source} is at ${kvFence}, below the token ` +
      `${storedFence} that MongoDB's sync state was last written with: this process does ` +
      "not see the KV database earlier runs used (on Deno Deploy with no KV database " +
      "assigned, KV silently falls back to a per-instance store). Leases then exclude " +
      `nothing and runs end "lease-lost" until the counter catches up. ${KV_FIX}`,
  };
}

/** The instance check: instances of one deployment that opened different KV databases. */
export function instanceProblems(instances: readonly InstanceDoc[]): KvProblem[] {
  const kvIds = new Set(instances.map((i) => i.kvId));
  if (kvIds.size <= 1) return [];
  return [{
    code: "kv-not-shared",
    message: `${instances.length} instances of this deployment in the last day opened ` +
      `${kvIds.size} different Deno KV databases: KV is not shared (no KV database assigned ` +
      `to the app?), so two instances can both hold a source's lease. ${KV_FIX}`,
  }];
}

/** What {@linkcode startupKvProblems} needs. */
export interface KvCheckDeps {
  readonly config: Pick<Config, "platform" | "kvPath" | "sync">;
  readonly db: Db;
  readonly kv: Deno.Kv;
  /** Current time, epoch ms. @default {Date.now()} */
  readonly now?: number;
  /**
   * This process's id in `instances`.
   *
   * @default {crypto.randomUUID()}
   */
  readonly instanceId?: string;
}

/**
 * Every KV check at start-up: the configuration, each source's lease counter against MongoDB,
 * and on Deploy this instance recorded and compared with the others of its deployment (two
 * small MongoDB commands). Never throws: a failing check is logged and skipped.
 */
export async function startupKvProblems(deps: KvCheckDeps): Promise<KvProblem[]> {
  const { config, db, kv } = deps;
  const now = deps.now ?? Date.now();
  const problems = kvConfigProblems(config.platform.deploy, config.kvPath);
  try {
    for (const source of config.sync.sources) {
      const [{ fence }, states] = await Promise.all([
        leaseAndFence(kv, source, now),
        listStates(db, source),
      ]);
      const found = fenceProblem(source, fence, Math.max(0, ...states.map((s) => s.fence)));
      if (found) problems.push(found);
    }
    const { deploymentId, timeline } = config.platform;
    if (config.platform.deploy && deploymentId !== null) {
      const _id = deps.instanceId ?? crypto.randomUUID();
      await recordInstance(db, {
        _id,
        kvId: await kvIdentity(kv),
        deploymentId,
        timeline,
        seenAt: new Date(now),
      });
      problems.push(...instanceProblems(await instancesOf(db, deploymentId, new Date(now - DAY))));
    }
  } catch (error) {
    getLog("sync").warn(`Could not check that Deno KV is shared: ${clause(errorText(error))}.`);
  }
  return problems;
}

const DAY = 86_400_000;
