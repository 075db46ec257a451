/**
 * An embedded, in-memory MongoDB-compatible server (jongodb) for local runs and tests when no
 * `MONGODB_URI` is set. Data lives only as long as the process.
 *
 * @example
 * ```ts
 * const server = await startEmbeddedMongo();
 * console.log(server.uri); // mongodb://127.0.0.1:PORT
 * await server.stop();
 * ```
 * @module
 */

const PACKAGE = "@jongodb/memory-server-bin-linux-x64-gnu";

/** A running embedded server. */
export interface EmbeddedMongo {
  /** Connection string without a database name. */
  readonly uri: string;
  /** Process id of the server (for tests that check it never outlives its parent). */
  readonly pid: number;
  /** Stops the server (idempotent). */
  stop(): Promise<void>;
}

/** Options of {@linkcode startEmbeddedMongo}. */
export interface EmbeddedOptions {
  /**
   * Start as a single-node replica set (needed for transactions).
   *
   * @default {false}
   */
  readonly replicaSet?: boolean;
  /**
   * How long to wait for the server to announce its URI, in ms.
   *
   * @default {15000}
   */
  readonly startTimeoutMs?: number;
}

/** Thrown when the embedded server cannot be used here; the message says what to do. */
export class EmbeddedMongoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedMongoError";
  }
}

/** Path of the jongodb binary installed by `deno install`, or `null` where there is none. */
export function jongodbBinary(): string | null {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") return null;
  const url = new URL(`../../node_modules/${PACKAGE}/bin/jongodb`, import.meta.url);
  if (url.protocol !== "file:") return null;
  try {
    return Deno.statSync(url).isFile ? url.pathname : null;
  } catch {
    return null; // not installed: the caller explains what to do
  }
}

/**
 * Starts jongodb on a free local port and resolves once it accepts connections.
 * Throws {@linkcode EmbeddedMongoError} where the binary does not exist (not Linux x64, or
 * dependencies not installed), telling the user to set `MONGODB_URI`.
 */
export async function startEmbeddedMongo(options: EmbeddedOptions = {}): Promise<EmbeddedMongo> {
  const binary = jongodbBinary();
  if (binary === null) {
    throw new EmbeddedMongoError(
      `The embedded MongoDB (${PACKAGE}) exists only for Linux x64 and needs \`deno install\`; ` +
        `this is ${Deno.build.os}/${Deno.build.arch}. Set MONGODB_URI to a MongoDB server, ` +
        "e.g. MONGODB_URI=mongodb://127.0.0.1:27017 or your Atlas connection string.",
    );
  }
  const args = ["--host=127.0.0.1", "--port=0"];
  if (options.replicaSet) args.push("--topology-profile=singleNodeReplicaSet");
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", SUPERVISOR, "jongodb-supervisor", binary, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const { uri, pid } = await readAnnouncedUri(child, options.startTimeoutMs ?? 15_000);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    stopped ??= (async () => {
      // Closing the pipe is the stop signal: the supervisor stops the server and exits.
      await stdin.close().catch(() => {/* already closed: the supervisor is gone */});
      await child.status;
    })();
  return { uri, pid, stop };
}

/**
 * A tiny supervisor between us and jongodb, so the server never outlives this process. A
 * watcher, a process of its own, blocks reading a pipe only we hold (the supervisor's stdin,
 * kept as fd 3). Whatever ends us (exit, an uncaught error — on which Deno kills its
 * children —, SIGKILL, a `--watch` restart, `timeout`), the kernel closes that pipe, the read
 * returns and the watcher stops the server, even when the supervisor shell itself was killed.
 * Ctrl-C reaches the whole process group, and the trap stops the server then too.
 */
const SUPERVISOR = [
  "exec 3<&0",
  '"$@" 3<&- </dev/null & server=$!',
  'echo "JONGODB_PID=$server"',
  '(cat <&3 >/dev/null; kill "$server" 2>/dev/null) &',
  "trap 'kill \"$server\" 2>/dev/null; exit 0' INT TERM HUP",
  'wait "$server"',
].join("\n");

async function readAnnouncedUri(
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<{ uri: string; pid: number }> {
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  try {
    while (true) {
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
      const m = /JONGODB_URI=(mongodb:\/\/[^\s/]+)/.exec(seen);
      if (m) {
        drain(lines);
        drain(child.stderr.getReader());
        return { uri: m[1], pid: Number(/JONGODB_PID=(\d+)/.exec(seen)?.[1] ?? 0) };
      }
    }
  } finally {
    clearTimeout(timer);
  }
  const err = await new Response(child.stderr).text().catch(() => "");
  throw new EmbeddedMongoError(
    `The embedded MongoDB did not start within ${timeoutMs} ms: ${err.slice(0, 300).trim()}. ` +
      "Set MONGODB_URI to a MongoDB server instead.",
  );
}

/** Keeps reading a child's output so a full pipe never blocks it. */
function drain(reader: ReadableStreamDefaultReader<unknown>): void {
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {/* the child exited: nothing left to read */});
}
