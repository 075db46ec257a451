/**
 * The procurement compiler: chains of notices → one document, field by field; edited notices;
 * notices that disagree; order independence; the real samples of ../shared/data.
 */
import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import type { SourceId } from "../../src/ocds/documents.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";
import {
  compileProcurement,
  type CompilerNotice,
  TIMELINE_LIMIT,
} from "../../src/ocds/procurement.ts";
import { COMPILE_VERSION, phaseAt, type Procurement } from "../../src/ocds/procurement_doc.ts";
import { foldPhase, phaseEvent } from "../../src/ocds/procurement_phase.ts";
import { formatMoney, noticeLabel, ukDay } from "../../src/ocds/procurement_summary.ts";
import { award, cfNotice, day, ftsChain, ftsNotice, supplier } from "../support/chains.ts";
import { prng } from "../support/random.ts";
import { HAS_SHARED, shared } from "./support.ts";

const FTS = { source: "fts", ocid: "ocds-h6vhtk-0c0001" } as const;
const CF = { source: "cf", ocid: "ocds-b5fd17-0c0001" } as const;
const T = "2026-03-02T10:00:00Z";

function compile(key: { source: SourceId; ocid: string }, notices: CompilerNotice[]): Procurement {
  const p = compileProcurement(key, notices);
  if (p === null) throw new Error("compiled to nothing");
  return p;
}

/** UK1 → UK2 → UK4 → UK6 → UK7 → UK10, one notice a week. */
function fullChain(): CompilerNotice[] {
  const s1 = supplier("GB-PPON-SUPP-0001", "Acme Roads Ltd");
  return [
    ftsNotice("000101-2026", "UK1", day(T, 0), { title: "Roads (pipeline)" }),
    ftsNotice("000102-2026", "UK2", day(T, 7), { title: "Roads (engagement)" }),
    ftsNotice("000103-2026", "UK4", day(T, 14), {
      title: "Road maintenance",
      description: "Resurfacing of the A1",
      valueMin: 100_000,
      valueMax: 120_000,
      tenderDeadline: new Date("2026-04-20T11:00:00Z"),
      contractStart: new Date("2026-06-01T00:00:00Z"),
      contractEnd: new Date("2027-05-31T23:59:59Z"),
      procurementMethod: "open",
    }),
    ftsNotice("000104-2026", "UK6", day(T, 60), {
      awards: [award("1", 110_000, [s1], { status: "pending" })],
      suppliers: [s1],
    }),
    ftsNotice("000105-2026", "UK7", day(T, 75), {
      awards: [award("1", 111_000, [s1], { date: new Date("2026-05-20T00:00:00Z") })],
      suppliers: [s1],
      contractStart: new Date("2026-06-01T00:00:00Z"),
      contractEnd: new Date("2027-05-31T23:59:59Z"),
    }),
    ftsNotice("000106-2026", "UK10", day(T, 200), {
      awardedValue: 125_000,
      awardedValueGross: 150_000,
      contractEnd: new Date("2027-11-30T23:59:59Z"),
    }),
  ];
}

Deno.test("UK1→UK2→UK4→UK6→UK7→UK10: every field, and the phase after each notice", () => {
  const chain = fullChain();
  const expected = ["planned", "market-engagement", "open", "awarded", "contracted", "changed"];
  chain.forEach((_, i) => {
    assertEquals(compile(FTS, chain.slice(0, i + 1)).phase, expected[i], `after ${i + 1}`);
  });
  const p = compile(FTS, chain);
  assertEquals(p.phase, "changed");
  assertEquals([p.source, p.ocid], ["fts", "ocds-h6vhtk-0c0001"]);
  assertEquals(p.title, "Road maintenance"); // the UK6/UK7/UK10 carry aContract's default title
  assertEquals(p.description, "Resurfacing of the A1");
  assertEquals(p.buyerOrg, "GB-PPON-AAAA-0001-BBBB");
  assertEquals(p.buyerOrgs, ["GB-PPON-AAAA-0001-BBBB"]);
  assertEquals(p.tenderDeadline, new Date("2026-04-20T11:00:00Z"));
  assertEquals([p.valueMin, p.valueMax, p.currency], [100_000, 120_000, "GBP"]);
  // the contract change's new value replaces the only contract's value
  assertEquals([p.awardedValue, p.awardedValueGross], [125_000, 150_000]);
  assertEquals(p.awards.length, 1);
  assertEquals(p.awards[0].noticeId, "000106-2026");
  assertEquals(p.suppliers, [{ id: "GB-PPON-SUPP-0001", name: "Acme Roads Ltd", scale: null }]);
  assertEquals(p.contractStart, new Date("2026-06-01T00:00:00Z"));
  assertEquals(p.contractEnd, new Date("2027-11-30T23:59:59Z"));
  assertEquals(p.procurementMethod, "open");
  assertEquals(p.legalRegime, "PA2023");
  assertEquals(p.firstPublished, day(T, 0));
  assertEquals(p.lastChanged, day(T, 200));
  assertEquals(p.counts, {
    notices: 6,
    superseded: 0,
    planning: 2,
    tender: 1,
    award: 2,
    contract: 1,
    implementation: 0,
    unknown: 0,
  });
  assertEquals(p.timeline.map((e) => [e.noticeId, e.noticeType, e.current]), [
    ["000101-2026", "UK1", true],
    ["000102-2026", "UK2", true],
    ["000103-2026", "UK4", true],
    ["000104-2026", "UK6", true],
    ["000105-2026", "UK7", true],
    ["000106-2026", "UK10", true],
  ]);
  assertEquals(p.timeline.map((e) => e.summary), [
    "Pipeline notice (UK1)",
    "Preliminary market engagement notice (UK2)",
    "Tender notice (UK4): deadline 2026-04-20, estimated £100,000–£120,000",
    "Contract award notice (UK6): awarded to Acme Roads Ltd for £110,000",
    "Contract details notice (UK7): awarded to Acme Roads Ltd for £111,000",
    "Contract change notice (UK10): value now £125,000",
  ]);
  assertEquals(p.provenance, {
    phase: "000106-2026",
    title: "000106-2026",
    description: "000103-2026",
    buyer: "000106-2026",
    cpvCodes: "000106-2026",
    tenderDeadline: "000103-2026",
    estimatedValue: "000103-2026",
    currency: "000106-2026",
    procurementMethod: "000103-2026",
    mainProcurementCategory: "000106-2026",
    contractPeriod: "000106-2026",
    legalRegime: "000106-2026",
    procedure: "000103-2026",
  });
  assertEquals(p.noticesMissing, []);
  assertEquals(p.warnings, []);
  assertEquals(p.compileVersion, COMPILE_VERSION);
});

Deno.test("the title is the newest notice's: a later notice with its own title wins", () => {
  const chain = fullChain().map((n, i) => i < 3 ? n : { ...n, title: null });
  assertEquals(compile(FTS, chain).title, "Road maintenance");
  assertEquals(compile(FTS, chain).provenance.title, "000103-2026");
});

Deno.test("open vs evaluation is decided at read time from the stored deadline", () => {
  const p = compile(FTS, fullChain().slice(0, 3));
  assertEquals(p.phase, "open");
  assertEquals(phaseAt(p, new Date("2026-04-20T10:59:59Z")), "open");
  assertEquals(phaseAt(p, new Date("2026-04-20T11:00:00Z")), "evaluation");
  // without a deadline a tender stays open; other phases never change with time
  assertEquals(phaseAt({ ...p, tenderDeadline: null }, new Date("2099-01-01")), "open");
  assertEquals(phaseAt({ ...p, phase: "awarded" }, new Date("2099-01-01")), "awarded");
});

Deno.test("UK4→UK12: a procurement termination cancels it, and the deadline no longer matters", () => {
  const p = compile(FTS, [
    ftsNotice("000201-2026", "UK4", day(T, 0), { tenderDeadline: day(T, 30), valueMax: 5000 }),
    ftsNotice("000202-2026", "UK12", day(T, 10), { buyerOrg: null, buyerOrgs: [] }),
  ]);
  assertEquals(p.phase, "cancelled");
  assertEquals(phaseAt(p, day(T, 1)), "cancelled");
  assertEquals(p.provenance.phase, "000202-2026");
  assertEquals(p.tenderDeadline, day(T, 30));
  assertEquals(p.valueMax, 5000);
  assertEquals(p.timeline[1].summary, "Procurement termination notice (UK12): cancelled");
  // the cancellation names no buyer: compiled with a warning, buyer from the tender
  assertEquals(p.buyerOrg, "GB-PPON-AAAA-0001-BBBB");
  assertEquals(p.warnings.map((w) => [w.code, w.noticeIds]), [
    ["notice-without-buyer", ["000202-2026"]],
  ]);
});

Deno.test("UK7→UK11: a contract termination; the missing tender is hinted", () => {
  const s = supplier("GB-PPON-S", "Cleaners Ltd");
  const p = compile(FTS, [
    ftsNotice("000301-2026", "UK7", day(T, 0), { awards: [award("1", 9000, [s])], suppliers: [s] }),
    ftsNotice("000302-2026", "UK11", day(T, 90)),
  ]);
  assertEquals(p.phase, "terminated");
  assertEquals(p.awardedValue, 9000);
  assertEquals(p.noticesMissing.map((m) => [m.kind, m.noticeIds]), [["tender", ["000301-2026"]]]);
  assertEquals(p.warnings.map((w) => w.code), ["award-without-tender"]);
});

Deno.test("a framework and its call-offs: separate procurements, flags and no missing tender", () => {
  const [a, b, c] = ["A", "B", "C"].map((x) => supplier(`GB-PPON-${x}`, `Firm ${x}`));
  const framework = compile(FTS, [
    ftsNotice("000401-2026", "UK4", day(T, 0), { framework: true, valueMax: 3_000_000 }),
    ftsNotice("000402-2026", "UK6", day(T, 50), {
      framework: true,
      awards: [award("1", 1_000_000, [a]), award("2", 1_000_000, [b]), award("3", 500_000, [c])],
      suppliers: [a, b, c],
    }),
  ]);
  assertEquals([framework.phase, framework.framework, framework.callOff], [
    "awarded",
    true,
    false,
  ]);
  assertEquals(framework.suppliers.map((s) => s.name), ["Firm A", "Firm B", "Firm C"]);
  assertEquals(framework.awardedValue, 2_500_000);
  const callOff = { source: "fts", ocid: "ocds-h6vhtk-0c0002" } as const;
  const p = compile(callOff, [
    ftsNotice("000411-2026", "UK6", day(T, 80), {
      ocid: callOff.ocid,
      callOff: true,
      procedure: "Award under framework",
      awards: [award("1", 40_000, [b])],
      suppliers: [b],
    }),
    ftsNotice("000412-2026", "UK7", day(T, 95), {
      ocid: callOff.ocid,
      callOff: true,
      awards: [award("1", 40_000, [b])],
      suppliers: [b],
    }),
  ]);
  assertEquals([p.phase, p.callOff, p.framework], ["contracted", true, false]);
  assertEquals(p.awardedValue, 40_000); // UK7 replaces the UK6 award of the same supplier
  assertEquals(p.awards.map((x) => x.noticeId), ["000412-2026"]);
  assertEquals(p.noticesMissing, []);
  assertEquals(p.warnings, []);
});

Deno.test("CF tender → amendment → award: one step per notice, newest release of each", () => {
  const s = supplier("GB-CFS-9", "Lights Ltd");
  const tender = cfNotice("guid-t", 100, ["tender"], day(T, 0), {
    tenderDeadline: day(T, 20),
    valueMin: 5000,
    valueMax: 22_000,
  });
  const amended = { ...tender, releaseId: "guid-t-104", releaseTags: ["tenderAmendment"] };
  const awarded = cfNotice("guid-a", 300, ["award"], day(T, 40), {
    awards: [award("ocds-b5fd17-0c0001-1", 21_000, [s])],
    suppliers: [s],
  });
  // the same notice twice (as two pages might have delivered it): its newest release counts
  const p = compile(CF, [amended, awarded, tender]);
  assertEquals(p.phase, "awarded");
  assertEquals(p.timeline.map((e) => [e.releaseId, e.summary]), [
    ["guid-t-104", "Tender amendment: deadline 2026-03-22, estimated £5,000–£22,000"],
    ["guid-a-300", "Award notice: awarded to Lights Ltd for £21,000"],
  ]);
  assertEquals(p.counts.tender + p.counts.award, 2);
  assertEquals([p.valueMin, p.valueMax, p.awardedValue], [5000, 22_000, 21_000]);
  assertEquals(p.legalRegime, null);
  assertEquals(p.noticesMissing, []);
});

Deno.test("an edited FTS notice is a new version, not a step: versions chain, counts exclude them", () => {
  const p = compile(FTS, [
    ftsNotice("000501-2026", "UK4", day(T, 0), { tenderDeadline: day(T, 30) }),
    ftsNotice("000502-2026", "UK4", day(T, 3), {
      releaseTags: ["tenderUpdate"],
      tenderDeadline: day(T, 35),
    }),
    ftsNotice("000503-2026", "UK4", day(T, 5), {
      releaseTags: ["tenderUpdate"],
      tenderDeadline: day(T, 40),
    }),
  ]);
  assertEquals(p.timeline.map((e) => [e.noticeId, e.current, e.supersededBy]), [
    ["000501-2026", false, "000502-2026"],
    ["000502-2026", false, "000503-2026"],
    ["000503-2026", true, null],
  ]);
  assertEquals([p.counts.notices, p.counts.superseded, p.counts.tender], [3, 2, 1]);
  assertEquals(p.tenderDeadline, day(T, 40));
  assertEquals(p.provenance.tenderDeadline, "000503-2026");
  assertEquals(p.phase, "open");
});

Deno.test("an edit replaces the version about the same contract, and UK10s are never versions", () => {
  const [a, b] = [supplier("GB-A", "A"), supplier("GB-B", "B")];
  const p = compile(FTS, [
    ftsNotice("000601-2026", "UK4", day(T, 0)),
    ftsNotice("000602-2026", "UK6", day(T, 30), { awards: [award("1", 100, [a])], suppliers: [a] }),
    ftsNotice("000603-2026", "UK6", day(T, 31), { awards: [award("1", 200, [b])], suppliers: [b] }),
    ftsNotice("000604-2026", "UK6", day(T, 32), {
      releaseTags: ["awardUpdate", "contractUpdate"],
      awards: [award("1", 150, [a])],
      suppliers: [a],
    }),
    ftsNotice("000605-2026", "UK10", day(T, 60)),
    ftsNotice("000606-2026", "UK10", day(T, 61), { releaseTags: ["contractUpdate"] }),
  ]);
  assertEquals(
    p.timeline.filter((e) => !e.current).map((e) => [e.noticeId, e.supersededBy]),
    [["000602-2026", "000604-2026"]],
  );
  assertEquals(p.awardedValue, 350); // B's 200 + A's corrected 150
  assertEquals(p.counts.contract, 2);
});

Deno.test("an edit whose earlier version was never seen is a hint, not a failure", () => {
  const p = compile(FTS, [
    ftsNotice("000701-2026", "UK4", day(T, 3), { releaseTags: ["tenderUpdate"] }),
  ]);
  assertEquals(p.noticesMissing.map((m) => m.kind), ["earlier-version"]);
  assertEquals(p.phase, "open");
});

Deno.test("notices that disagree compile, with warnings", async (t) => {
  await t.step("two main buyers sharing one (joint procurement): buyer-mismatch", () => {
    const p = compile(FTS, [
      ftsNotice("000801-2026", "UK4", day(T, 0), { buyerOrg: "X", buyerOrgs: ["X", "Y"] }),
      ftsNotice("000802-2026", "UK6", day(T, 9), { buyerOrg: "Y", buyerOrgs: ["Y"] }),
    ]);
    assertEquals(p.warnings.map((w) => w.code), ["buyer-mismatch"]);
    assertEquals([p.buyerOrg, p.buyerOrgs], ["Y", ["Y", "X"]]);
  });
  await t.step("buyers with nothing in common (a reused ocid): unrelated-buyers", () => {
    const p = compile(FTS, [
      ftsNotice("000811-2026", "UK4", day(T, 0), { buyerOrg: "X", buyerOrgs: ["X"] }),
      ftsNotice("000812-2026", "UK4", day(T, 400), { buyerOrg: "Z", buyerOrgs: ["Z"] }),
    ]);
    assertEquals(p.warnings.map((w) => [w.code, w.noticeIds]), [
      ["unrelated-buyers", ["000811-2026", "000812-2026"]],
    ]);
    assertEquals(p.buyerOrgs, ["Z", "X"]);
  });
  await t.step("two currencies: totals count the procurement's currency only", () => {
    const s = supplier("S");
    const p = compile(FTS, [
      ftsNotice("000821-2026", "UK4", day(T, 0), { currency: "GBP", valueMax: 10 }),
      ftsNotice("000822-2026", "UK6", day(T, 5), {
        currency: "EUR",
        awards: [award("1", 7, [s], { value: { amount: 7, amountGross: null, currency: "EUR" } })],
      }),
      ftsNotice("000823-2026", "UK7", day(T, 6), {
        currency: "GBP",
        awards: [award("1", 8, [supplier("T")])],
      }),
    ]);
    assertEquals(p.currency, "GBP");
    assertEquals(p.awardedValue, 8);
    assertEquals(p.warnings.map((w) => [w.code, w.noticeIds]), [
      ["currency-mismatch", ["000822-2026"]],
    ]);
  });
  await t.step("a tender dated after its award: warned, the phase does not go back", () => {
    const p = compile(FTS, [
      ftsNotice("000831-2026", "UK6", day(T, 5), { awards: [award("1", 1, [supplier("S")])] }),
      ftsNotice("000832-2026", "UK4", day(T, 9)),
    ]);
    assertEquals(p.phase, "awarded");
    assertEquals(p.warnings.map((w) => w.code), ["tender-after-award"]);
    assertEquals(p.noticesMissing, []); // the tender was seen, only late
  });
  await t.step("a re-tender after a cancellation continues the process, with a warning", () => {
    const p = compile(FTS, [
      ftsNotice("000841-2026", "UK4", day(T, 0)),
      ftsNotice("000842-2026", "UK12", day(T, 5)),
      ftsNotice("000843-2026", "UK4", day(T, 9)),
    ]);
    assertEquals(p.phase, "open");
    assertEquals(p.warnings.map((w) => w.code), ["activity-after-cancellation"]);
  });
  await t.step("a notice of the other source is left out, never merged", () => {
    const foreign = cfNotice("guid-x", 1, ["tender"], day(T, 1), { ocid: FTS.ocid });
    const p = compile(FTS, [ftsNotice("000851-2026", "UK4", day(T, 0)), foreign]);
    assertEquals(p.timeline.map((e) => e.noticeId), ["000851-2026"]);
    assertEquals(p.warnings.map((w) => [w.code, w.noticeIds]), [["foreign-notice", ["guid-x"]]]);
  });
  await t.step("no notice of the procurement: nothing to compile", () => {
    assertStrictEquals(compileProcurement(FTS, []), null);
    assertStrictEquals(compileProcurement(CF, [ftsNotice("000861-2026", "UK4", day(T, 0))]), null);
  });
});

Deno.test("phase rules without notice types: legacy FTS and CF tags and statuses", () => {
  const ev = (releaseTags: string[], stage: CompilerNotice["stage"], status = "active") =>
    phaseEvent({ noticeType: null, releaseTags, stage, status: status as never });
  assertEquals(ev(["planning"], "planning", "planned"), "planned");
  assertEquals(ev(["tender"], "tender"), "open");
  assertEquals(ev(["tender"], "tender", "withdrawn"), "cancelled");
  assertEquals(ev(["tenderCancellation"], "tender", "cancelled"), "cancelled");
  assertEquals(ev(["award"], "award", "complete"), "awarded");
  assertEquals(ev(["contract"], "contract"), "contracted");
  assertEquals(ev(["contractAmendment"], "contract"), "changed");
  assertEquals(ev(["contractTermination"], "contract"), "terminated");
  assertEquals(ev([], "unknown"), null);
  // a CF early engagement notice, once issue 12 maps its documents
  assertEquals(
    phaseEvent({
      noticeType: null,
      releaseTags: ["planning"],
      stage: "planning",
      status: "planned",
      documents: [{ type: "marketEngagementNotice" }],
    }),
    "market-engagement",
  );
  // UK17 says nothing about the process; UK5 closes bidding; dynamic markets
  const uk = (noticeType: string) =>
    phaseEvent({ noticeType, releaseTags: [], stage: "award", status: "active" });
  assertEquals(
    ["UK5", "UK13", "UK14", "UK15", "UK16", "UK17"].map(uk),
    ["evaluation", "open", "contracted", "changed", "terminated", null],
  );
  assertEquals(foldPhase([]).phase, "unknown");
});

Deno.test("any order of the same notices compiles to the same document", () => {
  const notices = [
    ...fullChain(),
    ftsNotice("000107-2026", "UK4", day(T, 15), { releaseTags: ["tenderUpdate"] }),
    ftsNotice("000108-2026", "UK10", day(T, 200)), // same date as 000106: ordered by id
  ];
  const reference = compile(FTS, notices);
  const random = prng(13);
  for (let i = 0; i < 50; i++) {
    const shuffled = [...notices].sort(() => random() - 0.5);
    assertEquals(compile(FTS, shuffled), reference);
  }
});

Deno.test("a very long chain keeps the newest timeline entries and says so", () => {
  const many = Array.from(
    { length: TIMELINE_LIMIT + 20 },
    (_, i) =>
      ftsNotice(`${String(i).padStart(6, "0")}-2026`, "UK10", new Date(Date.parse(T) + i * 1000)),
  );
  const p = compile(FTS, many);
  assertEquals(p.timeline.length, TIMELINE_LIMIT);
  assertEquals(p.timeline[0].noticeId, "000020-2026");
  assertEquals(p.counts.notices, TIMELINE_LIMIT + 20);
  assert(p.warnings.some((w) => w.code === "timeline-truncated"));
});

Deno.test("summaries: money, UK days, labels", () => {
  assertEquals(formatMoney(1234567.5, "GBP"), "£1,234,567.50");
  assertEquals(formatMoney(1000, "AED"), "1,000 AED");
  assertEquals(formatMoney(-5, "EUR"), "-€5");
  assertEquals(ukDay(new Date("2026-05-08T23:30:00Z")), "2026-05-09"); // 00:30 BST
  assertEquals(ukDay(new Date("2026-01-08T23:30:00Z")), "2026-01-08"); // GMT
  assertEquals(
    noticeLabel({ noticeType: null, releaseTags: ["awardUpdate"], stage: "award" }),
    "Award notice (update)",
  );
});

Deno.test("synthetic raw chains map and compile to the phase their last notice implies", () => {
  const from = new Date("2026-02-01T00:00:00Z");
  const expected = [
    "changed",
    "cancelled",
    "terminated",
    "awarded",
    "awarded",
    "contracted",
    "planned",
  ];
  ([
    ["UK1", "UK2", "UK4", "UK6", "UK7", "UK10"],
    ["UK4", "UK12"],
    ["UK7", "UK11"],
    ["UK4", "UK4+", "UK6"],
    ["UK2", "UK4", "UK6", "UK6"],
    ["UK5", "UK6", "UK7"],
    ["UK3"],
  ] as const).forEach((shape, i) => {
    const releases = ftsChain(i, shape, from);
    const notices = releases.map((r) => {
      const m = mapRelease("fts", r);
      if (!m.ok) throw new Error(m.error);
      return m.contract;
    });
    const p = compile({ source: "fts", ocid: notices[0].ocid }, notices);
    assertEquals(p.phase, expected[i], shape.join("→"));
    assertEquals(p.timeline.map((e) => e.noticeType), shape.map((s) => s.replace("+", "")));
  });
});

Deno.test({
  name: "real data: CF tender and award of one ocid; FTS UK4 and UK6 samples",
  ignore: !HAS_SHARED,
  fn() {
    const map = (source: SourceId, path: string) =>
      shared(path).map((raw) => {
        const m = mapRelease(source, raw);
        if (!m.ok) throw new Error(m.error);
        return m.contract;
      });
    const cf = map("cf", "cf/cf_releases_same_ocid_different_notice_guids.json");
    const p = compile({ source: "cf", ocid: cf[0].ocid }, cf);
    assertEquals(p.phase, "awarded");
    assertEquals(p.timeline.map((e) => e.stage), ["tender", "award"]);
    assertEquals(p.buyerName, "Bath and North East Somerset Council");
    assertEquals([p.valueMin, p.valueMax, p.awardedValue], [75_000, 85_000, 75_000]);
    assertEquals(p.suppliers.map((s) => s.name), ["OpenView Security Solutions Limited"]);
    assertEquals(p.tenderDeadline, new Date("2025-01-23T16:00:00Z"));

    const tender = map("fts", "fts/fts_notice_032703-2026_UK4_tender.json");
    const t = compile({ source: "fts", ocid: "ocds-h6vhtk-067fb8" }, tender);
    assertEquals(t.phase, "open");
    assertEquals(t.tenderDeadline, new Date("2026-05-08T22:59:59Z"));
    assertEquals(phaseAt(t, new Date("2026-05-01T00:00:00Z")), "open");
    assertEquals(phaseAt(t, new Date("2026-06-01T00:00:00Z")), "evaluation");
    assertEquals([t.valueMax, t.valueGrossMax], [33_721, 40_465.2]);
    assertEquals(t.sectors, ["energy-fuels", "research-polling"]);
    assertEquals(t.deliveryRegions, [{ code: "UKE2", name: "North Yorkshire" }]);
    assertEquals([t.legalRegime, t.procedure], ["PA2023", "Below threshold - open competition"]);

    const page = map("fts", "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json");
    const byId = new Map(page.map((c) => [c.noticeId, c]));
    const one = (id: string) => {
      const c = byId.get(id)!;
      return compile({ source: "fts", ocid: c.ocid }, [c]);
    };
    // a UK6 of a competitive procedure whose tender predates the sample: hinted
    assertEquals(one("094474-2026").phase, "awarded");
    assertEquals(one("094474-2026").noticesMissing.map((m) => m.kind), ["tender"]);
    // "Below threshold - without competition": no tender to miss
    const direct = one("094475-2026");
    assertEquals(direct.noticesMissing, []);
    assertEquals(direct.suppliers, [{
      id: "GB-PPON-PBTM-5917-ZXVM",
      name: "BiP Solutions Ltd",
      scale: "sme",
    }]);
    assertEquals([direct.awardedValue, direct.awardedValueGross], [31_715, 38_058]);
    // the award names its lot: the lot lists it
    assertEquals(direct.lots.map((l) => [l.id, l.awards.map((a) => a.value?.amount)]), [["1", [
      31_715,
    ]]]);
    // an award with only a gross value: no net total is invented
    const gross = one("094477-2026");
    assertEquals([gross.awardedValue, gross.awardedValueGross], [null, 256_378.74]);
    assertEquals(
      gross.timeline[0].summary,
      "Contract award notice (UK6): awarded to Chess ICT for £256,378.74 (gross)",
    );
  },
});

Deno.test("a contract notice with an awarded value but no award entries opens its own slot", () => {
  const s = supplier("GB-S", "Builder");
  const p = compile(FTS, [
    ftsNotice("000901-2026", "UK4", day(T, 0)),
    ftsNotice("000902-2026", "UK7", day(T, 40), { awardedValue: 5000, suppliers: [s] }),
  ]);
  assertEquals(p.awardedValue, 5000);
  assertEquals(p.awards.map((a) => [a.noticeId, a.suppliers.map((x) => x.name)]), [
    ["000902-2026", ["Builder"]],
  ]);
});

Deno.test("lots come from the newest tender notice listing them, each with its own awards", () => {
  const lot = (id: string | null, title: string) => ({
    id,
    title,
    status: "active",
    value: null,
    contractStart: null,
    contractEnd: null,
    contractDurationDays: null,
    cpvCodes: [],
  });
  const [a, b] = [supplier("GB-A", "A"), supplier("GB-B", "B")];
  const p = compile(FTS, [
    ftsNotice("001001-2026", "UK4", day(T, 0), { lots: [lot("1", "North"), lot("2", "South")] }),
    ftsNotice("001002-2026", "UK6", day(T, 30), {
      awards: [award("1", 100, [a], { lotIds: ["1"] }), award("2", 200, [b], { lotIds: ["2"] })],
    }),
    ftsNotice("001003-2026", "UK7", day(T, 45), {
      awards: [award("1", 120, [a], { lotIds: ["1"] })], // lot 1's contract signed
    }),
    ftsNotice("001004-2026", "UK4", day(T, 50), { lots: [lot(null, "Unnumbered")] }),
  ]);
  // the re-tender dated after the award (lots without ids) is the newest tender listing lots
  assertEquals(p.lots.map((l) => [l.id, l.title, l.awards.length]), [[null, "Unnumbered", 0]]);
  assertEquals(p.provenance.lots, "001004-2026");
  const q = compile(FTS, [
    ftsNotice("001001-2026", "UK4", day(T, 0), { lots: [lot("1", "North"), lot("2", "South")] }),
    ftsNotice("001002-2026", "UK6", day(T, 30), {
      awards: [award("1", 100, [a], { lotIds: ["1"] }), award("2", 200, [b], { lotIds: ["2"] })],
    }),
    ftsNotice("001003-2026", "UK7", day(T, 45), {
      awards: [award("1", 120, [a], { lotIds: ["1"] })],
    }),
  ]);
  assertEquals(
    q.lots.map((l) => [l.id, l.awards.map((x) => [x.noticeId, x.value?.amount])]),
    [["1", [["001003-2026", 120]]], ["2", [["001002-2026", 200]]]],
  );
  assertEquals(q.awardedValue, 320);
});

Deno.test("summaries use issue 12's awarded values and amendments when the notices have them", () => {
  const p = compile(FTS, [
    ftsNotice("001101-2026", "UK7", day(T, 0), {
      awards: [award("1", 1, [supplier("GB-S", "Acme")])],
      suppliers: [supplier("GB-S", "Acme")],
      awardedValue: 900, // the notice's own total wins over the sum of its awards
    }),
    ftsNotice("001102-2026", "UK10", day(T, 9), {
      amendments: [{ date: null, rationale: "  Extended\n by   six months ", description: "x" }],
    }),
  ]);
  assertEquals(p.timeline.map((e) => e.summary), [
    "Contract details notice (UK7): awarded to Acme for £900",
    "Contract change notice (UK10): Extended by six months",
  ]);
});

Deno.test("notices stored by mapping version 1 (without the version 2 fields) compile too", () => {
  const v2Fields = [
    "awardedValue",
    "awardedValueGross",
    "valueKind",
    "contractDurationDays",
    "deliveryRegions",
    "deliveryPostcode",
    "procedure",
    "framework",
    "dps",
    "callOff",
    "legalRegime",
    "suitability",
    "lots",
    "documents",
    "submissionUrl",
    "amendments",
    "dateSigned",
    "bidCount",
  ];
  const v1 = (n: CompilerNotice): CompilerNotice => {
    const copy: Record<string, unknown> = { ...n, region: null, postcode: null, mappingVersion: 1 };
    for (const f of v2Fields) delete copy[f];
    copy.awards = n.awards.map(({ lotIds: _, ...a }) => ({
      ...a,
      suppliers: a.suppliers.map(({ scale: _s, ...s }) => s),
    }));
    copy.suppliers = n.suppliers.map(({ scale: _, ...s }) => s);
    return copy as unknown as CompilerNotice;
  };
  const p = compile(FTS, fullChain().map(v1));
  assertEquals([p.phase, p.legalRegime, p.procedure, p.framework], [
    "changed",
    "PA2023", // from the UK notice types
    null,
    false,
  ]);
  assertEquals([p.deliveryRegions, p.lots, p.suitability], [[], [], { sme: null, vcse: null }]);
  assertEquals(p.awardedValue, 111_000); // the UK7's award: the UK10 carries no awarded value in v1
  assertEquals(p.suppliers.map((s) => s.scale), [null]);
});
