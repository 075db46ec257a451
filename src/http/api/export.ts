/**
 * Streamed exports of a resource (`/api/v1/notices.ndjson`, `.csv`): the query's documents in
 * its order, read from a MongoDB cursor batch by batch and written as they come, so memory
 * stays constant whatever the result size, and a client that goes away stops the read.
 * CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) are prefixed
 * with `'`.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * import { NOTICES } from "./notice_resource.ts";
 * import { readListRequest } from "./resource.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const url = new URL("http://localhost:8000/api/v1/notices.csv?q=road");
 * const headers = { "cache-control": "public, max-age=60" };
 * exportResponse(db, NOTICES, await readListRequest(NOTICES, url, false), "csv", headers);
 * ```
 * @module
 */
import type { Db, Document, Filter } from "mongodb";
import { pageFilter } from "../../db/keyset.ts";
import { redact } from "../../log.ts";
import type { ListRequest, Resource } from "./resource.ts";

/** Export formats. */
export type ExportFormat = "ndjson" | "csv";

/** Documents read per MongoDB batch. */
export const EXPORT_BATCH = 500;

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; formula-looking text
 * defused.
 *
 * @example
 * ```ts
 * csvCell('say "hi", =1+1'); // "\"say \"\"hi\"\", =1+1\""
 * csvCell("=HYPERLINK(1)"); // "'=HYPERLINK(1)"
 * ```
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A streamed export answer.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * import { NOTICES } from "./notice_resource.ts";
 * import { readListRequest } from "./resource.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const url = new URL("http://localhost:8000/api/v1/notices?q=road");
 * const request = await readListRequest(NOTICES, url, false);
 * exportResponse(db, NOTICES, request, "ndjson", { "cache-control": "public, max-age=60" });
 * ```
 */
export function exportResponse<D extends Document>(
  db: Db,
  resource: Resource<D>,
  request: ListRequest,
  format: ExportFormat,
  headers: Record<string, string>,
): Response {
  const filter = pageFilter({ ...request.query, after: null, limit: 0 }) as Filter<D>;
  const cursor = resource.collection(db)
    .find(filter, {
      projection: Object.fromEntries(resource.hidden.map((f) => [f, 0])),
      batchSize: EXPORT_BATCH,
    })
    .sort({ [request.query.sortField]: request.query.direction, _id: request.query.direction });
  const encoder = new TextEncoder();
  const line = format === "csv"
    ? (d: D) => resource.csv.map((c) => csvCell(c.value(d, request.now))).join(",") + "\r\n"
    : (d: D) => JSON.stringify(resource.toPublic(d, request.now)) + "\n";
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = "";
        if (!started && format === "csv") {
          text = resource.csv.map((c) => c.header).join(",") + "\r\n";
        }
        started = true;
        // one batch's worth per pull: the stream asks again only when the client has read it
        for (let i = 0; i < EXPORT_BATCH; i++) {
          const doc = await cursor.next();
          if (doc === null) {
            if (text) controller.enqueue(encoder.encode(redact(text)));
            controller.close();
            await cursor.close();
            return;
          }
          text += line(doc as D);
          if (cursor.bufferedCount() === 0) break;
        }
        controller.enqueue(encoder.encode(redact(text)));
      } catch (error) {
        await cursor.close().catch(() => {});
        controller.error(error);
      }
    },
    async cancel() {
      await cursor.close();
    },
  }, { highWaterMark: 1 });
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-disposition": `attachment; filename="${resource.name}.${format}"`,
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}
