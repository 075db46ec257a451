import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { getLog, redact, registerSecrets, secretsOfUri, setupLogging } from "../src/log.ts";

Deno.test("log lines are JSON with a per-area category, and never carry a secret", () => {
  const lines: string[] = [];
  const uri = "mongodb://app:pa%24%24word9@db.example.net:27017/x";
  setupLogging({
    level: "debug",
    secrets: [...secretsOfUri(uri), "tok-abcdef"],
    write: (l) => lines.push(l),
  });
  const log = getLog("db");
  log.info("connecting to " + uri);
  log.error("driver said {error}", { error: new Error(`auth failed for ${uri} with pa$$word9`) });
  getLog("http").warn("token was tok-abcdef");
  getLog("sync").debug("debug line");
  assertEquals(lines.length, 4);
  const parsed = lines.map((l) => JSON.parse(l));
  assertEquals(parsed[0].logger, "procurement.db");
  assertEquals(parsed[2].logger, "procurement.http");
  assertEquals(parsed[0].level, "INFO");
  for (const line of lines) {
    assert(!line.includes("pa$$word9") && !line.includes("pa%24%24word9"), line);
    assert(!line.includes("tok-abcdef"), line);
  }
  assertStringIncludes(lines[0], "mongodb://***@db.example.net:27017/x");
});

Deno.test("the level from config filters lower levels", () => {
  const lines: string[] = [];
  setupLogging({ level: "warning", write: (l) => lines.push(l) });
  getLog("sync").info("hidden");
  getLog("sync").warn("shown");
  assertEquals(lines.length, 1);
  assertStringIncludes(lines[0], "shown");
});

Deno.test("redact removes userinfo from any URI and registered secrets in JSON form", () => {
  registerSecrets(['se"cret-1']);
  assertEquals(redact("see https://user:pw@host/a"), "see https://***@host/a");
  assertEquals(redact(JSON.stringify({ t: 'se"cret-1' })), '{"t":"***"}');
});
