import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  connectDatabase,
  getMongoClient,
  hostsOf,
  MongoConnectError,
} from "../../src/db/client.ts";
import { testMongoUri } from "../support/mongo.ts";

Deno.test("hostsOf names hosts without credentials", () => {
  assertEquals(hostsOf("mongodb://u:p@a:1,b:2/db?x=y"), "a:1,b:2");
  assertEquals(hostsOf("mongodb+srv://u:p@cluster0.x.net"), "cluster0.x.net");
});

Deno.test({
  name: "an unreachable server fails within the selection timeout, naming the host, no password",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const started = Date.now();
    const error = await assertRejects(
      () => connectDatabase("mongodb://bob:hunter22@127.0.0.1:1/x", "x"),
      MongoConnectError,
    );
    assert(Date.now() - started < 10_000);
    assertStringIncludes(error.message, "Cannot reach MongoDB at 127.0.0.1:1");
    assertStringIncludes(error.message, "Check that MONGODB_URI");
    assert(!error.message.includes("hunter22"));
    await getMongoClient("mongodb://bob:hunter22@127.0.0.1:1/x").close();
  },
});

Deno.test({
  name: "one client per URI is reused, and a reachable server answers ping",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const uri = await testMongoUri();
    assert(getMongoClient(uri) === getMongoClient(uri));
    const db = await connectDatabase(uri, "ping_test");
    assertEquals(db.databaseName, "ping_test");
  },
});
