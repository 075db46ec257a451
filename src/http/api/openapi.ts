/**
 * The OpenAPI 3.1 document of the read API (`GET /api/v1/openapi.json`), built from the same
 * parameter lists and item schemas the routes use, so it cannot drift from them; a test
 * checks real answers against it.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * openApiDocument([NOTICES]).paths["/api/v1/notices"];
 * ```
 * @module
 */
import type { ParamKind, ParamSpec } from "./params.ts";
import { type AnyResource, listParams, type Schema } from "./resource.ts";
import { SOURCE_CATALOG, SOURCE_IDS } from "../../sources/catalog.ts";

/** "Find a Tender and Contracts Finder", from the catalog. */
const SOURCE_LABELS = SOURCE_IDS.map((id) => SOURCE_CATALOG[id].label).join(" and ");

function paramSchema(kind: ParamKind): Schema {
  switch (kind.kind) {
    case "text":
      return { type: "string", maxLength: kind.max };
    case "enum":
      return { type: "string", enum: [...kind.values] };
    case "date":
      return { type: "string", examples: ["2026-01-31", "2026-01-31T09:00:00Z"] };
    case "amount":
      return { type: "string", pattern: "^\\d{1,15}(\\.\\d{1,2})?$" };
    case "integer":
      return { type: "integer", minimum: kind.min, maximum: kind.max };
    case "id":
      return { type: "string", minLength: 1, maxLength: 200 };
    case "digits":
      return { type: "string", pattern: `^\\d{${kind.min},${kind.max}}$` };
    case "region":
      return { type: "string", pattern: "^[A-Z]{2}[A-Z0-9]{0,3}$" };
    case "cursor":
      return { type: "string", maxLength: 600 };
  }
}

const queryParam = (p: ParamSpec) => ({
  name: p.name,
  in: "query",
  required: false,
  description: p.description,
  schema: paramSchema(p.kind),
});

const pathParam = (name: string, description: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});

const ERROR = { $ref: "#/components/schemas/Error" };
const errors = {
  "400": {
    description: "A parameter is unknown, repeated or of the wrong form (`parameter` names it).",
    content: { "application/json": { schema: ERROR } },
  },
  "401": {
    description: "A read token is required (API_READ_TOKEN) and missing or wrong.",
    content: { "application/json": { schema: ERROR } },
  },
};
const notFound = {
  description: "Unknown.",
  content: { "application/json": { schema: ERROR } },
};

/**
 * The whole document for the given resources.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * const doc = openApiDocument([NOTICES]);
 * doc.openapi; // "3.1.0"
 * ```
 */
export function openApiDocument(
  resources: readonly AnyResource[],
): Record<string, unknown> & { paths: Record<string, unknown> } {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = {
    Error: {
      type: "object",
      required: ["error", "parameter"],
      properties: { error: { type: "string" }, parameter: { type: ["string", "null"] } },
    },
  };
  for (const r of resources) {
    const item = r.singular[0].toUpperCase() + r.singular.slice(1);
    schemas[item] = r.itemSchema;
    schemas[`${item}Page`] = {
      type: "object",
      required: ["items", "next", "limit", "sort"],
      properties: {
        items: { type: "array", items: { $ref: `#/components/schemas/${item}` } },
        next: {
          type: ["string", "null"],
          description: "Cursor of the next page; null on the last.",
        },
        limit: { type: "integer" },
        sort: { type: "string" },
      },
    };
    paths[`/api/v1/${r.name}`] = {
      get: {
        summary: `Search ${r.name}`,
        description: "Filters combine with AND. Pages are keyset-paged: follow `next` until " +
          "it is null; items inserted meanwhile never shift later pages.",
        parameters: listParams(r).map(queryParam),
        responses: {
          "200": {
            description: `A page of ${r.name}.`,
            content: {
              "application/json": { schema: { $ref: `#/components/schemas/${item}Page` } },
            },
          },
          "304": { description: "Not modified (If-None-Match)." },
          ...errors,
        },
      },
    };
    for (const format of ["ndjson", "csv"] as const) {
      paths[`/api/v1/${r.name}.${format}`] = {
        get: {
          summary: `Export ${r.name} as ${format.toUpperCase()} (streamed, whole result)`,
          parameters: listParams(r, false).map(queryParam),
          responses: {
            "200": {
              description: format === "csv"
                ? `CSV with a header row: ${r.csv.map((c) => c.header).join(", ")}.`
                : `One ${r.singular} per line, as in the list route.`,
              content: format === "csv"
                ? { "text/csv": { schema: { type: "string" } } }
                : { "application/x-ndjson": { schema: { $ref: `#/components/schemas/${item}` } } },
            },
            ...errors,
          },
        },
      };
    }
    paths[`/api/v1/${r.name}/${r.itemKeys.map((k) => `{${k}}`).join("/")}`] = {
      get: {
        summary: `One ${r.singular}`,
        parameters: r.itemKeys.map((k) => pathParam(k, k === "source" ? "fts or cf" : k)),
        responses: {
          "200": {
            description: `The ${r.singular}.`,
            content: { "application/json": { schema: { $ref: `#/components/schemas/${item}` } } },
          },
          "304": { description: "Not modified (If-None-Match)." },
          "404": notFound,
          ...errors,
        },
      },
    };
  }
  if (resources.some((r) => r.name === "procurements")) {
    schemas.RecordPackage = {
      type: "object",
      description: "An OCDS 1.1 record package (record-package-schema.json): the stored raw " +
        "releases of the ocid, oldest first, and the compiledRelease the OCDS merge rules make.",
      required: ["uri", "version", "publisher", "publishedDate", "records"],
      properties: {
        uri: { type: "string" },
        version: { type: "string", enum: ["1.1"] },
        publisher: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, uri: { type: "string" } },
        },
        license: { type: "string" },
        publishedDate: { type: "string" },
        records: {
          type: "array",
          items: {
            type: "object",
            required: ["ocid", "releases", "compiledRelease"],
            properties: {
              ocid: { type: "string" },
              releases: { type: "array", items: { type: "object" } },
              compiledRelease: {
                type: "object",
                required: ["ocid", "id", "tag"],
                properties: {
                  ocid: { type: "string" },
                  id: { type: "string" },
                  tag: { type: "array", items: { type: "string", enum: ["compiled"] } },
                },
              },
            },
          },
        },
      },
    };
    paths["/api/v1/procurements/{source}/{ocid}/record"] = {
      get: {
        summary: "The OCDS record package of a procurement (from the stored raw releases)",
        parameters: [pathParam("source", "fts or cf"), pathParam("ocid", "ocid")],
        responses: {
          "200": {
            description: "The record package. `X-Releases-Unreadable` lists stored releases " +
              "that could not be read back (left out); `X-Record-Warnings` counts merge warnings.",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/RecordPackage" } },
            },
          },
          "304": { description: "Not modified (If-None-Match)." },
          "404": {
            description: "No such procurement, or no raw release of it is stored (raw " +
              "releases are kept only when KEEP_RAW_RELEASES is on).",
            content: { "application/json": { schema: ERROR } },
          },
          ...errors,
        },
      },
    };
  }
  schemas.Buyer = {
    type: "object",
    required: ["buyer", "counts", "newest", "newestProcurements", "links"],
    properties: {
      buyer: {
        type: "object",
        required: ["orgId", "name", "contractCount"],
        properties: {
          orgId: { type: "string" },
          name: { type: ["string", "null"] },
          identifiers: { type: "array", items: { type: "string" } },
          contractCount: { type: "integer" },
          procurementCount: { type: "integer" },
        },
      },
      counts: {
        type: "object",
        required: ["notices", "procurements", "byStatus"],
        properties: {
          notices: { type: "integer" },
          procurements: { type: "integer" },
          byStatus: { type: "object", additionalProperties: { type: "integer" } },
        },
      },
      newest: { type: "array", items: { $ref: "#/components/schemas/Notice" } },
      newestProcurements: {
        type: "array",
        items: resources.some((r) => r.name === "procurements")
          ? { $ref: "#/components/schemas/Procurement" }
          : { type: "object" },
      },
      links: { type: "object" },
    },
  };
  schemas.Sectors = {
    type: "object",
    required: ["sectors"],
    properties: {
      sectors: {
        type: "array",
        items: {
          type: "object",
          required: ["slug", "name", "notices", "open"],
          properties: {
            slug: { type: "string" },
            name: { type: "string" },
            notices: { type: "integer", minimum: 0 },
            open: { type: "integer", minimum: 0 },
          },
        },
      },
    },
  };
  paths["/api/v1/buyers/{orgId}"] = {
    get: {
      summary: "A buyer, its counts, newest notices and newest procurements",
      parameters: [pathParam("orgId", "The buyer's orgId")],
      responses: {
        "200": {
          description: "The buyer.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Buyer" } } },
        },
        "404": notFound,
        ...errors,
      },
    },
  };
  paths["/api/v1/sectors"] = {
    get: {
      summary: "Notices per sector (by main CPV code)",
      responses: {
        "200": {
          description: "Every sector, largest first.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Sectors" } } },
        },
        ...errors,
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "UK procurement notices and procurements — read API",
      version: "1.0.0",
      description: `Notices from ${SOURCE_LABELS}, kept in step by the sync, ` +
        "and procurements compiled from them (one per source and ocid). " +
        "Data published under the Open Government Licence v3.0.",
      license: {
        name: "Open Government Licence v3.0",
        url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
      },
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas,
      securitySchemes: { readToken: { type: "http", scheme: "bearer" } },
    },
  };
}
