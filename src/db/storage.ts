/**
 * How full the database is: `dbStats` against the configured `STORAGE_LIMIT`, for `/status`
 * and the dashboard. What counts against the limit is data plus indexes (`dataSize +
 * indexSize`, uncompressed), which is how Atlas counts a free or flex cluster's quota. A
 * server without `dbStats` (the embedded jongodb) or a failing one gives "unknown", never an
 * error: the status page must answer whatever the database can tell.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const storage = await readStorage(db, 512 * 1024 ** 2);
 * storage.level; // "ok" | "warning" | "full" | "unknown"
 * ```
 * @module
 */
import type { Db } from "mongodb";

/** Share of the limit from which storage is reported as a warning. */
export const STORAGE_WARNING_SHARE = 0.8;

/** The `storage` object of `/status`. */
export interface StorageReport {
  /** `unknown` when the server does not say; `full` at or past the limit. */
  readonly level: "ok" | "warning" | "full" | "unknown";
  /** Uncompressed size of the documents, in bytes. */
  readonly dataSize: number | null;
  /** Space the documents take on disk (compressed), in bytes. */
  readonly storageSize: number | null;
  readonly indexSize: number | null;
  /** What counts against the limit: `dataSize + indexSize`. */
  readonly usedBytes: number | null;
  readonly limitBytes: number;
  /** `usedBytes / limitBytes`. */
  readonly share: number | null;
  /** For people: how full, and what to do when it is getting full. */
  readonly message: string;
}

const MB = 1024 * 1024;

/** Formats a byte count for people: `412.3 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Reads the database's size (one `dbStats`) and judges it against `limitBytes`.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await readStorage(db, 512 * 1024 ** 2)).message; // "412.3 MB of 512.0 MB used (80.5 %) …"
 * ```
 */
export async function readStorage(db: Db, limitBytes: number): Promise<StorageReport> {
  let stats: Record<string, unknown>;
  try {
    stats = await db.command({ dbStats: 1, scale: 1 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return unknownStorage(
      limitBytes,
      code === 59
        ? "Storage unknown: this server does not answer dbStats (the embedded jongodb does not)."
        : `Storage unknown: dbStats failed (${(error as Error).message ?? error}).`,
    );
  }
  return judgeStorage(stats, limitBytes);
}

/**
 * Judges `dbStats` output against `limitBytes`: `warning` from
 * {@linkcode STORAGE_WARNING_SHARE}, `full` at the limit, `unknown` without sizes.
 *
 * @example
 * ```ts
 * judgeStorage({ dataSize: 400 * 1024 ** 2, indexSize: 20 * 1024 ** 2 }, 512 * 1024 ** 2).level; // "warning"
 * ```
 */
export function judgeStorage(stats: Record<string, unknown>, limitBytes: number): StorageReport {
  const num = (v: unknown) => (typeof v === "number" || typeof v === "bigint") ? Number(v) : null;
  const dataSize = num(stats.dataSize);
  const indexSize = num(stats.indexSize);
  const storageSize = num(stats.storageSize);
  if (dataSize === null || indexSize === null) {
    return unknownStorage(limitBytes, "Storage unknown: dbStats did not report dataSize.");
  }
  const usedBytes = dataSize + indexSize;
  const share = usedBytes / limitBytes;
  const level = share >= 1 ? "full" : share >= STORAGE_WARNING_SHARE ? "warning" : "ok";
  const used = `${formatBytes(usedBytes)} of ${formatBytes(limitBytes)} used (${
    (share * 100).toFixed(1)
  } %: data ${formatBytes(dataSize)} + indexes ${formatBytes(indexSize)})`;
  const advice = level === "ok"
    ? "."
    : level === "warning"
    ? `. Past ${STORAGE_WARNING_SHARE * 100} %: turn on RETAIN_NOTICES (or other RETAIN_* ` +
      "settings), or move to a larger cluster and raise STORAGE_LIMIT."
    : ". At the limit: writes will fail (Atlas free clusters refuse them). Turn on RETAIN_* " +
      "settings or move to a larger cluster and raise STORAGE_LIMIT.";
  return {
    level,
    dataSize,
    storageSize,
    indexSize,
    usedBytes,
    limitBytes,
    share,
    message: used + advice,
  };
}

function unknownStorage(limitBytes: number, message: string): StorageReport {
  return {
    level: "unknown",
    dataSize: null,
    storageSize: null,
    indexSize: null,
    usedBytes: null,
    limitBytes,
    share: null,
    message,
  };
}
