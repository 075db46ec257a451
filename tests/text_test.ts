import { assertEquals } from "@std/assert";
import { capText, clause, jsonVisible, trimTrailingSlashes, visibleText } from "../src/text.ts";
import { escapeHtml } from "../src/http/html.ts";

Deno.test("visibleText: controls and bidi overrides made visible, the rest untouched", () => {
  assertEquals(visibleText("a\u0000b\u0007c\u001bd\u007f"), "a␀b␇c␛d␡");
  assertEquals(visibleText("\u202Eevil\u202C \u2066x\u2069 \u200F \u0085"), "�evil� �x� � �");
  assertEquals(visibleText("tab\tline\nret\r"), "tab\tline\nret\r");
  assertEquals(visibleText("x\ry", { carriageReturn: true }), "x␍y");
  assertEquals(visibleText("Café – £5 ✓ 🚧 عربي"), "Café – £5 ✓ 🚧 عربي");
});

Deno.test("escapeHtml: the same escaping as before, plus visible controls", () => {
  assertEquals(escapeHtml(`<a href="x">'&\``), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#96;");
  assertEquals(escapeHtml("\u202E<b>\u0007"), "�&lt;b&gt;␇");
});

Deno.test("jsonVisible keeps the JSON's meaning and hides nothing", () => {
  const value = { t: "a\u202Eb\u0085c\u2028d\u0007" };
  const text = jsonVisible(JSON.stringify(value));
  assertEquals(text, '{"t":"a\\u202eb\\u0085c\\u2028d\\u0007"}');
  assertEquals(JSON.parse(text), value);
});

Deno.test("capText ends a cut text with an ellipsis and never splits a surrogate pair", () => {
  assertEquals(capText("abcdef", 4), "abc…");
  assertEquals(capText("abc", 3), "abc");
  assertEquals(capText("ab🚧", 4), "ab🚧");
  assertEquals(capText("ab🚧cd", 4), "ab…");
});

Deno.test("clause drops one final full stop so joined messages never double punctuation", () => {
  assertEquals(clause("resumes from the same position."), "resumes from the same position");
  assertEquals(clause(" same position. "), "same position");
  assertEquals(clause("cut…"), "cut…");
  assertEquals(clause("wait..."), "wait...");
  assertEquals(clause("why?"), "why?");
  assertEquals(`fts: ${clause("a.")}; cf: ${clause("b.")}.`, "fts: a; cf: b.");
});

Deno.test("trimTrailingSlashes drops every final slash, as /\\/+$/ did, in one pass", () => {
  assertEquals(trimTrailingSlashes("/status/"), "/status");
  assertEquals(trimTrailingSlashes("/status"), "/status");
  assertEquals(trimTrailingSlashes("/a//b///"), "/a//b");
  assertEquals(trimTrailingSlashes("///"), "");
  assertEquals(trimTrailingSlashes(""), "");
  const slashes = "/".repeat(100_000);
  assertEquals(trimTrailingSlashes(`/health${slashes}`), "/health");
  // the regex's worst case: a long run of slashes that is not at the end
  const inside = `/x${slashes}y`;
  assertEquals(trimTrailingSlashes(inside), inside);
  for (const text of ["/a/", "//", "/a/b", `/a${"/".repeat(50)}`, `/a${"/".repeat(50)}b`]) {
    assertEquals(trimTrailingSlashes(text), text.replace(/\/+$/, ""), text);
  }
});
