import { assertEquals } from "@std/assert";
import { decodeCursor, encodeCursor } from "../../src/sources/cursor.ts";

Deno.test("cursors: API cursors pass through; narrowed queries round-trip", () => {
  assertEquals(encodeCursor({ apiCursor: null, narrowTo: null }), null);
  assertEquals(encodeCursor({ apiCursor: "dXBk", narrowTo: null }), "dXBk");
  assertEquals(decodeCursor("dXBkYXRlZEZyb209"), { apiCursor: "dXBkYXRlZEZyb209", narrowTo: null });
  assertEquals(decodeCursor(null), { apiCursor: null, narrowTo: null });
  const at = new Date("2026-11-20T10:43:42Z");
  for (const apiCursor of [null, "dXBk="]) {
    assertEquals(decodeCursor(encodeCursor({ apiCursor, narrowTo: at })), {
      apiCursor,
      narrowTo: at,
    });
  }
  assertEquals(decodeCursor("narrow:abc"), { apiCursor: "narrow:abc", narrowTo: null });
});
