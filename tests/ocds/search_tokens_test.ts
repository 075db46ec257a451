import { assert, assertEquals } from "@std/assert";
import { searchTokens, searchWords, TOKEN_MAX_LENGTH } from "../../src/ocds/search_tokens.ts";

Deno.test("searchWords: accents, case and punctuation folded; short and stop words left out", () => {
  assertEquals(searchWords("Café  CLEANING — Leeds! (a+)+$ .* the"), ["cafe", "cleaning", "leeds"]);
  assertEquals(searchWords("Ĺéêds Ŋorth 東京 2026/27"), ["leeds", "ŋorth", "東京", "2026", "27"]);
  assertEquals(searchWords("road road ROAD"), ["road"]);
  assertEquals(searchWords("x".repeat(100))[0].length, TOKEN_MAX_LENGTH);
  assertEquals(searchWords("one two three four", 2), ["one", "two"]);
});

Deno.test("searchTokens: title, buyer, suppliers, notice id, then the description", () => {
  const tokens = searchTokens({
    noticeId: "094477-2026",
    title: "Road gritting",
    description: "Winter service",
    buyerName: "Leeds City Council",
    suppliers: [{ name: "Salt Ltd" }, { name: null }],
  });
  assertEquals(tokens, [
    "road",
    "gritting",
    "leeds",
    "city",
    "council",
    "salt",
    "ltd",
    "094477",
    "2026",
    "winter",
    "service",
  ]);
});

Deno.test("searchWords is linear on hostile text (1 MB of separators and marks)", () => {
  for (const text of ["a-".repeat(500_000), "\u0301".repeat(1_000_000), "é ".repeat(500_000)]) {
    const started = performance.now();
    searchWords(text);
    assert(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
  }
});
