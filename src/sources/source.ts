/**
 * The one interface between the sync engine and an API: "the next page from here". The
 * engine never sees URLs or HTTP; a source never sees MongoDB.
 * @module
 */
import type { SourceId } from "../config.ts";

/** A half-open date range `[from, to)` of the API's date filter, as instants. */
export interface DateWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Where a source is: a window and the API cursor inside it (`null`: its first page). */
export interface Position {
  readonly window: DateWindow;
  readonly cursor: string | null;
}

/** What fetching one page cost. */
export interface PageCost {
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  /** Requests that were retries. */
  readonly retries: number;
  /** Milliseconds spent waiting on rate limits and backoff. */
  readonly waitedMs: number;
  /** Response bytes received. */
  readonly bytes: number;
}

/** A release (or a run of page text) that could not be parsed, set aside with its raw text. */
export interface RejectedRelease {
  /** The release id when it could be read, else `null`. */
  readonly releaseId: string | null;
  /** Why it was set aside. */
  readonly reason: string;
  /** The raw text, size-capped by the source. */
  readonly raw: string;
}

/** The answer to "next page from here". */
export type PageResult =
  | {
    readonly kind: "page";
    /** Parsed releases, untrusted (the mapper checks every field). */
    readonly releases: readonly unknown[];
    /** Where to continue inside the window; `null` when the window is done. */
    readonly next: Position | null;
    /** Releases that could not be parsed even after repair and narrowing. */
    readonly rejected: readonly RejectedRelease[];
    /** Odd things a person should know (repairs made, a full page without `next` …). */
    readonly warnings: readonly string[];
    readonly cost: PageCost;
  }
  | {
    /** Fetching would pass the deadline: resume later from the same position. */
    readonly kind: "out-of-time";
    /**
     * Epoch ms until which the API throttles us, when its throttling (a wait it asked for,
     * or a budget it paused) is what passes the deadline; `null` when time simply ran out.
     */
    readonly throttledUntil: number | null;
    readonly cost: PageCost;
  };

/** One API, as the engine sees it. */
export interface Source {
  readonly id: SourceId;
  /** Window length and overlap the engine plans windows with. */
  readonly windowMs: number;
  readonly overlapMs: number;
  /**
   * Fetches the page at `position`. Never starts a wait that would pass `deadline` (epoch
   * ms on the source's clock); returns `out-of-time` instead. Throws a `SourceError` when
   * the page cannot be had now (the engine records it and resumes from `position` later).
   */
  fetchPage(position: Position, deadline: number): Promise<PageResult>;
}
