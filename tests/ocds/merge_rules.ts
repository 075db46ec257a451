/**
 * Reads the merge rules out of a release schema (JSON Schema draft 4 with the OCDS merge
 * annotations), for tests: to check the rules written into `src/ocds/record.ts` against the
 * schema files, and to run test cases written for another schema.
 *
 * The rules, from the OCDS 1.1 "Merging" page, walking `properties` from the root (a `$ref`
 * to `#/definitions/…` is followed; its sibling keys win over the definition's):
 * - `"omitWhenMerged": true` → omitted (nothing below it matters);
 * - an array with `"wholeListMerge": true` → whole list (nothing below it matters);
 * - an object with `properties` → its properties, one step deeper;
 * - an array whose `items` allow a non-object type → whole list;
 * - an array of objects whose `properties` have no `id` → whole list;
 * - an array of objects with an `id` → the items' properties, one step deeper (arrays add no
 *   step).
 * @module
 */
import type { MergeRules } from "../../src/ocds/record.ts";

type Schema = { readonly [key: string]: unknown };

const isObject = (v: unknown): v is Schema =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The merge rules of a release schema.
 *
 * @example
 * ```ts
 * mergeRulesFromSchema({ properties: { date: { type: "string", omitWhenMerged: true } } });
 * // { omitWhenMerged: ["date"], wholeListMerge: [] }
 * ```
 */
export function mergeRulesFromSchema(schema: Schema): MergeRules {
  const definitions = isObject(schema.definitions) ? schema.definitions : {};
  const omit: string[] = [];
  const whole: string[] = [];

  // `via` holds the definitions being expanded on this path, so a cycle stops instead of looping.
  const resolve = (node: unknown, via: ReadonlySet<string>): [Schema, Set<string>] | null => {
    if (!isObject(node)) return null;
    const ref = node.$ref;
    if (typeof ref !== "string") return [node, new Set(via)];
    const name = ref.startsWith("#/definitions/") ? ref.slice("#/definitions/".length) : "";
    const target = definitions[name];
    if (!isObject(target) || via.has(name)) return null;
    const { $ref: _, ...siblings } = node;
    return [{ ...target, ...siblings }, new Set([...via, name])];
  };
  const types = (node: Schema): string[] =>
    typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? node.type : [];

  const walk = (properties: unknown, prefix: string, via: ReadonlySet<string>): void => {
    if (!isObject(properties)) return;
    for (const [key, raw] of Object.entries(properties)) {
      const resolved = resolve(raw, via);
      if (resolved === null) continue;
      const [node, seen] = resolved;
      const path = prefix === "" ? key : `${prefix}.${key}`;
      const t = types(node);
      if (node.omitWhenMerged === true) {
        omit.push(path);
      } else if (t.includes("array") && node.wholeListMerge === true) {
        whole.push(path);
      } else if (t.includes("object") && isObject(node.properties)) {
        walk(node.properties, path, seen);
      } else if (t.includes("array") && node.items !== undefined) {
        const items = resolve(node.items, seen);
        if (items === null) continue;
        const [item, itemSeen] = items;
        const itemTypes = types(item);
        if (itemTypes.some((x) => x !== "object")) {
          whole.push(path);
        } else if (itemTypes.includes("object") && isObject(item.properties)) {
          if (Object.hasOwn(item.properties, "id")) walk(item.properties, path, itemSeen);
          else whole.push(path);
        }
      }
    }
  };
  walk(schema.properties, "", new Set());
  return { omitWhenMerged: omit, wholeListMerge: whole };
}

/**
 * Applies a JSON Merge Patch (RFC 7386), the way OCDS extensions patch the release schema.
 *
 * @example
 * ```ts
 * mergePatch({ a: { b: 1, c: 2 } }, { a: { c: null, d: 3 } }); // { a: { b: 1, d: 3 } }
 * ```
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
