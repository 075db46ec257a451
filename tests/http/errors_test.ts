import { assertEquals } from "@std/assert";
import { BadRequest, HttpError, NotReady, toErrorStatus } from "../../src/http/errors.ts";
import { parseBackfill } from "../../src/http/triggers.ts";
import { parseParams } from "../../src/http/api/params.ts";

/** An error named as the MongoDB driver names its "server unreachable" errors. */
function driverError(name: string): Error {
  const e = new Error("connect ECONNREFUSED db.example.org:27017");
  e.name = name;
  return e;
}

Deno.test("toErrorStatus: the caller's mistakes are 4xx, an unreachable database 503, the rest 500", () => {
  assertEquals(toErrorStatus(new BadRequest("limit", "limit must be 1–100.")), 400);
  assertEquals(toErrorStatus(new HttpError(409, "The lease is held.")), 409);
  assertEquals(toErrorStatus(new NotReady()), 503);
  assertEquals(toErrorStatus(driverError("MongoServerSelectionError")), 503);
  const wrapped = new Error("reading status failed", {
    cause: driverError("MongoNetworkError"),
  });
  assertEquals(toErrorStatus(wrapped), 503, "found through the cause");
  assertEquals(toErrorStatus(driverError("MongoServerError")), 500);
  assertEquals(toErrorStatus(new TypeError("x is undefined")), 500);
  assertEquals(toErrorStatus("a string"), 500);
  assertEquals(toErrorStatus(null), 500);
});

Deno.test("the triggers and the read API throw the same BadRequest, naming the parameter", () => {
  const errors: unknown[] = [];
  for (
    const run of [
      () => parseBackfill(new URLSearchParams("source=fts&from=yesterday"), Date.now()),
      () => parseBackfill(new URLSearchParams("source=ted&from=2026-01-01"), Date.now()),
      () => parseParams(new URL("http://x/api/v1/notices?nope=1"), []),
    ]
  ) {
    try {
      run();
    } catch (e) {
      errors.push(e);
    }
  }
  assertEquals(errors.length, 3);
  assertEquals(errors.map((e) => e instanceof BadRequest && toErrorStatus(e)), [400, 400, 400]);
  assertEquals(errors.slice(0, 2).map((e) => (e as BadRequest).parameter), ["from", "source"]);
});
