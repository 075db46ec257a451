/**
 * A child process that cannot outlive this one, however this one ends — SIGKILL and
 * `timeout -s KILL` included, which no signal handler or `unload` listener sees. The task
 * CLIs that start `main.ts` (the demo) use it, so a killed CLI never leaves a `main.ts`, and
 * with it an embedded jongodb, running without a parent.
 *
 * The same pipe-watcher design as the embedded server's supervisor (src/db/embedded.ts): a
 * small shell owns the child, and a watcher blocks reading a pipe only this process holds.
 * When this process ends, the kernel closes the pipe, the read returns, and the watcher sends
 * the child SIGTERM (main.ts stops gracefully on it), then SIGKILL after `graceMs`. Not
 * SIGINT: a command started in the background by a non-interactive shell ignores SIGINT.
 *
 * @example
 * ```ts
 * import { spawnTied } from "./tied_child.ts";
 * const child = spawnTied(Deno.execPath(), ["run", "-A", "main.ts"], { stdout: "piped" });
 * child.kill("SIGINT"); // reaches main.ts as SIGTERM; status resolves once it has exited
 * await child.status;
 * ```
 * @module
 */

/** Options of {@linkcode spawnTied}. */
export interface TiedOptions {
  /** Environment of the child (with `clearEnv`, the whole of it). */
  readonly env?: Record<string, string>;
  /**
   * Start from an empty environment plus `env`.
   * @default {false}
   */
  readonly clearEnv?: boolean;
  /**
   * The child's standard output.
   * @default {"inherit"}
   */
  readonly stdout?: "piped" | "inherit" | "null";
  /**
   * The child's standard error.
   * @default {"inherit"}
   */
  readonly stderr?: "piped" | "inherit" | "null";
  /**
   * How long the child has to stop after SIGTERM once this process is gone, in ms.
   * @default {5000}
   */
  readonly graceMs?: number;
}

/**
 * The shell between us and the child. fd 3 keeps the read end of our pipe; the child gets
 * neither it nor our stdin. A signal to the shell (our `kill`, or Ctrl-C to the group) is
 * passed to the child as SIGTERM, and the shell waits on until the child has exited, with
 * its exit code.
 */
const TIE = [
  'grace="$1"; shift; child=""; stop=""',
  // set first: a signal that comes before the child starts is passed on once it has
  'trap \'stop=1; [ -z "$child" ] || kill -TERM "$child" 2>/dev/null\' INT TERM HUP',
  "exec 3<&0",
  '"$@" 3<&- </dev/null & child=$!',
  '[ -z "$stop" ] || kill -TERM "$child" 2>/dev/null',
  // the watcher: SIGTERM once our pipe closes, SIGKILL if the child is still there after grace
  '(cat <&3 >/dev/null; kill -TERM "$child" 2>/dev/null || exit 0; n=0;' +
  ' while [ "$n" -lt "$grace" ] && kill -0 "$child" 2>/dev/null; do sleep 1; n=$((n+1)); done;' +
  ' kill -KILL "$child" 2>/dev/null) >/dev/null 2>&1 & watcher=$!',
  // wait returns early (128+signal) when a trap runs: wait until the child is really gone,
  // then once more for its own status (127 when an earlier wait already returned it)
  'wait "$child"; code=$?',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done',
  'wait "$child" 2>/dev/null; last=$?; [ "$last" = 127 ] || code=$last',
  'kill "$watcher" 2>/dev/null',
  'exit "${code:-0}"',
].join("\n");

/**
 * Spawns `command args…` tied to this process (see the module doc). `kill(signal)` on the
 * returned child reaches the command as SIGTERM; `status` resolves with its exit code.
 *
 * @example
 * ```ts
 * const child = spawnTied("sleep", ["60"]);
 * ```
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: TiedOptions = {},
): Deno.ChildProcess {
  const grace = String(Math.max(0, Math.ceil((options.graceMs ?? 5_000) / 1000)));
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", TIE, "tied-child", grace, command, ...args],
    env: options.env,
    clearEnv: options.clearEnv,
    stdin: "piped",
    stdout: options.stdout ?? "inherit",
    stderr: options.stderr ?? "inherit",
  }).spawn();
  // the write end stays open, unwritten, for as long as this process lives
  child.stdin.getWriter();
  return child;
}
