import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { MongoClient, MongoNetworkError, MongoServerError } from "mongodb";
import {
  CLIENT_OPTIONS,
  clientOptions,
  connectDatabase,
  describeConnectError,
  getMongoClient,
  hostsOf,
  MongoConnectError,
  STARTUP_PING_TIMEOUT_MS,
} from "../../src/db/client.ts";
import { startTestServerFirst, testMongoUri } from "../support/mongo.ts";

// the test server is this file's, not any one test's (see startTestServerFirst)
startTestServerFirst();

Deno.test("hostsOf names hosts without credentials", () => {
  assertEquals(hostsOf("mongodb://u:p@a:1,b:2/db?x=y"), "a:1,b:2");
  assertEquals(hostsOf("mongodb+srv://u:p@cluster0.x.net"), "cluster0.x.net");
});

Deno.test({
  name: "an unreachable server fails within the selection timeout, naming the host, no password",
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
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    const uri = await testMongoUri();
    assert(getMongoClient(uri) === getMongoClient(uri));
    const db = await connectDatabase(uri, "ping_test");
    assertEquals(db.databaseName, "ping_test");
  },
});

/** Connects with a short selection timeout and returns the described failure. */
async function failure(uri: string, stage?: "read" | "write"): Promise<MongoConnectError> {
  const client = new MongoClient(uri, {
    ...CLIENT_OPTIONS,
    serverSelectionTimeoutMS: 1_500,
    connectTimeoutMS: 1_500,
  });
  try {
    await client.db("x").command({ ping: 1 });
    throw new Error(`${uri} answered`);
  } catch (error) {
    return describeConnectError(uri, error, { stage, database: "procurement" });
  } finally {
    await client.close().catch(() => {});
  }
}

Deno.test({
  name: "connection failures are classified, name the host and never the password",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async (t) => {
    const check = (e: MongoConnectError, problem: string, host: string, words: string) => {
      assertEquals(e.problem, problem, e.message);
      assertStringIncludes(e.message, host);
      assertStringIncludes(e.message, words);
      assert(!e.message.includes("hunter22"), e.message);
    };
    await t.step("refused", async () => {
      const e = await failure("mongodb://bob:hunter22@127.0.0.1:1/x");
      check(e, "refused", "127.0.0.1:1", "refused");
      // the driver nests one cause per attempt: the line says it once
      assertEquals(e.message.split("connect ECONNREFUSED").length - 1, 1, e.message);
    });
    await t.step("DNS, and the SRV lookup of mongodb+srv://", async () => {
      check(
        await failure("mongodb://bob:hunter22@no-such-host.invalid:27017/x"),
        "dns",
        "no-such-host.invalid",
        "does not resolve",
      );
      check(
        await failure("mongodb+srv://bob:hunter22@cluster0.no-such.invalid/x"),
        "dns",
        "cluster0.no-such.invalid",
        "SRV lookup",
      );
    });
    await t.step("a server that accepts and never answers: timeout", async () => {
      const hole = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const held: Deno.Conn[] = [];
      const accepting = (async () => {
        for await (const c of hole) held.push(c);
      })();
      try {
        const { port } = hole.addr as Deno.NetAddr;
        check(
          await failure(`mongodb://bob:hunter22@127.0.0.1:${port}/x`),
          "timeout",
          `127.0.0.1:${port}`,
          "within",
        );
      } finally {
        hole.close();
        for (const c of held) c.close();
        await accepting.catch(() => {});
      }
    });
    await t.step("TLS to a server that does not speak it", async () => {
      const plain = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const serving = (async () => {
        for await (const c of plain) {
          await c.read(new Uint8Array(512)).catch(() => null);
          await c.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n")).catch(() =>
            0
          );
          c.close();
        }
      })();
      try {
        const { port } = plain.addr as Deno.NetAddr;
        check(
          await failure(`mongodb://bob:hunter22@127.0.0.1:${port}/x?tls=true`),
          "tls",
          `127.0.0.1:${port}`,
          "TLS handshake",
        );
      } finally {
        plain.close();
        await serving.catch(() => {});
      }
    });
    await t.step("credentials sent to a server without authentication (jongodb)", async () => {
      const uri = await testMongoUri();
      const withUser = uri.replace("mongodb://", "mongodb://bob:hunter22@");
      check(await failure(withUser), "auth", hostsOf(uri), "refused the credentials");
    });
  },
});

Deno.test("server refusals: wrong password, a database not allowed, a read-only user, TLS alert", () => {
  const uri = "mongodb+srv://bob:hunter22@cluster0.abc.mongodb.net/x";
  const server = (code: number, codeName: string, message: string) =>
    new MongoServerError({ message, errmsg: message, code, codeName });
  const auth = describeConnectError(
    uri,
    server(18, "AuthenticationFailed", "Authentication failed."),
  );
  assertEquals(auth.problem, "auth");
  const denied = server(13, "Unauthorized", "not authorized on procurement to execute command");
  const read = describeConnectError(uri, denied, { stage: "read", database: "procurement" });
  assertEquals(read.problem, "db-not-allowed");
  assertStringIncludes(read.message, "does not let this user use procurement");
  const write = describeConnectError(uri, denied, { stage: "write", database: "procurement" });
  assertEquals(write.problem, "read-only");
  assertStringIncludes(write.message, "read procurement but not write");
  const atlas = server(
    8000,
    "AtlasError",
    "user is not allowed to do action [insert] on [procurement.x]",
  );
  assertEquals(describeConnectError(uri, atlas, { stage: "write" }).problem, "read-only");
  const alert = Object.assign(new Error("SSL alert number 80"), {
    code: "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR",
  });
  const tls = describeConnectError(
    uri,
    new MongoNetworkError("connection closed", { cause: alert }),
  );
  assertEquals(tls.problem, "tls");
  assertStringIncludes(tls.message, "ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR is a known");
  for (const e of [auth, read, write, tls]) {
    assertStringIncludes(e.message, "cluster0.abc.mongodb.net");
    assert(!e.message.includes("hunter22"));
  }
});

Deno.test({
  name: "a mongodb+srv:// URI is accepted; a DNS failure names its host, never the password",
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
