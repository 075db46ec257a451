/**
 * A small JSON Schema checker for the subset the OpenAPI document uses (`type` with type
 * arrays, `enum`, `required`, `properties`, `additionalProperties` as a schema, `items`,
 * `pattern`, `format: date-time`, `minimum`, local `$ref`), so tests can hold real answers
 * against the published document without a new dependency.
 * @module
 */

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Problems of `value` against `schema` (empty when it conforms). */
export function validate(
  value: unknown,
  schema: Schema,
  root: Schema,
  path = "$",
): string[] {
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace(/^#\//, "").split("/")
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], root);
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    return validate(value, target as Schema, root, path);
  }
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!ok) return [`${path}: ${actual} is not ${types.join("|")}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  }
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
      problems.push(`${path}: ${JSON.stringify(value)} is not a date-time`);
    }
  }
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) {
    problems.push(`${path}: ${value} < ${schema.minimum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) =>
      problems.push(...validate(v, schema.items as Schema, root, `${path}[${i}]`))
    );
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in obj)) problems.push(`${path}: missing ${key}`);
    }
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) problems.push(...validate(v, props[key], root, `${path}.${key}`));
      else if (typeof schema.additionalProperties === "object") {
        problems.push(
          ...validate(v, schema.additionalProperties as Schema, root, `${path}.${key}`),
        );
      } else if (schema.additionalProperties === false) {
        problems.push(`${path}: unexpected ${key}`);
      }
    }
  }
  return problems;
}
