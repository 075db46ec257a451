/** `deno task map` run as a subprocess, the way people use it. */
import { assert, assertEquals } from "@std/assert";
import { FIXTURES, HAS_SHARED, SHARED_DATA } from "./support.ts";
import { mapRelease } from "../../src/ocds/map_release.ts";

const CLI = new URL("../../src/cli/map.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

async function run(args: string[], stdin?: string): Promise<Run> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-R", CLI, ...args],
    cwd: ROOT,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  return {
    code: out.code,
    lines: text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

Deno.test({
  name: "cli map: a real FTS page → one ok line per release, source guessed from the ocid",
  ignore: !HAS_SHARED,
  async fn() {
    const file = new URL(
      "fts/fts_release_package_2026-10-06_limit4_UK4_UK6_redacted.json",
      SHARED_DATA,
    );
    const r = await run([file.pathname]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.lines.length, 4);
    assert(r.lines.every((l) => l.ok === true));
    const first = r.lines[0] as {
      contract: { noticeId: string; source: string; noticeType: string };
    };
    assertEquals([first.contract.noticeId, first.contract.source, first.contract.noticeType], [
      "094477-2026",
      "fts",
      "UK6",
    ]);
  },
});

Deno.test("cli map: stdin, a bare array, --source cf, failures as lines and exit 1", async () => {
  const releases = JSON.parse(Deno.readTextFileSync(new URL("missing_fields.json", FIXTURES)))
    .releases.slice(0, 2);
  const r = await run(["--source", "cf"], JSON.stringify(releases));
  assertEquals(r.code, 1);
  assertEquals(r.lines, [
    { ok: false, releaseId: null, reason: "missing-id", error: "release has no id" },
    { ok: false, releaseId: "100017-2026", reason: "missing-ocid", error: "release has no ocid" },
  ]);
});

Deno.test("cli map: one release on stdin with `-`; buyers listed, no contact data", async () => {
  const pkg = JSON.parse(Deno.readTextFileSync(new URL("fts_several_buyers.json", FIXTURES)));
  const r = await run(["-", "--source=fts"], JSON.stringify(pkg.releases[0]));
  assertEquals(r.code, 0, r.stderr);
  const line = r.lines[0] as { buyers: { orgId: string }[] };
  assertEquals(line.buyers.length, 3);
  assert(!JSON.stringify(r.lines).includes("alice.personal"));
});

Deno.test("cli map: unreadable input exits 2 with a clear message", async () => {
  const missing = await run(["/definitely/not/here.json"]);
  assertEquals([missing.code, missing.lines], [2, []]);
  assert(missing.stderr.includes("cannot read /definitely/not/here.json"), missing.stderr);

  const notJson = await run([], "{ releases: [");
  assertEquals(notJson.code, 2);
  assert(notJson.stderr.includes("stdin is not valid JSON"), notJson.stderr);

  const empty = await run([], "");
  assertEquals(empty.code, 2);
  assert(empty.stderr.includes("stdin is empty"), empty.stderr);

  const noReleases = await run([], '{"status": 404, "error": "Not found"}');
  assertEquals(noReleases.code, 2);
  assert(noReleases.stderr.includes("no releases found"), noReleases.stderr);

  for (const list of ["[]", '{"releases": []}']) {
    const none = await run([], list);
    assertEquals([none.code, none.lines], [2, []]);
    assert(none.stderr.includes("holds no releases (an empty list)"), none.stderr);
  }

  const badSource = await run(["--source", "ted"]);
  assertEquals(badSource.code, 2);
  assert(badSource.stderr.includes("--source must be fts or cf"), badSource.stderr);
});

Deno.test({
  name: "cli map: the fields of mapping version 2 are printed",
  ignore: !HAS_SHARED,
  async fn() {
    const file = new URL("fts/fts_notice_032703-2026_UK4_tender.json", SHARED_DATA);
    const r = await run([file.pathname]);
    assertEquals(r.code, 0, r.stderr);
    const c = (r.lines[0] as { contract: Record<string, unknown> }).contract;
    assertEquals(c.mappingVersion, 2);
    assertEquals(c.deliveryRegions, [{ code: "UKE2", name: "North Yorkshire" }]);
    assertEquals([c.valueKind, c.legalRegime, c.procedure], [
      "estimate",
      "PA2023",
      "Below threshold - open competition",
    ]);
    assertEquals((c.lots as unknown[]).length, 1);
    assertEquals(
      (c.documents as { url: string }[])[0].url,
      "https://www.find-tender.service.gov.uk/Notice/Attachment/A-14581",
    );
    for (
      const k of ["awardedValue", "contractDurationDays", "dateSigned", "bidCount", "submissionUrl"]
    ) {
      assert(k in c, `${k} is not printed`);
    }
  },
});

Deno.test("cli map: unknown source without --source is a failed line, not a guess", async () => {
  const r = await run([], '[{"id": "x-1", "ocid": "ocds-zzzzzz-1", "date": "2026-01-01"}]');
  assertEquals(r.code, 1);
  assertEquals(r.lines[0].reason, "unknown-source");
});

Deno.test("cli map: bidi overrides and C1 controls in a release are escaped, the JSON unchanged", async () => {
  // Before issue 11 a title with U+202E reached the terminal raw and reordered the line.
  const release = {
    id: "000001-2026",
    ocid: "ocds-h6vhtk-000001",
    date: "2026-01-01T00:00:00Z",
    tag: ["tender"],
    tender: { title: "Roads \u202Eevil\u202C \u0085 ok" },
  };
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-R", CLI, "--source", "fts"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = out.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(release)));
  await writer.close();
  const result = await out.output();
  const text = new TextDecoder().decode(result.stdout);
  assert(!/[\u202E\u202C\u0085]/.test(text), "no raw bidi or C1 character on the terminal");
  assert(text.includes("\\u202e"), text.slice(0, 300));
  const line = JSON.parse(text.trim());
  assertEquals(line.contract.title, "Roads \u202Eevil\u202C \u0085 ok", "same data once parsed");
});

Deno.test({
  name: "cli map --compare-db: only the fields that differ from the stored notice",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { testMongoUri, freshDbName } = await import("../support/mongo.ts");
    const { getMongoClient } = await import("../../src/db/client.ts");
    const { writeContracts } = await import("../../src/db/contracts.ts");
    const uri = await testMongoUri();
    const dbName = freshDbName("map_compare");
    const file = new URL("fts_cancellation.json", FIXTURES).pathname;
    const releases = JSON.parse(Deno.readTextFileSync(file)).releases;
    const [first, second] = releases.map((r: unknown) => mapRelease("fts", r));
    if (!first.ok || !second.ok) throw new Error("fixture does not map");
    // Stored as an older mapping would have left them: one title and value differ.
    await writeContracts(getMongoClient(uri).db(dbName), [
      { ...first.contract, title: "Old title", valueMax: 1, mappingVersion: 1 },
      second.contract,
    ], new Date());
    const cmd = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, file, "--compare-db"],
      cwd: ROOT,
      env: { MONGODB_URI: uri, MONGODB_DB: dbName },
      stdout: "piped",
      stderr: "piped",
    });
    const out = await cmd.output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    assertEquals(lines[0].changed, {
      title: { stored: "Old title", mapped: first.contract.title },
      valueMax: { stored: 1, mapped: first.contract.valueMax },
      mappingVersion: { stored: 1, mapped: 2 },
    });
    assertEquals([lines[1].stored, lines[1].changed], [true, {}]);
    assertEquals([lines[2].stored, lines[2].changed], [false, null]);

    const noUri = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, file, "--compare-db"],
      cwd: ROOT,
      env: { MONGODB_URI: "" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(noUri.code, 2);
    assert(new TextDecoder().decode(noUri.stderr).includes("--compare-db needs MONGODB_URI"));
  },
});
