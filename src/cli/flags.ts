/**
 * The command-line flags of every task, parsed one way: `--name value` or `--name=value` for
 * flags that take a value, `--name` alone for switches, `--help`/`-h` for the usage. An unknown
 * flag, a missing value or a stray word is a {@linkcode UsageError} that names it.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * const flags = parseFlags(["--source", "fts", "--dry"], { source: "value", dry: "switch" });
 * flags === "help" ? "usage" : flags.get("source"); // "fts"
 * ```
 * @module
 */

/** What a flag takes: a value (`--port 8000`) or nothing (`--no-rate-limit`). */
export type FlagKind = "value" | "switch";

/** Thrown for arguments a task does not accept; the message names the argument. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses `args` against `spec` (flag name without dashes → kind). Returns `"help"` when
 * `--help` or `-h` is among them (nothing else is looked at then), otherwise the given flags:
 * a value, or `""` for a switch. The last of a repeated flag wins.
 */
export function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, FlagKind>>,
): "help" | Map<string, string> {
  if (args.includes("--help") || args.includes("-h")) return "help";
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const shown = JSON.stringify(arg.length > 40 ? `${arg.slice(0, 40)}…` : arg);
    if (!arg.startsWith("--")) throw new UsageError(`Unexpected argument ${shown}.`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`Unknown flag ${shown}.`);
    if (kind === "switch") {
      if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
      flags.set(name, "");
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`--${name} needs a value.`);
    }
    flags.set(name, value);
  }
  return flags;
}

/**
 * Runs a task's `main` with the standard exit codes: the usage on `--help` (exit 0), the
 * error and the usage on a {@linkcode UsageError} (exit 2), otherwise what `main` returns.
 *
 * @example
 * ```ts
 * import { runCli } from "./flags.ts";
 * const code = await runCli(["-h"], { n: "value" }, "Usage: demo [--n N]", () => 0);
 * code; // 0
 * ```
 */
export async function runCli(
  args: readonly string[],
  spec: Readonly<Record<string, FlagKind>>,
  usage: string,
  main: (flags: Map<string, string>) => number | Promise<number>,
): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, spec);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${usage}`);
    return 2;
  }
  if (flags === "help") {
    console.log(usage);
    return 0;
  }
  return await main(flags);
}

/**
 * For scripts whose work runs at top level: the parsed flags, or the process ends — with the
 * usage and exit 0 on `--help`, with the error, the usage and exit 2 on a bad argument.
 *
 * @example
 * ```ts
 * import { flagsOrExit } from "./flags.ts";
 * const flags = flagsOrExit([], { sizes: "value" }, "Usage: bench [--sizes 10,20]");
 * flags.get("sizes") ?? "2500,10000"; // "2500,10000"
 * ```
 */
export function flagsOrExit(
  args: readonly string[],
  spec: Readonly<Record<string, FlagKind>>,
  usage: string,
): Map<string, string> {
  try {
    const flags = parseFlags(args, spec);
    if (flags !== "help") return flags;
    console.log(usage);
    Deno.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${usage}`);
    Deno.exit(2);
  }
}
