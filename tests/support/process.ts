/**
 * Runs the product's entry points as real subprocesses and reads their output.
 *
 * @example
 * ```ts
 * await using app = await startMain({ PORT: "0" });
 * const res = await fetch(`${app.url}/health`);
 * ```
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** Path of a file in the project. */
export function projectPath(relative: string): string {
  return new URL(relative, ROOT).pathname;
}

/** Environment for a child: only what Deno needs to run, plus `env`. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "HOME", "DENO_DIR", "TMPDIR", "XDG_CACHE_HOME"];
  const base: Record<string, string> = { NO_COLOR: "1" };
  for (const k of keep) {
    const v = Deno.env.get(k);
    if (v !== undefined) base[k] = v;
  }
  return { ...base, ...env };
}

/** A running `main.ts`. */
export interface RunningMain extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` once it listens. */
  readonly url: string;
  /** Every line printed so far (stdout and stderr). */
  readonly lines: string[];
  /** The process id of the child. */
  readonly pid: number;
  /** Waits for a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends SIGINT and waits for the exit code. */
  stop(): Promise<number>;
}

/** Starts `deno run main.ts` with a clean environment and waits until it listens. */
export async function startMain(
  env: Record<string, string>,
  args: string[] = [],
): Promise<RunningMain> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args, projectPath("main.ts")],
    cwd: projectPath(""),
    env: childEnv({ PORT: "0", ...env }),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
      for (const w of waiters) w();
    }
    if (rest) lines.push(rest);
    for (const w of waiters) w();
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    for (const w of waiters) w();
    return s;
  });
  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.find((l) => pattern.test(l));
        if (hit !== undefined) return done(() => resolve(hit));
        if (exited) {
          return done(() =>
            reject(new Error(`exited before ${pattern}; output:\n${lines.join("\n")}`))
          );
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} in:\n${lines.join("\n")}`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  const stop = async () => {
    if (!exited) child.kill("SIGINT");
    const s = await status;
    await pumps;
    return s.code;
  };
  let url = "";
  try {
    const line = await waitFor(/Listening on http:\/\/[^:]+:(\d+)\//);
    url = `http://127.0.0.1:${/Listening on http:\/\/[^:]+:(\d+)\//.exec(line)![1]}`;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    lines,
    pid: child.pid,
    waitFor,
    stop,
    [Symbol.asyncDispose]: async () => void await stop(),
  };
}

/** Runs `deno run -A main.ts` to its exit and returns its code and output. */
export async function runMainToExit(
  env: Record<string, string>,
): Promise<{ code: number; output: string; ms: number }> {
  const started = Date.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", projectPath("main.ts")],
    cwd: projectPath(""),
    env: childEnv({ PORT: "0", ...env }),
    clearEnv: true,
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, output: text, ms: Date.now() - started };
}
