import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  clientOptions,
  connectDatabase,
  getMongoClient,
  hostsOf,
  MongoConnectError,
  STARTUP_PING_TIMEOUT_MS,
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

Deno.test({
  name: "a mongodb+srv:// URI is accepted; a DNS failure names its host, never the password",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // .invalid never resolves (RFC 2606), so this fails at the SRV lookup, offline or not
    const uri = "mongodb+srv://app:hunter22@cluster0.nothing.invalid/procurement?retryWrites=true";
    const started = Date.now();
    const error = await assertRejects(() => connectDatabase(uri, "x"), MongoConnectError);
    assert(Date.now() - started < STARTUP_PING_TIMEOUT_MS + 5_000);
    assertEquals(error.hosts, "cluster0.nothing.invalid");
    assertStringIncludes(error.message, "cluster0.nothing.invalid");
    assert(!error.message.includes("hunter22"), error.message);
  },
});

Deno.test("sync work waits longer for a server than the start-up ping", () => {
  const options = clientOptions({ serverSelectionMs: 30_000, operationMs: 60_000 });
  assertEquals(options.serverSelectionTimeoutMS, 30_000);
  assertEquals(options.socketTimeoutMS, 60_000);
  assert(STARTUP_PING_TIMEOUT_MS < 30_000);
  assertEquals(clientOptions().serverSelectionTimeoutMS, 30_000, "the defaults of the settings");
});
