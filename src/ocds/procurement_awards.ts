/**
 * The contracts of a procurement ("slots"): which award of which notice is the current answer
 * for each contract, and the totals and suppliers they add up to.
 *
 * @example
 * ```ts
 * import { contractSlots } from "./procurement_awards.ts";
 * contractSlots([]); // []
 * ```
 * @module
 */
import type { Money } from "./documents.ts";
import type { ProcurementAward, ProcurementSupplier } from "./procurement_doc.ts";
import type { CompilerNotice, NoticeAward, NoticeSupplier } from "./procurement_notice.ts";

const GONE_AWARD = new Set(["cancelled", "unsuccessful"]);

function slotKey(a: NoticeAward, index: number, noticeId: string): string {
  const lots = [...new Set(a.lotIds ?? [])].sort();
  if (lots.length > 0) return `lots:${lots.join("\u0000")}`;
  const who = [...new Set(a.suppliers.map((s) => s.id ?? `name:${s.name}`))].sort();
  if (who.length > 0) return `suppliers:${who.join("\u0000")}`;
  return a.id !== null ? `award:${a.id}` : `notice:${noticeId}#${index}`;
}

function toSupplier(s: NoticeSupplier): ProcurementSupplier {
  return { id: s.id, name: s.name, scale: s.scale ?? null };
}

/**
 * The procurement's contract slots: for each lot set (else supplier set, else award id), the
 * award of the newest current award or contract notice; cancelled or unsuccessful awards
 * close their slot. A notice without award entries but with an awarded value (mapping version 2: a
 * contract change, or contracts without awards) sets the only slot's value, or opens one when
 * there is none; with several slots it cannot be attributed and is left out.
 *
 * @example
 * ```ts
 * import { contractSlots } from "./procurement_awards.ts";
 * contractSlots([]).length; // 0
 * ```
 */
export function contractSlots(awardNotices: readonly CompilerNotice[]): ProcurementAward[] {
  const slots = new Map<string, ProcurementAward>();
  for (const n of awardNotices) {
    const awards = n.awards as readonly NoticeAward[];
    awards.forEach((a, i) => {
      const key = slotKey(a, i, n.noticeId);
      if (a.status !== null && GONE_AWARD.has(a.status)) {
        slots.delete(key);
        return;
      }
      slots.set(key, {
        noticeId: n.noticeId,
        awardId: a.id,
        status: a.status,
        date: a.date,
        value: a.value,
        suppliers: (a.suppliers as readonly NoticeSupplier[]).map(toSupplier),
        lotIds: [...(a.lotIds ?? [])],
      });
    });
    const changed = n.awardedValue ?? null;
    const changedGross = n.awardedValueGross ?? null;
    if (awards.length > 0 || (changed === null && changedGross === null) || slots.size > 1) {
      continue;
    }
    const value = { amount: changed, amountGross: changedGross, currency: n.currency };
    const [key, only] = slots.size === 1 ? [...slots][0] : [`notice:${n.noticeId}`, null];
    slots.set(key, {
      noticeId: n.noticeId,
      awardId: only?.awardId ?? null,
      status: only?.status ?? null,
      date: only?.date ?? null,
      value,
      suppliers: only?.suppliers ?? (n.suppliers as readonly NoticeSupplier[]).map(toSupplier),
      lotIds: only?.lotIds ?? [],
    });
  }
  return [...slots.values()];
}

/**
 * The sum of the slots' amounts (`pick`: net or gross) in `currency`, rounded to pennies;
 * `null` when no slot gives one. Slots in another currency are left out.
 *
 * @example
 * ```ts
 * import { sumOf } from "./procurement_awards.ts";
 * sumOf([], "GBP", (m) => m.amount); // null
 * ```
 */
export function sumOf(
  slots: readonly ProcurementAward[],
  currency: string | null,
  pick: (m: Money) => number | null,
): number | null {
  let total: number | null = null;
  for (const s of slots) {
    if (s.value === null) continue;
    if (s.value.currency !== null && currency !== null && s.value.currency !== currency) continue;
    const v = pick(s.value);
    if (v !== null) total = (total ?? 0) + v;
  }
  return total === null ? null : Math.round(total * 100) / 100;
}

/**
 * The slots' suppliers, once each (by id, else name), keeping a known `scale`.
 *
 * @example
 * ```ts
 * import { uniqueSuppliers } from "./procurement_awards.ts";
 * uniqueSuppliers([]); // []
 * ```
 */
export function uniqueSuppliers(slots: readonly ProcurementAward[]): ProcurementSupplier[] {
  const seen = new Map<string, ProcurementSupplier>();
  for (const s of slots.flatMap((slot) => slot.suppliers)) {
    const key = s.id !== null ? `id:${s.id}` : `name:${s.name}`;
    const held = seen.get(key);
    if (held === undefined || (held.scale === null && s.scale !== null)) seen.set(key, s);
  }
  return [...seen.values()];
}
