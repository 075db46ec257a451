import { assert, assertEquals, assertMatch } from "@std/assert";
import { decodeBody } from "../../src/sources/decode.ts";
import { parseJson } from "../../src/sources/json_repair.ts";
import { parsePage, REJECTED_RAW_CAP } from "../../src/sources/page_parse.ts";
import { expectKind } from "./helpers.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

Deno.test("decodeBody", async (t) => {
  await t.step("valid UTF-8 is read as is, with no warning", () => {
    assertEquals(decodeBody(utf8("Café – £5 ✓")), { text: "Café – £5 ✓", warnings: [] });
  });

  await t.step("Windows-1252 bytes become the right characters", () => {
    const bytes = new Uint8Array([...utf8("Caf"), 0xe9, 0x20, 0x96, 0x20, 0xa3, 0x35]);
    const decoded = decodeBody(bytes);
    assertEquals(decoded.text, "Café – £5");
    assertMatch(decoded.warnings[0], /3 byte\(s\).*Windows-1252/);
  });

  await t.step("a mixed body keeps its valid UTF-8 characters (no mojibake)", () => {
    const bytes = new Uint8Array([...utf8("✓ é "), 0xe9, ...utf8(" 😀"), 0x80]);
    assertEquals(decodeBody(bytes).text, "✓ é é 😀€");
  });

  await t.step("truncated multi-byte sequences and surrogates are not UTF-8", () => {
    assertEquals(decodeBody(new Uint8Array([0x41, 0xe2, 0x82])).text, "Aâ‚");
    assertEquals(decodeBody(new Uint8Array([0xed, 0xa0, 0x80])).text, "í\u00a0€");
  });
});

Deno.test("parseJson repairs the known invalid numbers", async (t) => {
  await t.step("leading zeros", () => {
    const r = parseJson('{"a": 000, "b": [007, -01.5], "s": "000, 007"}');
    if (!r.ok) throw new Error(r.error);
    assertEquals(r.value, { a: 0, b: [7, -1.5], s: "000, 007" });
    assertMatch(r.repairs[0], /3 number\(s\) with leading zeros/);
  });

  await t.step("out-of-range numbers become null, in-range exponents stay", () => {
    const r = parseJson('{"a": 1e9999, "b": -2E400, "c": 1e300, "s": "1e9999"}');
    if (!r.ok) throw new Error(r.error);
    assertEquals(r.value, { a: null, b: null, c: 1e300, s: "1e9999" });
    assertMatch(r.repairs[0], /2 out-of-range number\(s\) replaced by null/);
  });

  await t.step("valid JSON is untouched; a big exponent inside a string is no repair", () => {
    assertEquals(parseJson('{"id": "ABC1E999"}'), {
      ok: true,
      value: { id: "ABC1E999" },
      repairs: [],
    });
  });

  await t.step("other errors are reported", () => {
    const r = parseJson('{"a": [1, 2}');
    assert(!r.ok);
  });
});

Deno.test("parsePage", async (t) => {
  const next = "https://x.example/api?cursor=abc";

  await t.step("a valid page", () => {
    const p = parsePage(JSON.stringify({ releases: [{ id: "a" }], links: { next } }));
    assertEquals(p, { kind: "ok", releases: [{ id: "a" }], next, rejected: [], warnings: [] });
  });

  await t.step("a release with an invalid token is set aside, the others kept", () => {
    const text = `{"uri":"u","releases":[{"id":"a"},{"id":"bad","v":NaN-ish},{"id":"c"}],` +
      `"links":{"next":"${next}"}}`;
    const p = expectKind(parsePage(text), "ok");
    assertEquals(p.releases, [{ id: "a" }, { id: "c" }]);
    assertEquals(p.next, next);
    assertEquals(p.rejected.length, 1);
    assertEquals(p.rejected[0].releaseId, "bad");
    assertEquals(p.rejected[0].raw, '{"id":"bad","v":NaN-ish}');
  });

  await t.step("a broken structure reports the intact prefix and a readable next", () => {
    const text = `{"releases":[{"id":"a"},{"id":"b"},{"id":"bad","items":[{"n":1}}],` +
      `"links":{"next":"${next}"}}`;
    const p = expectKind(parsePage(text), "broken");
    assertEquals(p.goodPrefix, 2);
    assertEquals(p.tailNext, next);
  });

  await t.step("a truncated body has no next", () => {
    const text = JSON.stringify({ releases: [{ id: "a" }, { id: "b" }], links: { next } });
    const p = expectKind(parsePage(text.slice(0, 25)), "broken");
    assertEquals(p.goodPrefix, 1);
    assertEquals(p.tailNext, null);
  });

  await t.step("JSON that is not a release package is broken, not empty", () => {
    assertEquals(parsePage('{"error":"x"}').kind, "broken");
    assertEquals(parsePage("<html>oops</html>").kind, "broken");
  });

  await t.step("rejected raw text is capped", () => {
    const big = `{"id":"big","x":"${"y".repeat(REJECTED_RAW_CAP * 2)}",oops}`;
    const p = expectKind(parsePage(`{"releases":[${big}]}`), "ok");
    assert(p.rejected[0].raw.length < REJECTED_RAW_CAP + 20);
  });
});
