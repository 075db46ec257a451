import { assertEquals, assertStringIncludes } from "@std/assert";
import { loadConfig } from "../../src/config.ts";
import { startupSyncAnnouncement } from "../../src/sync/startup.ts";

Deno.test("the embedded database's start-up sync is announced with the word startup and its span", () => {
  const line = startupSyncAnnouncement(loadConfig({ CF_START_DATE: "2026-11-01" }))!;
  assertStringIncludes(line, "The startup sync begins now");
  assertStringIncludes(line, "fts from 3 days ago, cf from 2026-11-01");
  assertStringIncludes(line, "DEV_FIRST_SYNC_SPAN");
});

Deno.test("SYNC_ON_START announces a startup sync with any database; otherwise there is none", () => {
  const uri = { MONGODB_URI: "mongodb://db.example.net/x" };
  assertEquals(startupSyncAnnouncement(loadConfig(uri)), null);
  assertEquals(startupSyncAnnouncement(loadConfig({ DEV_FIRST_SYNC_SPAN: "0" })), null);
  const line = startupSyncAnnouncement(loadConfig({ ...uri, SYNC_ON_START: "true" }))!;
  assertStringIncludes(line, "startup sync begins now: fts from 90 days ago, cf from 90 days ago");
  assertStringIncludes(line, "(SYNC_ON_START)");
  const hours = loadConfig({ DEV_FIRST_SYNC_SPAN: "36h", SYNC_SOURCES: "cf" });
  assertStringIncludes(startupSyncAnnouncement(hours)!, "now: cf from 36 hours ago (");
});
