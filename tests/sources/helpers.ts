/**
 * Shared pieces of the source tests: a configuration pointed at a replay server, and walks
 * over windows the way the engine does them.
 * @module
 */
import { type Config, loadConfig } from "../../src/config.ts";
import type {
  DateWindow,
  PageResult,
  Position,
  RejectedRelease,
  Source,
} from "../../src/sources/source.ts";

/** A configuration whose sources talk to `url`, with test-friendly settings over `env`. */
export function testConfig(url: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    FTS_BASE_URL: url,
    CF_BASE_URL: url,
    HTTP_TIMEOUT: "2s",
    HTTP_RETRY_BASE: "1s",
    ...env,
  });
}

/** Everything one walk of a window produced. */
export interface Walk {
  ids: string[];
  rejected: RejectedRelease[];
  warnings: string[];
  pages: number;
  requests: number;
  waitedMs: number;
}

/** Fetches every page of a window, from its first page, like the engine would. */
export async function walkWindow(
  source: Source,
  window: DateWindow,
  deadline = Number.MAX_SAFE_INTEGER,
): Promise<Walk> {
  const walk: Walk = { ids: [], rejected: [], warnings: [], pages: 0, requests: 0, waitedMs: 0 };
  let position: Position | null = { window, cursor: null };
  while (position !== null) {
    const result: PageResult = await source.fetchPage(position, deadline);
    walk.requests += result.cost.requests;
    walk.waitedMs += result.cost.waitedMs;
    const page = expectKind(result, "page");
    walk.pages++;
    walk.ids.push(...page.releases.map((r) => (r as { id: string }).id));
    walk.rejected.push(...page.rejected);
    walk.warnings.push(...page.warnings);
    position = page.next;
  }
  return walk;
}

/** Ids that occur more than once. */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => seen.has(id) || !seen.add(id));
}

/** `value` narrowed to the variant `kind`, or a failed test (the npm assert does not narrow). */
export function expectKind<T extends { kind: string }, K extends T["kind"]>(
  value: T,
  kind: K,
): Extract<T, { kind: K }> {
  if (value.kind !== kind) {
    throw new Error(
      `expected kind ${kind}, got ${value.kind}: ${JSON.stringify(value).slice(0, 300)}`,
    );
  }
  return value as Extract<T, { kind: K }>;
}
