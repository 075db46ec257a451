/**
 * Graceful shutdown: Deno Deploy sends SIGINT before evicting an instance (SIGKILL follows
 * 5 s later), so cleanups must be quick and registered up front.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./db/client.ts";
 * const client = getMongoClient("mongodb://127.0.0.1:27017");
 * onShutdown(() => client.close());
 * installShutdownSignals();
 * ```
 * @module
 */

const cleanups: Array<() => unknown> = [];
let installed = false;
let running: Promise<void> | null = null;

/** Registers a cleanup to run once on SIGINT/SIGTERM or {@linkcode shutdown}. */
export function onShutdown(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** Runs every cleanup once, newest first, each bounded to 4 s; never throws. */
export function shutdown(): Promise<void> {
  running ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.resolve().then(cleanup).catch((e) => console.error("cleanup failed:", e)),
        new Promise((r) => timer = setTimeout(r, 4_000)),
      ]);
      clearTimeout(timer);
    }
  })();
  return running;
}

/**
 * Whether shutdown has begun: failures after it are its consequences (a closed database
 * client), not new causes, and must not be reported as such.
 */
export function isShuttingDown(): boolean {
  return running !== null;
}

/** Makes SIGINT and SIGTERM run the cleanups, then exit (code 0). Call once, from main.ts. */
export function installShutdownSignals(): void {
  if (installed) return;
  installed = true;
  const onSignal = () => shutdown().finally(() => Deno.exit(0));
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
}
