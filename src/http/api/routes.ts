/**
 * The read API under `/api/v1` (public unless `API_READ_TOKEN` is set):
 *
 * | Route | Answer |
 * |---|---|
 * | `GET /api/v1/{resource}` | a page: `{items, next, limit, sort}` |
 * | `GET /api/v1/{resource}.ndjson` / `.csv` | the whole result, streamed |
 * | `GET /api/v1/notices/{source}/{noticeId}` | one notice |
 * | `GET /api/v1/procurements/{source}/{ocid}` | one procurement, with its timeline |
 * | `GET /api/v1/procurements/{source}/{ocid}/record` | its OCDS record package (raw releases) |
 * | `GET /api/v1/buyers/{orgId}` | a buyer, its counts, newest notices and procurements |
 * | `GET /api/v1/sectors` | notices per sector |
 * | `GET /api/v1/openapi.json` | the OpenAPI 3.1 document |
 *
 * Every JSON answer costs at most 3 MongoDB commands, carries an `ETag` and `Cache-Control`,
 * and CORS headers when `API_CORS_ORIGIN` allows. Bad input is a `400` naming the parameter.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * import { PROCUREMENTS } from "./procurement_resource.ts";
 * import { getMongoClient } from "../../db/client.ts";
 * const db = () => Promise.resolve(getMongoClient("mongodb://127.0.0.1:27017").db("procurement"));
 * const request = new Request("http://localhost:8000/api/v1/notices?q=road");
 * const url = new URL(request.url);
 * const api = createApi({ readToken: null, corsOrigin: "*", resources: [NOTICES, PROCUREMENTS] });
 * const res = await api.handle(request, url, db); // null when the path is not the API's
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { timingSafeEqual } from "../auth.ts";
import { type AnswerOptions, apiError, apiHeaders, apiJson } from "./answer.ts";
import { readBuyer, type SectorCount, sectorCounts } from "./buyers.ts";
import { exportResponse } from "./export.ts";
import { openApiDocument } from "./openapi.ts";
import { readRecord } from "./record.ts";
import { BadRequest, parseParams } from "./params.ts";
import { toErrorStatus } from "../errors.ts";
import { type AnyResource, listPage, readListRequest } from "./resource.ts";
import { isSourceId, SOURCE_IDS, type SourceId } from "../../sources/catalog.ts";

/** What the API needs. */
export interface ApiOptions {
  /** Bearer token required to read; `null` → public. */
  readonly readToken: string | null;
  /** `Access-Control-Allow-Origin`; `null` → none. */
  readonly corsOrigin: string | null;
  /** The listable resources (notices and procurements). */
  readonly resources: readonly AnyResource[];
  /**
   * Current time, epoch ms.
   *
   * @default {Date.now}
   */
  readonly now?: () => number;
  /**
   * How long `/api/v1/sectors` is reused (its aggregation grows with the data), in ms.
   * @default {60000}
   */
  readonly sectorsTtlMs?: number;
}

/** The API's request handler. */
export interface Api {
  /** The answer, or `null` when `url` is not under `/api/v1`. */
  handle(request: Request, url: URL, db: () => Promise<Db>): Promise<Response | null>;
}

const PREFIX = "/api/v1";
const SEGMENT = /^[\x21-\x7e\u00a0-\uffff]{1,200}$/;

function segments(path: string): string[] | null {
  const out: string[] = [];
  for (const raw of path.split("/")) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!SEGMENT.test(s)) return null;
    out.push(s);
  }
  return out;
}

function checkSource(source: string): SourceId {
  if (!isSourceId(source)) {
    throw new BadRequest("source", `source must be ${SOURCE_IDS.join(" or ")}.`);
  }
  return source;
}

/**
 * Builds the API.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * const api = createApi({ readToken: null, corsOrigin: "*", resources: [NOTICES] });
 * ```
 */
export function createApi(options: ApiOptions): Api {
  const now = options.now ?? Date.now;
  const answer: AnswerOptions = {
    corsOrigin: options.corsOrigin,
    private: options.readToken !== null,
  };
  const openapi = openApiDocument(options.resources);
  let sectors: { at: number; value: Promise<SectorCount[]> } | null = null;
  const sectorsTtl = options.sectorsTtlMs ?? 60_000;

  const refused = async (request: Request): Promise<Response | null> => {
    if (options.readToken === null) return null;
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(request.headers.get("authorization") ?? "");
    if (m && await timingSafeEqual(m[1], options.readToken)) return null;
    return apiError(
      401,
      m
        ? "Wrong read token: send the value of API_READ_TOKEN."
        : "This API needs a read token: send `Authorization: Bearer <API_READ_TOKEN>`.",
      answer,
      null,
      { "www-authenticate": 'Bearer realm="procurement-api"' },
    );
  };

  const noParams = (url: URL) => parseParams(url, []);

  const route = async (request: Request, url: URL, db: () => Promise<Db>): Promise<Response> => {
    const rest = url.pathname.slice(PREFIX.length).replace(/^\//, "");
    if (rest === "") {
      noParams(url);
      const lists = options.resources.map((r) => `${PREFIX}/${r.name}`);
      return await apiJson(request, {
        routes: [
          ...lists,
          ...(options.resources.some((r) => r.name === "procurements")
            ? [`${PREFIX}/procurements/{source}/{ocid}/record`]
            : []),
          `${PREFIX}/buyers/{orgId}`,
          `${PREFIX}/sectors`,
        ],
        openapi: `${PREFIX}/openapi.json`,
        licence: "Open Government Licence v3.0",
      }, answer);
    }
    if (rest === "openapi.json") {
      noParams(url);
      return await apiJson(request, openapi, answer);
    }
    if (rest === "sectors") {
      noParams(url);
      const t = now();
      if (!sectors || t - sectors.at >= sectorsTtl || t < sectors.at) {
        const entry = { at: t, value: db().then((d) => sectorCounts(d, t)) };
        sectors = entry;
        entry.value.catch(() => {
          if (sectors === entry) sectors = null;
        });
      }
      return await apiJson(request, { sectors: await sectors.value }, answer);
    }
    const parts = segments(rest);
    if (!parts) throw new BadRequest(null, "The path has an invalid or over-long segment.");
    const [head, ...tail] = parts;
    if (head === "buyers" && tail.length === 1) {
      noParams(url);
      const buyer = await readBuyer(await db(), tail[0], new Date(now()));
      return buyer
        ? await apiJson(request, buyer, answer)
        : apiError(404, `No buyer ${tail[0]}.`, answer);
    }
    if (
      head === "procurements" && tail.length === 3 && tail[2] === "record" &&
      options.resources.some((r) => r.name === "procurements")
    ) {
      noParams(url);
      const source = checkSource(tail[0]);
      const answerRecord = await readRecord(await db(), source, tail[1], url.href);
      if (!answerRecord.ok) return apiError(404, answerRecord.message, answer);
      const res = await apiJson(request, answerRecord.package, answer);
      if (answerRecord.unreadable.length > 0) {
        // release ids are untrusted text: percent-encoded, a header carries them safely
        res.headers.set(
          "x-releases-unreadable",
          answerRecord.unreadable.map(encodeURIComponent).join(" ").slice(0, 2000),
        );
      }
      if (answerRecord.warnings.length > 0) {
        res.headers.set("x-record-warnings", String(answerRecord.warnings.length));
      }
      return res;
    }
    const at = new Date(now());
    for (const resource of options.resources) {
      if (tail.length === 0) {
        if (head === resource.name) {
          const list = await readListRequest(resource, url, true, at);
          return await apiJson(request, await listPage(await db(), resource, list), answer);
        }
        const format = head === `${resource.name}.ndjson`
          ? "ndjson"
          : head === `${resource.name}.csv`
          ? "csv"
          : null;
        if (format) {
          const list = await readListRequest(resource, url, false, at);
          return exportResponse(await db(), resource, list, format, apiHeaders(answer));
        }
      }
      if (head === resource.name && tail.length === resource.itemKeys.length) {
        noParams(url);
        const key = Object.fromEntries(resource.itemKeys.map((k, i) => [k, tail[i]]));
        if ("source" in key) checkSource(key.source);
        const doc = await resource.collection(await db()).findOne(
          resource.itemFilter?.(key) ?? key,
          { projection: Object.fromEntries(resource.hidden.map((f) => [f, 0])) },
        );
        return doc
          ? await apiJson(request, resource.toPublic(doc, at), answer)
          : apiError(404, `No ${resource.singular} ${tail.join("/")}.`, answer);
      }
    }
    return apiError(
      404,
      `No API route ${url.pathname}; see ${PREFIX}/openapi.json for the routes.`,
      answer,
    );
  };

  return {
    async handle(request, url, db) {
      if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return null;
      if (request.method === "OPTIONS") {
        return new Response(null, {
          status: 204,
          headers: {
            ...apiHeaders(answer),
            "access-control-allow-methods": "GET, HEAD, OPTIONS",
            "access-control-allow-headers": "Authorization, If-None-Match",
            "access-control-max-age": "86400",
            allow: "GET, HEAD, OPTIONS",
          },
        });
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        return apiError(405, "The read API answers GET and HEAD only.", answer, null, {
          allow: "GET, HEAD, OPTIONS",
        });
      }
      const denied = await refused(request);
      if (denied) return denied;
      try {
        return await route(request, url, db);
      } catch (error) {
        const status = toErrorStatus(error);
        if (status >= 500) throw error; // the app answers it (503 or 500) and logs it
        const parameter = error instanceof BadRequest ? error.parameter : null;
        return apiError(status, (error as Error).message, answer, parameter);
      }
    },
  };
}
