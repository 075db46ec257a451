import { assertEquals } from "@std/assert";
import { requireToken, timingSafeEqual } from "../../src/http/auth.ts";

Deno.test("timingSafeEqual: equal only for the same text, whatever the lengths", async () => {
  const token = "s3cret-token-0123456789";
  assertEquals(await timingSafeEqual(token, token), true);
  assertEquals(await timingSafeEqual(token, `${token}`.slice(0)), true);
  assertEquals(await timingSafeEqual(token, "s3cret-token-0123456788"), false, "last char");
  assertEquals(await timingSafeEqual(token, "x3cret-token-0123456789"), false, "first char");
  assertEquals(await timingSafeEqual(token, token.slice(0, -1)), false, "a prefix");
  assertEquals(await timingSafeEqual(token, `${token}0`), false, "longer");
  assertEquals(await timingSafeEqual(token, ""), false, "empty");
  assertEquals(await timingSafeEqual("", ""), true);
  assertEquals(await timingSafeEqual("é", "e\u0301"), false, "compares code units, not looks");
});

Deno.test("timingSafeEqual: the time does not depend on where the texts differ", async () => {
  // Not a proof (timers are noisy), but a guard against an early exit sneaking back in:
  // a first-byte and a last-byte mismatch over a long token cost about the same.
  const token = "a".repeat(100_000);
  const early = "b" + token.slice(1), late = token.slice(0, -1) + "b";
  const time = async (other: string) => {
    const t = performance.now();
    for (let i = 0; i < 20; i++) await timingSafeEqual(token, other);
    return performance.now() - t;
  };
  await time(early); // warm up
  const [e, l] = [await time(early), await time(late)];
  const ratio = Math.max(e, l) / Math.max(0.001, Math.min(e, l));
  if (ratio > 5) throw new Error(`early ${e.toFixed(1)} ms vs late ${l.toFixed(1)} ms`);
});

Deno.test("requireToken: 403 when disabled, 401 when missing or wrong, null when right", async () => {
  const req = (authorization?: string) =>
    new Request("http://x/sync", {
      method: "POST",
      headers: authorization ? { authorization } : {},
    });
  const token = "right-token-0123456789";
  assertEquals((await requireToken(req(`Bearer ${token}`), null))?.status, 403);
  assertEquals((await requireToken(req(), token))?.status, 401);
  assertEquals((await requireToken(req("Bearer"), token))?.status, 401);
  assertEquals((await requireToken(req(`Bearer ${token}x`), token))?.status, 401);
  assertEquals((await requireToken(req(`Token ${token}`), token))?.status, 401);
  assertEquals(await requireToken(req(`Bearer ${token}`), token), null);
  assertEquals(await requireToken(req(`bearer  ${token} `), token), null, "scheme is case-free");
  const refused = await requireToken(req("Bearer nope"), token);
  const text = await refused!.text();
  assertEquals(text.includes(token), false, "the answer never shows the token");
});
