/**
 * Every index the product needs, created idempotently at start-up.
 *
 * @example
 * ```ts
 * await ensureIndexes(db);
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { ensureBuyerIndexes } from "./buyers.ts";
import { ensureContractIndexes } from "./contracts.ts";
import { ensureProcurementIndexes } from "./procurements.ts";
import { ensureQuarantineIndexes } from "./quarantine.ts";
import { ensureRunIndexes } from "./runs.ts";

/** Creates all indexes (safe to call on every start). */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([
    ensureContractIndexes(db),
    ensureBuyerIndexes(db),
    ensureRunIndexes(db),
    ensureQuarantineIndexes(db),
    ensureProcurementIndexes(db),
  ]);
}
