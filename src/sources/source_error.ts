/**
 * The one error a source throws: what failed, for which source and position, and what
 * happens next. Messages never carry secrets (they pass through `redact`).
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createFtsSource } from "./fts.ts";
 * import { SourceError } from "./source_error.ts";
 * const source = createFtsSource(loadConfig(Deno.env.toObject()));
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * const position = { window, cursor: null };
 * const deadline = Date.now() + 60_000;
 * try {
 *   await source.fetchPage(position, deadline);
 * } catch (error) {
 *   if (error instanceof SourceError && error.kind === "throttled") {
 *     // resume from `position` on the next run
 *   }
 * }
 * ```
 * @module
 */
import type { SourceId } from "../config.ts";
import { redact } from "../log.ts";
import type { PageCost, Position } from "./source.ts";
import { windowLabel } from "./windows.ts";

/** What kind of failure: lets the engine and the dashboard group errors. */
export type SourceErrorKind =
  /** Still throttled (429, CF's 403 HTML page) after every allowed attempt. */
  | "throttled"
  /** An HTTP status that retrying will not fix (most 4xx), or 5xx after every attempt. */
  | "http"
  /** The connection failed (refused, reset, DNS) after every attempt. */
  | "network"
  /** Every attempt timed out. */
  | "timeout"
  /** `links.next` is unusable: another host or path, no cursor, or a loop. */
  | "paging"
  /** The body cannot be read even after repair and narrowing. */
  | "parse";

/** Failure of one source request; the engine records it and resumes from the same position. */
export class SourceError extends Error {
  readonly kind: SourceErrorKind;
  readonly source: SourceId;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** The position whose page failed; the engine resumes there. */
  readonly position?: Position;
  /**
   * What the failed page cost before it failed (requests, retries, waits), set by the source
   * that threw it, so the run record counts them too.
   */
  cost: PageCost | null = null;

  constructor(
    init: {
      kind: SourceErrorKind;
      source: SourceId;
      detail: string;
      status?: number;
      position?: Position;
      next?: string;
    },
  ) {
    const where = init.position ? ` at ${positionLabel(init.position)}` : "";
    const next = init.next ?? "the next run resumes from the same position";
    super(redact(`${init.source}: ${init.detail}${where}; ${next}.`));
    this.name = "SourceError";
    this.kind = init.kind;
    this.source = init.source;
    if (init.status !== undefined) this.status = init.status;
    if (init.position !== undefined) this.position = init.position;
  }
}

/**
 * A position for messages: `window 2026-03-29T00:00:00Z–2026-03-29T06:00:00Z, cursor abc…`.
 *
 * @example
 * ```ts
 * positionLabel({ window: { from: new Date(0), to: new Date(3_600_000) }, cursor: null });
 * // "window 1970-01-01T00:00:00Z–1970-01-01T01:00:00Z, first page"
 * ```
 */
export function positionLabel(position: Position): string {
  const cursor = position.cursor === null
    ? "first page"
    : `cursor ${
      position.cursor.length > 40 ? `${position.cursor.slice(0, 40)}…` : position.cursor
    }`;
  return `window ${windowLabel(position.window)}, ${cursor}`;
}
