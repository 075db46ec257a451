import { assert, assertEquals } from "@std/assert";
import {
  isSourceId,
  noticeUrl,
  SOURCE_CATALOG,
  SOURCE_IDS,
  sourceOfOcid,
  sourceOfUrl,
} from "../../src/sources/catalog.ts";
import { loadConfig } from "../../src/config.ts";
import { CF_SPEC } from "../../src/sources/cf.ts";
import { FTS_SPEC } from "../../src/sources/fts.ts";

const SRC = new URL("../../src/", import.meta.url);
const CATALOG = "sources/catalog.ts";

/** Every `.ts` file under src/, as a path relative to it. */
async function sourceFiles(dir = SRC, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      files.push(...await sourceFiles(new URL(`${entry.name}/`, dir), `${path}/`));
    } else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("each source's host and ocid prefix are written in the catalog only", async () => {
  const facts = SOURCE_IDS.flatMap((id) => [
    new URL(SOURCE_CATALOG[id].origin).host.replace(/^www\./, ""),
    SOURCE_CATALOG[id].ocidPrefix,
  ]);
  assertEquals(facts.length, 4);
  const files = await sourceFiles();
  assert(files.includes(CATALOG) && files.length > 50, `read ${files.length} files`);
  const found: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(new URL(file, SRC));
    for (const fact of facts) {
      if (text.includes(fact) && file !== CATALOG) found.push(`${file}: ${fact}`);
      if (file === CATALOG) assert(text.includes(fact), `${fact} not in the catalog`);
    }
  }
  assertEquals(found, [], "source facts written outside src/sources/catalog.ts");
});

Deno.test("the settings' defaults and the API specs come from the catalog", () => {
  const config = loadConfig({});
  for (const id of SOURCE_IDS) {
    const facts = SOURCE_CATALOG[id];
    assertEquals(config.sources[id].baseUrl, facts.origin);
    assertEquals(config.sources[id].pageSize, facts.defaults.pageSize);
  }
  assertEquals(config.sources.fts.windowMs, 6 * 3_600_000);
  assertEquals(config.sources.cf.windowMs, 15 * 86_400_000);
  assertEquals(config.sources.fts.rateLimit, { requests: 12, perMs: 120_000 });
  assertEquals(FTS_SPEC.path, SOURCE_CATALOG.fts.path);
  assertEquals(CF_SPEC.path, SOURCE_CATALOG.cf.path);
  const window = { from: "2026-01-01T00:00:00", to: "2026-01-01T06:00:00", widened: false };
  assertEquals(FTS_SPEC.params(window, 100, null).map(([k]) => k), [
    "updatedFrom",
    "updatedTo",
    "limit",
  ]);
  assertEquals(CF_SPEC.params(window, 50, "abc").map(([k]) => k), [
    "publishedFrom",
    "publishedTo",
    "stages",
    "limit",
    "cursor",
  ]);
});

Deno.test("a source is told from its ocid prefix or from a URL on its host", () => {
  for (const id of SOURCE_IDS) {
    const { ocidPrefix, origin, path } = SOURCE_CATALOG[id];
    assertEquals(sourceOfOcid(`${ocidPrefix}-0001`), id);
    assertEquals(sourceOfOcid(ocidPrefix), undefined, "the prefix alone is not an ocid");
    assertEquals(sourceOfUrl(`${origin}${path}?limit=1`), id);
    assertEquals(sourceOfUrl(origin.replace("://www.", "://")), id, "without www.");
    assert(isSourceId(id));
  }
  assertEquals(sourceOfOcid("ocds-213czf-1"), undefined);
  assertEquals(sourceOfUrl("https://example.org/"), undefined);
  assertEquals(isSourceId("ted"), false);
  assertEquals(isSourceId("constructor"), false);
});

Deno.test("notice pages live on the source's public website, the id encoded", () => {
  assertEquals(noticeUrl("cf", "a/b c"), `${SOURCE_CATALOG.cf.origin}/Notice/a%2Fb%20c`);
  assertEquals(noticeUrl("fts", "$&-2026"), `${SOURCE_CATALOG.fts.origin}/Notice/%24%26-2026`);
  assertEquals(noticeUrl("fts", "\ud800"), `${SOURCE_CATALOG.fts.origin}/Notice/%EF%BF%BD`);
});
