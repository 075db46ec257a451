/**
 * OCDS records: every release of one contracting process (`ocid`) with the compiled release
 * built by the OCDS 1.1 merge rules ("Merging",
 * https://standard.open-contracting.org/1.1/en/schema/merging/), and the record package
 * (`record-package-schema.json`) that carries them.
 *
 * The merge, per field of each release, oldest release first:
 * - objects are merged field by field, recursively;
 * - an array of objects is merged by identifier: an object whose `id` matches one already
 *   there (same JSON type and value: `1` and `"1"` differ) is merged into it, any other object
 *   is appended; objects without `id` are always appended;
 * - any other value replaces the previous one whole: scalars, arrays holding a non-object, and
 *   the fields of {@linkcode OCDS_MERGE_RULES} `wholeListMerge` (even an empty array);
 * - `null` removes the field (a whole object or array too, as the specification says; an
 *   object whose fields are all removed stays, empty);
 * - an empty object, an empty array outside `wholeListMerge`, and objects holding only those
 *   change nothing: objects and arrays appear in the compiled release only once a value is
 *   written below them;
 * - `omitWhenMerged` fields are left out. The top-level `id`, `date`, `tag` and `ocid` are
 *   generated: `tag` is `["compiled"]`, `date` the newest release's `date`, `id` is
 *   `{ocid}-{date}` (as `ocdsmerge` and OCDS Kit write it), `ocid` the record's.
 *
 * Order: releases are merged by their `date` instant; equal instants by release `id` (code
 * unit order), then by position in the input. So the compiled release does not depend on the
 * order the releases are given in, unless two of them share both instant and `id`.
 *
 * Bad input never throws: a value that is not an object, or carries another `ocid`, is left
 * out; a release without a readable `date` is merged first (it cannot override a dated one);
 * a field whose type changes between releases takes the newer value; a release nested deeper
 * than {@linkcode MAX_RELEASE_DEPTH} is left out. Each case leaves a
 * {@linkcode RecordWarning}. Keys such as `__proto__` are data: merged state lives in `Map`s
 * and output objects are built with `Object.fromEntries`, which defines own properties and
 * never touches a prototype. Time is linear in the size of the input (plus sorting the
 * releases), and recursion never goes deeper than {@linkcode MAX_RELEASE_DEPTH}.
 *
 * Tested against the reference implementation's test cases (open-contracting/ocds-merge) and the
 * worked examples of the standard. Where this differs from that implementation (`ocdsmerge`):
 * it raises on a type change or a release without `date`, where this warns; it sorts `date` as
 * text, where this compares instants (CF mixes `Z` and `+01:00`); `null` on an object there
 * removes only the object's fields, here the object, as the specification's "remove the field"
 * says; and a `null` met before any value there leaves an empty object, here nothing.
 *
 * The outputs share values with the input (whole-list values, the releases): treat all of them
 * as read-only.
 *
 * @example
 * ```ts
 * import { compileRecord, recordPackage } from "./record.ts";
 * const ocid = "ocds-213czf-1";
 * const record = compileRecord(ocid, [
 *   { ocid, id: "a-2", date: "2025-01-02T00:00:00Z", awards: [{ id: "1", status: "active" }] },
 *   { ocid, id: "a-1", date: "2025-01-01T00:00:00Z", tender: { title: "Roads" } },
 * ]);
 * record.compiledRelease?.tender; // { title: "Roads" }
 * record.compiledRelease?.id; // "ocds-213czf-1-2025-01-02T00:00:00Z"
 * recordPackage([record], {
 *   uri: "https://example.org/api/v1/procurements/cf/ocds-213czf-1/record",
 *   publisher: { name: "Contracts Finder" },
 * }).publishedDate; // "2025-01-02T00:00:00Z"
 * ```
 * @module
 */
import { isRecord, MAX_WARNINGS, parseIsoDate, type UnknownRecord } from "./read.ts";

/**
 * The merge rules of a release schema, as dotted field paths from the release root (arrays add
 * no step: `tender.items.additionalClassifications`).
 */
export interface MergeRules {
  /** Fields left out of the compiled release (`"omitWhenMerged": true`). */
  readonly omitWhenMerged: readonly string[];
  /**
   * Fields whose value replaces the previous one whole: `"wholeListMerge": true`, arrays whose
   * items are not objects, and arrays of objects that have no `id` property.
   */
  readonly wholeListMerge: readonly string[];
}

/**
 * The merge rules of the OCDS 1.1.5 release schema extended by the UK extension that Find a
 * Tender declares (cabinetoffice/ocds_uk_extension @ aa0e43b), derived from
 * `../shared/data/ocds-1.1.5/release-schema.json` patched with
 * `../shared/data/ocds_uk_extension/release-schema.json`. Written out here because the product
 * has no schema at run time; `tests/ocds/record_test.ts` derives them from those files again
 * and fails when the two disagree. `versionId` annotations are not listed: they only matter to
 * versioned releases, which are not built. Paths of other extensions (lots, bids …) are not in
 * those files; their arrays follow the data's shape (objects with `id` merged by identifier,
 * anything else replaced whole).
 */
export const OCDS_MERGE_RULES: MergeRules = Object.freeze({
  omitWhenMerged: Object.freeze(["id", "date", "tag"]),
  wholeListMerge: Object.freeze([
    "parties.additionalIdentifiers",
    "parties.roles",
    "parties.details.excludedSupplier.exclusionGrounds.criteria",
    "buyer.additionalIdentifiers",
    "tender.procuringEntity.additionalIdentifiers",
    "tender.items.additionalClassifications",
    "tender.additionalProcurementCategories",
    "tender.submissionMethod",
    "tender.tenderers.additionalIdentifiers",
    "tender.specialRegime",
    ...amendmentPaths("tender.amendments"),
    ...amendmentPaths("tender.amendment"),
    "awards.suppliers.additionalIdentifiers",
    "awards.items.additionalClassifications",
    "awards.additionalProcurementCategories",
    ...amendmentPaths("awards.amendments"),
    ...amendmentPaths("awards.amendment"),
    "contracts.items.additionalClassifications",
    "contracts.implementation.transactions.payer.additionalIdentifiers",
    "contracts.implementation.transactions.payee.additionalIdentifiers",
    "contracts.relatedProcesses.relationship",
    ...amendmentPaths("contracts.amendments"),
    ...amendmentPaths("contracts.amendment"),
    ...amendmentPaths("contracts.proposedAmendments"),
    "relatedProcesses.relationship",
  ]),
});

// Every Amendment object (core `changes`, the UK extension's classifications and suppliers)
// has the same four whole-list fields, wherever it appears.
function amendmentPaths(at: string): string[] {
  return [
    `${at}.changes`,
    `${at}.rationaleClassifications`,
    `${at}.suppliersAdded.additionalIdentifiers`,
    `${at}.suppliersRemoved.additionalIdentifiers`,
  ];
}

/**
 * Deepest nesting of objects and arrays in a release, the release itself being level 1. A
 * deeper release is left out of the record with a `too-deep` warning: the real samples go 9
 * levels deep, and a record must stay serialisable (`JSON.stringify` overflows its stack on
 * deep enough input) and storable (MongoDB stops at 100 levels).
 */
export const MAX_RELEASE_DEPTH = 32;

/** Every warning code of {@linkcode compileRecord}. */
export type RecordWarningCode =
  | "not-an-array"
  | "not-an-object"
  | "ocid-mismatch"
  | "missing-ocid"
  | "missing-date"
  | "invalid-date"
  | "date-without-offset"
  | "duplicate-release-id"
  | "duplicate-id"
  | "invalid-id"
  | "inconsistent-type"
  | "too-deep"
  | "too-many-warnings";

/** Something odd met while compiling, and what was done about it. */
export interface RecordWarning {
  readonly code: RecordWarningCode;
  /** What was found and what was done, for a person. */
  readonly message: string;
  /** `id` of the release concerned (cut to 100 characters), or `null`. */
  readonly releaseId: string | null;
  /** JSON path in that release (`awards[0].suppliers`), or `null` for the release itself. */
  readonly path: string | null;
}

/** A compiled release: a release with `tag` `["compiled"]` and generated `id` and `date`. */
export interface CompiledRelease {
  readonly tag: readonly ["compiled"];
  readonly id: string;
  /** `date` of the newest release; absent when no release has a readable one. */
  readonly date?: string;
  readonly ocid: string;
  readonly [field: string]: unknown;
}

/** What {@linkcode compileRecord} returns: an OCDS record plus the warnings of compiling it. */
export interface CompiledRecord {
  readonly ocid: string;
  /** The releases that belong to the record, oldest first (in merge order). */
  readonly releases: readonly UnknownRecord[];
  /** `null` when no release belongs to the record. */
  readonly compiledRelease: CompiledRelease | null;
  /** At most 50, then one `too-many-warnings`. */
  readonly warnings: readonly RecordWarning[];
}

/** Options of {@linkcode compileRecord}. */
export interface CompileOptions {
  /**
   * Merge rules; another schema's (an extension's, a test schema's) can be given.
   * @default {OCDS_MERGE_RULES}
   */
  readonly rules?: MergeRules;
}

/**
 * Compiles the releases of one contracting process into an OCDS record: the releases that
 * belong to it, oldest first, and the compiled release (see the module documentation for the
 * rules). Never throws, whatever the releases hold.
 *
 * @param ocid The record's ocid; releases carrying another are left out.
 * @param releases Releases as parsed from JSON, in any order.
 *
 * @example
 * ```ts
 * import { compileRecord } from "./record.ts";
 * const ocid = "ocds-213czf-0001";
 * const r = compileRecord(ocid, [
 *   { ocid, id: "2", date: "2026-02-01T00:00:00Z", tender: { items: [{ id: "1", quantity: 2 }] } },
 *   { ocid, id: "1", date: "2026-01-01T00:00:00Z", tender: { items: [{ id: "1", unit: "t" }] } },
 * ]);
 * r.compiledRelease?.tender; // { items: [{ id: "1", unit: "t", quantity: 2 }] }
 * r.releases.map((x) => x.id); // ["1", "2"]
 * ```
 */
export function compileRecord(
  ocid: string,
  releases: readonly unknown[],
  options: CompileOptions = {},
): CompiledRecord {
  const warnings = new WarningList();
  const entries = sortedEntries(ocid, releases, warnings);
  if (entries.length === 0) {
    return { ocid, releases: [], compiledRelease: null, warnings: warnings.list };
  }
  const merger = new Merger(ruleTree(options.rules ?? OCDS_MERGE_RULES), warnings);
  for (const entry of entries) merger.mergeRelease(entry.release, entry.id);
  const newest = entries[entries.length - 1];
  const date = Number.isFinite(newest.time) ? newest.date : undefined;
  const head = date === undefined
    ? { tag: ["compiled"] as const, id: ocid, ocid }
    : { tag: ["compiled"] as const, id: `${ocid}-${date}`, date, ocid };
  return {
    ocid,
    releases: entries.map((e) => e.release),
    compiledRelease: Object.fromEntries([
      ...Object.entries(head),
      ...merger.entries(),
    ]) as CompiledRelease,
    warnings: warnings.list,
  };
}

/** A publisher in a package. */
export interface Publisher {
  readonly name: string;
  readonly scheme?: string;
  readonly uid?: string;
  readonly uri?: string;
}

/** Options of {@linkcode recordPackage}. */
export interface RecordPackageOptions {
  /** The URI of this package (e.g. the URL it is served at). */
  readonly uri: string;
  /** Who publishes the package. */
  readonly publisher: Publisher;
  /**
   * When the package's content last changed. The default is never the wall clock, so the same
   * releases always give the same package: the newest `date` of the records' releases.
   *
   * @default {undefined}
   */
  readonly publishedDate?: string;
  /**
   * Licence URL of the data; absent: left out of the package.
   *
   * @default {undefined}
   */
  readonly license?: string;
  /**
   * Publication policy URL; absent: left out of the package.
   *
   * @default {undefined}
   */
  readonly publicationPolicy?: string;
  /**
   * URLs of the `extension.json` of the extensions the releases use; absent: left out of the
   * package.
   *
   * @default {undefined}
   */
  readonly extensions?: readonly string[];
}

/** One record of a {@linkcode RecordPackage}. */
export interface OcdsRecord {
  readonly ocid: string;
  readonly releases: readonly UnknownRecord[];
  readonly compiledRelease?: CompiledRelease;
}

/** An OCDS 1.1 record package (`record-package-schema.json`). */
export interface RecordPackage {
  readonly uri: string;
  readonly version: "1.1";
  readonly extensions?: readonly string[];
  readonly publisher: Publisher;
  readonly license?: string;
  readonly publicationPolicy?: string;
  readonly publishedDate: string;
  readonly records: readonly OcdsRecord[];
}

/**
 * Wraps compiled records in an OCDS 1.1 record package, with embedded releases. The schema
 * wants at least one release per record: answer "not found" for a record whose `releases` is
 * empty rather than packaging it.
 *
 * @throws {RangeError} when `publishedDate` is not given and no release has a readable date.
 *
 * @example
 * ```ts
 * import { compileRecord, recordPackage } from "./record.ts";
 * const ocid = "ocds-213czf-0001";
 * const record = compileRecord(ocid, [{ ocid, id: "1", date: "2026-01-01T00:00:00Z" }]);
 * const pkg = recordPackage([record], { uri: "https://x.org/r", publisher: { name: "FTS" } });
 * pkg.records[0].compiledRelease?.tag; // ["compiled"]
 * ```
 */
export function recordPackage(
  records: readonly CompiledRecord[],
  options: RecordPackageOptions,
): RecordPackage {
  const publishedDate = options.publishedDate ?? newestDate(records);
  if (publishedDate === undefined) {
    throw new RangeError(
      "recordPackage: no release of these records has a readable date; pass options.publishedDate",
    );
  }
  return {
    uri: options.uri,
    version: "1.1",
    ...(options.extensions === undefined ? {} : { extensions: options.extensions }),
    publisher: options.publisher,
    ...(options.license === undefined ? {} : { license: options.license }),
    ...(options.publicationPolicy === undefined
      ? {}
      : { publicationPolicy: options.publicationPolicy }),
    publishedDate,
    records: records.map((r) =>
      r.compiledRelease === null
        ? { ocid: r.ocid, releases: r.releases }
        : { ocid: r.ocid, releases: r.releases, compiledRelease: r.compiledRelease }
    ),
  };
}

function newestDate(records: readonly CompiledRecord[]): string | undefined {
  let best: string | undefined;
  let bestTime = -Infinity;
  for (const r of records) {
    const d = r.compiledRelease?.date;
    if (d === undefined) continue;
    const parsed = parseIsoDate(d);
    if ("date" in parsed && parsed.date.getTime() > bestTime) {
      best = d;
      bestTime = parsed.date.getTime();
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Releases: which belong, and in which order.

interface Entry {
  readonly release: UnknownRecord;
  readonly index: number;
  /** Instant of `date`; -Infinity when missing or unreadable, so such releases merge first. */
  readonly time: number;
  readonly date: string | undefined;
  /** Release `id` for ordering ties and warnings; "" when absent. */
  readonly id: string;
}

function sortedEntries(
  ocid: string,
  releases: readonly unknown[],
  warnings: WarningList,
): Entry[] {
  if (!Array.isArray(releases)) {
    warnings.add("not-an-array", `expected an array of releases, found ${typeName(releases)}`);
    return [];
  }
  const entries: Entry[] = [];
  const ids = new Set<string>();
  for (let index = 0; index < releases.length; index++) {
    const release: unknown = releases[index];
    if (!isRecord(release)) {
      warnings.add("not-an-object", `release ${index} is ${typeName(release)}; left out`);
      continue;
    }
    const id = Object.hasOwn(release, "id") && typeof release.id === "string" ? release.id : "";
    const releaseId = id === "" ? `#${index}` : id;
    const own = Object.hasOwn(release, "ocid") ? release.ocid : undefined;
    if (typeof own !== "string") {
      warnings.add("missing-ocid", `no ocid; read as ${short(ocid)}`, releaseId);
    } else if (own !== ocid) {
      warnings.add(
        "ocid-mismatch",
        `ocid ${short(own)} is not ${short(ocid)}; left out`,
        releaseId,
      );
      continue;
    }
    if (nestedDeeperThan(release, MAX_RELEASE_DEPTH)) {
      warnings.add(
        "too-deep",
        `nested deeper than ${MAX_RELEASE_DEPTH} levels; left out`,
        releaseId,
      );
      continue;
    }
    if (id !== "") {
      if (ids.has(id)) {
        warnings.add("duplicate-release-id", "another release has this id; both kept", releaseId);
      }
      ids.add(id);
    }
    const raw = Object.hasOwn(release, "date") ? release.date : undefined;
    let time = -Infinity;
    let date: string | undefined;
    if (typeof raw !== "string" || raw.trim() === "") {
      warnings.add("missing-date", "no date; merged before every dated release", releaseId);
    } else {
      const parsed = parseIsoDate(raw);
      if ("date" in parsed) {
        time = parsed.date.getTime();
        date = raw;
        if (parsed.problem === "no-offset") {
          warnings.add(
            "date-without-offset",
            `date ${short(raw)} has no offset; read as UTC`,
            releaseId,
          );
        }
      } else {
        warnings.add(
          "invalid-date",
          `date ${short(raw)} is not ISO 8601; merged before every dated release`,
          releaseId,
        );
      }
    }
    entries.push({ release, index, time, date, id });
  }
  return entries.sort((a, b) =>
    (a.time < b.time ? -1 : a.time > b.time ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    a.index - b.index
  );
}

/**
 * Whether objects and arrays nest more than `max` levels in `value` (itself level 1). Iterative,
 * so any depth is safe to measure, and it stops at the first level too deep (a cycle, which
 * JSON cannot hold, ends there too).
 */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (typeof child === "object" && child !== null) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Rules as a tree, so each field looks its rule up in one Map step and no path string is built.

interface RuleNode {
  rule?: "omit" | "whole";
  readonly children: Map<string, RuleNode>;
}

const trees = new WeakMap<MergeRules, RuleNode>();

function ruleTree(rules: MergeRules): RuleNode {
  let root = trees.get(rules);
  if (root !== undefined) return root;
  root = { children: new Map() };
  const add = (path: string, rule: "omit" | "whole") => {
    let node = root!;
    for (const key of path.split(".")) {
      let next = node.children.get(key);
      if (next === undefined) node.children.set(key, next = { children: new Map() });
      node = next;
    }
    // omitWhenMerged wins over wholeListMerge, as in the schema's own precedence.
    if (node.rule !== "omit") node.rule = rule;
  };
  for (const p of rules.wholeListMerge) add(p, "whole");
  for (const p of rules.omitWhenMerged) add(p, "omit");
  trees.set(rules, root);
  return root;
}

// ---------------------------------------------------------------------------------------------
// The merge. State is a tree of Maps; plain objects are only built at the end.

/** A value replaced whole: a scalar, or an array/object under a whole-list rule. */
class Leaf {
  constructor(readonly value: unknown) {}
}
/** An object merged field by field. */
class Obj {
  readonly fields = new Map<string, Node>();
}
/** An array of objects merged by identifier. */
class List {
  readonly items: Obj[] = [];
  readonly byId = new Map<string, Obj>();
}
type Node = Leaf | Obj | List;

/**
 * Where a merged object lives. It is created on the first write below it, so an input object
 * that writes nothing (empty, or only empty objects) leaves no trace and replaces nothing.
 */
interface Slot {
  /** The object if it already exists (removals never create one). */
  peek(): Obj | undefined;
  /** The object, created (replacing a value of another type) when missing. */
  get(): Obj;
}

// Fields generated for the compiled release, never merged from a release.
const GENERATED = new Set(["id", "date", "tag", "ocid"]);

class Merger {
  readonly #root = new Obj();
  readonly #rules: RuleNode;
  readonly #warnings: WarningList;
  /** Keys and indexes from the release root to the current value, for warning paths. */
  readonly #path: (string | number)[] = [];
  #releaseId = "";

  constructor(rules: RuleNode, warnings: WarningList) {
    this.#rules = rules;
    this.#warnings = warnings;
  }

  mergeRelease(release: UnknownRecord, id: string): void {
    this.#releaseId = id;
    const root = this.#root;
    const slot: Slot = { peek: () => root, get: () => root };
    for (const key of Object.keys(release)) {
      if (GENERATED.has(key)) continue;
      this.#field(slot, key, release[key], this.#rules.children.get(key));
    }
  }

  /** The merged fields, in the order they first appeared. */
  entries(): [string, unknown][] {
    return entriesOf(this.#root);
  }

  #field(parent: Slot, key: string, value: unknown, rule: RuleNode | undefined) {
    if (rule?.rule === "omit") return;
    if (value === null) {
      parent.peek()?.fields.delete(key);
      return;
    }
    const type = typeof value;
    // undefined, functions, bigint …: not JSON, nothing to merge.
    if (type !== "object" && type !== "string" && type !== "number" && type !== "boolean") return;
    this.#path.push(key);
    if (type !== "object" || rule?.rule === "whole") {
      this.#leaf(parent, key, value);
    } else if (!Array.isArray(value)) {
      this.#object(this.#fieldSlot(parent, key), value as UnknownRecord, rule);
    } else if (value.length > 0) {
      // An empty array outside the whole-list rules has nothing to merge by identifier.
      if (value.every(isRecord)) this.#list(parent, key, value, rule);
      else this.#leaf(parent, key, value);
    }
    this.#path.pop();
  }

  #leaf(parent: Slot, key: string, value: unknown) {
    const fields = parent.get().fields;
    const old = fields.get(key);
    if (old instanceof Obj || (old instanceof List && !Array.isArray(value))) {
      this.#typeChange(old, typeName(value));
    }
    fields.set(key, new Leaf(value));
  }

  #object(slot: Slot, obj: UnknownRecord, rules: RuleNode | undefined) {
    for (const key of Object.keys(obj)) {
      this.#field(slot, key, obj[key], rules?.children.get(key));
    }
  }

  #list(
    parent: Slot,
    key: string,
    items: readonly UnknownRecord[],
    rules: RuleNode | undefined,
  ) {
    let list: List | undefined;
    const at = this.#path.length; // the array's own path, for a warning raised below it
    const getList = (): List => {
      if (list !== undefined) return list;
      const fields = parent.get().fields;
      const old = fields.get(key);
      if (old instanceof List) return list = old;
      // An array of other values before is not a change of type, only of content.
      if (old !== undefined && !(old instanceof Leaf && Array.isArray(old.value))) {
        this.#typeChange(old, "an array of objects", at);
      }
      fields.set(key, list = new List());
      return list;
    };
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      this.#path.push(i);
      const id = this.#identifier(item);
      let slot: Slot;
      if (id !== undefined) {
        if (seen.has(id)) {
          this.#warn(
            "duplicate-id",
            "another object of this array has the same id; merged into it",
          );
        }
        seen.add(id);
        const l = getList();
        let node = l.byId.get(id);
        if (node === undefined) {
          l.byId.set(id, node = new Obj());
          l.items.push(node);
        }
        slot = { peek: () => node, get: () => node };
      } else {
        let node: Obj | undefined;
        slot = {
          peek: () => node,
          get: () => {
            if (node === undefined) getList().items.push(node = new Obj());
            return node;
          },
        };
      }
      this.#object(slot, item, rules);
      this.#path.pop();
    }
  }

  /** The identity of an array item: its `id`'s JSON type and value, or none. */
  #identifier(item: UnknownRecord): string | undefined {
    if (!Object.hasOwn(item, "id")) return undefined;
    const id = item.id;
    switch (typeof id) {
      case "string":
        return `s${id}`;
      case "number":
        return `n${id}`;
      case "boolean":
        return `b${id}`;
    }
    if (id !== null) this.#warn("invalid-id", `id is ${typeName(id)}; the object is appended`);
    return undefined;
  }

  #fieldSlot(parent: Slot, key: string): Slot {
    let node: Obj | undefined;
    const at = this.#path.length; // the object's own path: it is created lazily, deeper down
    return {
      peek: () => {
        if (node !== undefined) return node;
        const existing = parent.peek()?.fields.get(key);
        return existing instanceof Obj ? existing : undefined;
      },
      get: () => {
        if (node !== undefined) return node;
        const fields = parent.get().fields;
        const old = fields.get(key);
        if (old instanceof Obj) return node = old;
        if (old !== undefined) this.#typeChange(old, "an object", at);
        fields.set(key, node = new Obj());
        return node;
      },
    };
  }

  #typeChange(old: Node, now: string, at = this.#path.length) {
    const was = old instanceof List
      ? "an array of objects"
      : old instanceof Obj
      ? "an object"
      : typeName(old.value);
    this.#warn("inconsistent-type", `was ${was} in an older release, now ${now}; newer kept`, at);
  }

  /** Records a warning at the current path, or at its first `at` steps. */
  #warn(code: RecordWarningCode, message: string, at = this.#path.length) {
    if (this.#warnings.full) return; // don't build the path of a warning that is not kept
    this.#warnings.add(code, message, this.#releaseId, formatPath(this.#path, at));
  }
}

/**
 * The JSON value of a merged node. Every object and array here had a value written below it at
 * some point; one emptied by later `null`s stays as `{}`, as in the worked examples of the
 * standard's "Updates and deletions" guidance.
 */
function toJson(node: Node): unknown {
  if (node instanceof Leaf) return node.value;
  if (node instanceof List) return node.items.map(toJson);
  // fromEntries defines own data properties: a `__proto__` key stays a key.
  return Object.fromEntries(entriesOf(node));
}

function entriesOf(node: Obj): [string, unknown][] {
  return Array.from(node.fields, ([key, child]) => [key, toJson(child)]);
}

// ---------------------------------------------------------------------------------------------
// Warnings.

class WarningList {
  readonly list: RecordWarning[] = [];

  get full(): boolean {
    return this.list.length > MAX_WARNINGS;
  }

  add(code: RecordWarningCode, message: string, releaseId?: string, path?: string): void {
    if (this.list.length < MAX_WARNINGS) {
      this.list.push({
        code,
        message,
        releaseId: releaseId === undefined ? null : releaseId.slice(0, 100),
        path: path ?? null,
      });
    } else if (this.list.length === MAX_WARNINGS) {
      this.list.push({
        code: "too-many-warnings",
        message: `more than ${MAX_WARNINGS} warnings; the rest were dropped`,
        releaseId: null,
        path: null,
      });
    }
  }
}

const MAX_PATH = 200;

function formatPath(path: readonly (string | number)[], length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    const part = path[i];
    out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
    if (out.length > MAX_PATH) return `${out.slice(0, MAX_PATH)}…`;
  }
  return out;
}

/** A quoted, shortened piece of untrusted text for a message. */
function short(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const t = typeof value;
  return t === "object" ? "an object" : `a ${t}`;
}
