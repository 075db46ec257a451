/** The tolerant readers, slugs, notice ids, stages and statuses, one rule per assertion. */
import { assertEquals } from "@std/assert";
import { amount, date, parseIsoDate, strings, text, Warnings } from "../../src/ocds/read.ts";
import { slug } from "../../src/ocds/slug.ts";
import { autoOrgId } from "../../src/ocds/buyers.ts";
import { noticeIdOf, stageOf, statusOf } from "../../src/ocds/notice.ts";
import { noticeUrl, sourceOfOcid } from "../../src/sources/catalog.ts";
import { compareReleaseIds } from "../../src/ocds/map_page.ts";

function readAmount(v: unknown): [number | undefined, string[]] {
  const w = new Warnings();
  const n = amount({ amount: v }, "amount", "tender.value", w);
  return [n, w.toArray().map((x) => x.code)];
}

Deno.test("amount: numbers as published, numeric text with a warning, the rest dropped", () => {
  assertEquals(readAmount(33721), [33721, []]);
  assertEquals(readAmount(0), [0, []]);
  assertEquals(readAmount("1,000.50"), [1000.5, ["amount-as-string"]]);
  assertEquals(readAmount(" £95,000 "), [95000, ["amount-as-string"]]);
  assertEquals(readAmount("1 234"), [1234, ["amount-as-string"]]);
  assertEquals(readAmount(-5), [-5, ["negative-amount"]]);
  for (const bad of ["TBC", "1.2.3", "1e5", "", "NaN", Infinity, true, {}, [], "9".repeat(100)]) {
    assertEquals(readAmount(bad), [undefined, ["non-numeric-amount"]], String(bad));
  }
  assertEquals(readAmount(null), [undefined, []]);
});

Deno.test("dates: ISO 8601 with offsets; local times read as UTC with a warning; junk refused", () => {
  const at = (s: string) => {
    const r = parseIsoDate(s);
    return "date" in r ? [r.date.toISOString(), r.problem ?? null] : [null, r.problem];
  };
  assertEquals(at("2026-04-10T10:50:13+01:00"), ["2026-04-10T09:50:13.000Z", null]);
  assertEquals(at("2025-01-23T16:36:49Z"), ["2025-01-23T16:36:49.000Z", null]);
  assertEquals(at("2026-06-23"), ["2026-06-23T00:00:00.000Z", null]);
  assertEquals(at("2026-06-23T10:00:00"), ["2026-06-23T10:00:00.000Z", "no-offset"]);
  assertEquals(at("2024-02-29T00:00:00Z"), ["2024-02-29T00:00:00.000Z", null]);
  for (
    const bad of [
      "2025-02-29",
      "2026-02-31T00:00:00Z",
      "2026-13-01",
      "19/06/2026",
      "soon",
      "2026-06-23T25:00Z",
    ]
  ) {
    assertEquals(at(bad), [null, "invalid"], bad);
  }
  const w = new Warnings();
  assertEquals(date({ d: 20260101 }, "d", "x", w), undefined);
  assertEquals(w.toArray()[0].path, "x.d");
});

Deno.test("text and strings: trimmed, typed, capped", () => {
  const w = new Warnings();
  assertEquals(text({ t: "  Roads  " }, "t", "", w), "Roads");
  assertEquals(text({ t: "   " }, "t", "", w), undefined);
  assertEquals(text({ t: "x".repeat(30_000) }, "t", "", w)?.length, 20_000);
  const cutEmoji = text({ t: "x".repeat(19_999) + "🙂🙂" }, "t", "", w);
  assertEquals([cutEmoji?.length, cutEmoji?.isWellFormed()], [19_999, true]);
  assertEquals(text({}, "constructor", "", w), undefined); // never an inherited property
  assertEquals(strings({ tag: ["award", 3, "contract"] }, "tag", "", w), ["award", "contract"]);
  assertEquals(w.toArray().map((x) => x.code), ["text-truncated", "text-truncated", "wrong-type"]);
});

Deno.test("warnings are capped so junk cannot grow a document", () => {
  const w = new Warnings();
  for (let i = 0; i < 500; i++) w.add("wrong-type", "x", null);
  assertEquals(w.toArray().length, 51);
  assertEquals(w.toArray()[50].code, "too-many-warnings");
});

Deno.test("slug and auto org ids", () => {
  assertEquals(slug("Thame Town Council"), "thame-town-council");
  assertEquals(slug("Café & Bar Ltd."), "cafe-and-bar-ltd");
  assertEquals(
    slug("Durham Aged Mineworkers' Homes Association"),
    "durham-aged-mineworkers-homes-association",
  );
  assertEquals(slug("  --Ünïcödé--  "), "unicode");
  assertEquals(slug("★★★"), "");
  assertEquals(slug("a".repeat(10_000)).length, 80);
  assertEquals(autoOrgId("NHS Trust"), "auto-nhs-trust");
  assertEquals(autoOrgId("🙂"), null);
});

Deno.test("notice ids, URLs and source guessing", () => {
  assertEquals(
    noticeIdOf("cf", "8f124d5d-fa11-457c-a0ed-431674a867c1-819916").noticeId,
    "8f124d5d-fa11-457c-a0ed-431674a867c1",
  );
  assertEquals(noticeIdOf("cf", "no-sequence-here"), {
    noticeId: "no-sequence-here",
    sequenced: false,
  });
  assertEquals(noticeIdOf("fts", "094477-2026"), { noticeId: "094477-2026", sequenced: true });
  assertEquals(
    noticeUrl("fts", "a/b c"),
    "https://www.find-tender.service.gov.uk/Notice/a%2Fb%20c",
  );
  assertEquals(sourceOfOcid("ocds-h6vhtk-06e832"), "fts");
  assertEquals(sourceOfOcid("ocds-b5fd17-4c20"), "cf");
  assertEquals(sourceOfOcid("ocds-h6vhtk"), undefined);
});

Deno.test("stage from tags and status with cancellation first", () => {
  assertEquals(stageOf(["award", "contract"]), "award");
  assertEquals(stageOf(["awardUpdate", "contractUpdate"]), "award");
  assertEquals(stageOf(["contractAmendment"]), "contract");
  assertEquals(stageOf(["planningUpdate"]), "planning");
  assertEquals(stageOf(["tenderCancellation"]), "tender");
  assertEquals(stageOf(["implementation", "contract"]), "implementation");
  assertEquals(stageOf(["compiled"]), "unknown");
  assertEquals(statusOf(["tender"], "cancelled", null, "tender"), "cancelled");
  assertEquals(statusOf(["tender"], "active", "UK12", "tender"), "cancelled");
  assertEquals(statusOf(["planning"], "planning", null, "planning"), "planned");
  assertEquals(statusOf(["planning"], undefined, null, "planning"), "planned");
  assertEquals(statusOf(["award"], "constructor", null, "award"), "unknown");
});

Deno.test("release ids order by their trailing number", () => {
  assertEquals(compareReleaseIds("g-9", "g-10") < 0, true);
  assertEquals(compareReleaseIds("g-819916", "g-819842") > 0, true);
  assertEquals(compareReleaseIds("094477-2026", "094476-2026") > 0, true);
  assertEquals(compareReleaseIds("a-1", "a-1"), 0);
});
