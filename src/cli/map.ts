/**
 * `deno task map [FILE] [--source fts|cf]`: shows how OCDS releases map. Reads a release
 * package (`{"releases": [...]}`), a bare array of releases or one release from FILE (or
 * stdin when FILE is absent or `-`) and prints one JSON line per release:
 * `{"ok":true,"contract":…,"buyers":[…]}` or `{"ok":false,"releaseId":…,"reason":…,"error":…}`.
 *
 * Exit status: 0 when every release mapped, 1 when some did not, 2 when the input could not
 * be read at all (bad arguments, unreadable file, not JSON, no releases, an empty list).
 *
 * @example
 * ```sh
 * deno task map ../shared/data/fts/fts_notice_032703-2026_UK4_tender.json | jq .contract.cpvCodes
 * curl -s "$CF_URL" | deno task map --source cf
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { ConfigError, loadConfig } from "../config.ts";
import { type Contract, MAPPING_VERSION, type SourceId } from "../ocds/documents.ts";
import { mapRelease } from "../ocds/map_release.ts";
import {
  isSourceId,
  SOURCE_CATALOG,
  SOURCE_IDS,
  sourceOfOcid,
  sourceOfUrl,
} from "../sources/catalog.ts";
import { jsonVisible, visibleText } from "../text.ts";

const SOURCES = SOURCE_IDS.join("|");
const USAGE = `usage: deno task map [FILE|-] [--source ${SOURCES}] [--compare-db]

Maps OCDS releases to contract documents and prints one JSON line per release.
FILE holds a release package, an array of releases, or one release; stdin when omitted or "-".
Without --source, each release's source is guessed from its ocid prefix
(${
  SOURCE_IDS.map((id) => `${SOURCE_CATALOG[id].ocidPrefix} → ${id}`).join(", ")
}), else from the package's uri.
With --compare-db, each line instead names the fields that differ from the stored contract of
the same notice (MONGODB_URI, MONGODB_DB): {"ok":true,"noticeId",…,"stored":true,"changed":{…}}.
Each contract line holds every field of the stored document (mapping version ${MAPPING_VERSION}):
estimate and awarded values, deadline, duration, delivery regions, procedure flags, legal
regime, suitability, lots, documents, amendments, warnings.
Exit: 0 all mapped, 1 some failed, 2 input unreadable or without releases.`;

/** Parsed command line, or a usage problem. */
export type MapArgs =
  | {
    readonly kind: "run";
    readonly file: string | null;
    readonly source: SourceId | null;
    /** Print only what differs from the stored contract of each notice. */
    readonly compareDb?: boolean;
  }
  | { readonly kind: "help" }
  | { readonly kind: "bad"; readonly message: string };

/**
 * Parses the command line.
 *
 * @example
 * ```ts
 * import { parseMapArgs } from "./map.ts";
 * parseMapArgs(["page.json", "--source=cf"]); // { kind: "run", file: "page.json", source: "cf" }
 * ```
 */
export function parseMapArgs(args: readonly string[]): MapArgs {
  let file: string | null = null;
  let source: SourceId | null = null;
  let compareDb = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-h" || a === "--help") return { kind: "help" };
    if (a === "--compare-db") {
      compareDb = true;
      continue;
    }
    if (a === "--source" || a.startsWith("--source=")) {
      const v = a === "--source" ? args[++i] : a.slice("--source=".length);
      if (!isSourceId(v)) {
        return {
          kind: "bad",
          message: `--source must be ${SOURCE_IDS.join(" or ")}, not ${JSON.stringify(v ?? "")}`,
        };
      }
      source = v;
    } else if (a.startsWith("-") && a !== "-") {
      return { kind: "bad", message: `unknown option ${a}` };
    } else if (file !== null) {
      return { kind: "bad", message: `one FILE at most (got ${file} and ${a})` };
    } else {
      file = a === "-" ? null : a;
    }
  }
  return compareDb ? { kind: "run", file, source, compareDb } : { kind: "run", file, source };
}

/** The releases in a parsed document and the package's `uri`, or why there are none. */
export function releasesIn(
  doc: unknown,
): { releases: readonly unknown[]; uri: string | null } | { problem: string } {
  if (Array.isArray(doc)) return { releases: doc, uri: null };
  if (typeof doc === "object" && doc !== null) {
    const rec = doc as Record<string, unknown>;
    const uri = typeof rec.uri === "string" ? rec.uri : null;
    if (Array.isArray(rec.releases)) return { releases: rec.releases, uri };
    if ("ocid" in rec || "id" in rec) return { releases: [doc], uri: null };
  }
  return {
    problem: 'no releases found: expected a release package {"releases": […]}, ' +
      "an array of releases, or one release",
  };
}

function sourceFromUri(uri: string | null): SourceId | null {
  return uri === null ? null : sourceOfUrl(uri) ?? null;
}

/** One output line for one release. */
export function mapLine(raw: unknown, source: SourceId | null, uri: string | null): string {
  const ocid = typeof raw === "object" && raw !== null && !Array.isArray(raw)
    ? (raw as Record<string, unknown>).ocid
    : undefined;
  const chosen = source ?? (typeof ocid === "string" ? sourceOfOcid(ocid) : undefined) ??
    sourceFromUri(uri);
  // A non-object fails the same way from either source; say that rather than "unknown source".
  if (
    (chosen === undefined || chosen === null) &&
    (typeof raw !== "object" || raw === null || Array.isArray(raw))
  ) {
    const r = mapRelease("fts", raw);
    if (!r.ok) {
      return JSON.stringify({ ok: false, releaseId: null, reason: r.reason, error: r.error });
    }
  }
  if (chosen === undefined || chosen === null) {
    const id = typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>).id
      : undefined;
    return JSON.stringify({
      ok: false,
      releaseId: typeof id === "string" ? id : null,
      reason: "unknown-source",
      error: `cannot tell the source from the ocid or the package uri; pass --source ${SOURCES}`,
    });
  }
  const r = mapRelease(chosen, raw);
  return JSON.stringify(
    r.ok
      ? { ok: true, contract: r.contract, buyers: r.buyers }
      : { ok: false, releaseId: r.releaseId, reason: r.reason, error: r.error },
  );
}

/** Bookkeeping of a stored contract, not part of what the mapper produces. */
const BOOKKEEPING = new Set([
  "_id",
  "firstSeenAt",
  "updatedAt",
  "contentHash",
  "firstSeenPage",
  "searchTokens",
]);

/**
 * The fields of `mapped` whose value differs from `stored` (compared as JSON, so dates
 * compare by instant), with both values; a field only one side has counts as different.
 *
 * @example
 * ```ts
 * import { changedFields } from "./map.ts";
 * changedFields({ title: "A", valueMax: 1 }, { title: "B", valueMax: 1 });
 * // { title: { stored: "A", mapped: "B" } }
 * ```
 */
export function changedFields(
  stored: Record<string, unknown>,
  mapped: Record<string, unknown>,
): Record<string, { stored: unknown; mapped: unknown }> {
  const changed: Record<string, { stored: unknown; mapped: unknown }> = {};
  for (const key of new Set([...Object.keys(stored), ...Object.keys(mapped)])) {
    if (BOOKKEEPING.has(key)) continue;
    if (JSON.stringify(stored[key]) !== JSON.stringify(mapped[key])) {
      changed[key] = { stored: stored[key] ?? null, mapped: mapped[key] ?? null };
    }
  }
  return changed;
}

/** A `mapLine` result turned into its comparison with the stored contract. */
async function compareLine(db: Db, line: string): Promise<string> {
  const parsed = JSON.parse(line) as { ok: boolean; contract?: Contract };
  if (!parsed.ok || parsed.contract === undefined) return line;
  const c = parsed.contract;
  const { contractsCollection } = await import("../db/contracts.ts");
  const stored = await contractsCollection(db).findOne({ source: c.source, noticeId: c.noticeId });
  const head = { ok: true, source: c.source, noticeId: c.noticeId, releaseId: c.releaseId };
  if (stored === null) return JSON.stringify({ ...head, stored: false, changed: null });
  // Both sides through JSON, so a stored Date and a mapped one compare alike.
  const before = JSON.parse(JSON.stringify(stored)) as Record<string, unknown>;
  return JSON.stringify({
    ...head,
    stored: true,
    storedReleaseId: stored.releaseId,
    changed: changedFields(before, parsed.contract as unknown as Record<string, unknown>),
  });
}

async function openStoredContracts(): Promise<Db | string> {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (e) {
    return e instanceof ConfigError ? e.message : String(e);
  }
  if (config.mongodbUri === null) {
    return "--compare-db needs MONGODB_URI (and MONGODB_DB): the stored contracts to compare with";
  }
  try {
    // Loaded only here: the MongoDB driver would slow every plain `map` down.
    const { connectDatabase } = await import("../db/client.ts");
    return await connectDatabase(config.mongodbUri, config.mongodbDb);
  } catch (e) {
    return e instanceof Error ? e.message : String(e); // names the host, never credentials
  }
}

async function readInput(file: string | null): Promise<Uint8Array> {
  if (file !== null) return await Deno.readFile(file);
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

function fail(message: string): number {
  // file names and parse errors quote the input: nothing in it may ring or reorder a terminal
  console.error(visibleText(`map: ${message}`, { carriageReturn: true }));
  return 2;
}

/**
 * Runs the command; returns the exit status.
 *
 * @example
 * ```ts
 * import { main } from "./map.ts";
 * Deno.exit(await main(["--help"]));
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const parsed = parseMapArgs(args);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "bad") return fail(`${parsed.message}\n${USAGE}`);
  const where = parsed.file ?? "stdin";
  let bytes: Uint8Array;
  try {
    bytes = await readInput(parsed.file);
  } catch (e) {
    return fail(`cannot read ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Not fatal: CF bodies can carry ISO-8859-1 bytes; they become U+FFFD rather than an error.
  const text = new TextDecoder("utf-8").decode(bytes);
  if (text.trim() === "") return fail(`${where} is empty`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(`${where} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const found = releasesIn(doc);
  if ("problem" in found) return fail(`${where}: ${found.problem}`);
  // An empty list maps "successfully" to nothing, which would hide a wrong file or query.
  if (found.releases.length === 0) return fail(`${where} holds no releases (an empty list)`);
  let lines = found.releases.map((raw) => mapLine(raw, parsed.source, found.uri));
  const ok = lines.every((l) => l.startsWith('{"ok":true'));
  if (parsed.compareDb) {
    const db = await openStoredContracts();
    if (typeof db === "string") return fail(db);
    try {
      const compared: string[] = [];
      for (const line of lines) compared.push(await compareLine(db, line));
      lines = compared;
    } finally {
      await (await import("../db/client.ts")).closeMongoClients();
    }
  }
  // JSON escapes C0 controls but leaves bidi overrides and C1 raw: escape those too (the
  // JSON means the same), so a release cannot reorder or hide what a terminal shows
  const shown = lines.map(jsonVisible).join("\n") + "\n";
  await Deno.stdout.write(new TextEncoder().encode(shown));
  return ok ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
