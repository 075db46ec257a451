/** The sector taxonomy against all 9,459 codes of CPV 2008, and code normalisation. */
import { assert, assertEquals } from "@std/assert";
import {
  classifyCpv,
  DIVISION_SECTORS,
  GROUP_SECTORS,
  normaliseCpv,
  sectorBySlug,
  SECTORS,
} from "../../src/ocds/cpv.ts";
import { HAS_SHARED, SHARED_DATA } from "./support.ts";

/** Rows of a simple CSV whose first column is never quoted. */
function firstColumns(url: URL): string[][] {
  return Deno.readTextFileSync(url).trim().split("\n").slice(1).map((line) => line.split(","));
}

Deno.test({
  name: "cpv: every one of the 9,459 CPV 2008 codes classifies, into its own division",
  ignore: !HAS_SHARED,
  fn() {
    const rows = firstColumns(new URL("cpv/cpv2008_codes_en.csv", SHARED_DATA));
    assertEquals(rows.length, 9459);
    const used = new Set<string>();
    for (const [code] of rows) {
      const n = normaliseCpv(code);
      assert("code" in n && n.code === code && n.note === undefined, `${code} does not normalise`);
      const s = classifyCpv(code);
      if (s === undefined) throw new Error(`${code} has no sector`);
      assertEquals(s.division, code.slice(0, 2), code);
      assert(code.startsWith(s.prefix), `${code} classified by ${s.prefix}`);
      used.add(s.slug);
    }
    assertEquals(used.size, SECTORS.length, "some sector matches no code");
  },
});

Deno.test({
  name: "cpv: one division sector for each of the 45 divisions, labelled",
  ignore: !HAS_SHARED,
  fn() {
    const divisions = firstColumns(new URL("cpv/cpv2008_divisions_en.csv", SHARED_DATA))
      .map(([d]) => d);
    assertEquals(divisions.length, 45);
    assertEquals(DIVISION_SECTORS.map((s) => s.prefix), divisions);
  },
});

Deno.test("cpv: slugs are unique, kebab-case, labelled, and findable", () => {
  assertEquals(DIVISION_SECTORS.length, 45);
  assertEquals(new Set(SECTORS.map((s) => s.slug)).size, SECTORS.length);
  for (const s of SECTORS) {
    assert(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.slug), s.slug);
    assert(s.label.length > 3, s.slug);
    assertEquals(sectorBySlug(s.slug), s);
  }
  // Every group refines an existing division.
  for (const g of GROUP_SECTORS) assert(DIVISION_SECTORS.some((d) => d.prefix === g.division));
});

Deno.test("cpv: finer groups win over their division", () => {
  assertEquals(classifyCpv("79110000")?.slug, "legal-services");
  assertEquals(classifyCpv("79000000")?.slug, "business-services");
  assertEquals(classifyCpv("85311000")?.slug, "social-care");
  assertEquals(classifyCpv("85100000")?.slug, "health-services");
  assertEquals(classifyCpv("33600000")?.slug, "pharmaceuticals");
  assertEquals(classifyCpv("33100000")?.slug, "medical-equipment");
  assertEquals(classifyCpv("90511000")?.slug, "waste-management");
  assertEquals(classifyCpv("72267000")?.slug, "it-services");
});

Deno.test("cpv: normalisation strips check digits, restores a lost zero, refuses the rest", () => {
  assertEquals(normaliseCpv("45233141-9"), { code: "45233141" });
  assertEquals(normaliseCpv(" 72000000 "), { code: "72000000" });
  assertEquals(normaliseCpv("3000000"), { code: "03000000", note: "padded" });
  for (
    const bad of ["", "7200", "720000000", "72000000-12", "CPV72000000", "72.000.000", "٧٢٠٠٠٠٠٠"]
  ) {
    assertEquals(normaliseCpv(bad), { problem: "malformed" }, bad);
  }
  assertEquals(classifyCpv("99000000"), undefined);
  assertEquals(classifyCpv("01000000"), undefined);
});
