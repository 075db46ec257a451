/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, no library): open a page at
 * a given viewport width, evaluate an expression in it, save a screenshot. The page's own CSP
 * still forbids script; evaluation through the protocol is the browser's, not the page's.
 * Skips (returns `null` from {@linkcode findChromium}) where Chromium is not installed.
 *
 * @example
 * ```ts
 * await using browser = await launchBrowser(findChromium()!);
 * const page = await browser.open("http://127.0.0.1:8000/", { width: 400, height: 900 });
 * await page.evaluate("document.documentElement.scrollWidth");
 * ```
 * @module
 */

/** The Chromium binary, or `null` (then browser tests skip, saying so). */
export function findChromium(): string | null {
  for (
    const path of [
      Deno.env.get("CHROMIUM_PATH"),
      "/usr/bin/chromium",
      "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome",
    ]
  ) {
    if (!path) continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

/** An open tab. */
export interface Tab {
  /** The value of a JavaScript expression in the page. */
  evaluate<T>(expression: string): Promise<T>;
  /** Saves a PNG of the whole page to `path`. */
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

/** A running browser. */
export interface Browser extends AsyncDisposable {
  open(url: string, viewport: { width: number; height: number }): Promise<Tab>;
}

/** Starts headless Chromium and connects to it. */
export async function launchBrowser(binary: string): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-test-" });
  const child = new Deno.Command(binary, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let endpoint: string | null = null;
  while (endpoint === null) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before listening: ${text.slice(-2000)}`);
    text += value;
    endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(text)?.[1] ?? null;
  }
  // keep draining stderr so the browser never blocks on a full pipe
  (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
  })();
  const ws = new WebSocket(endpoint);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(msg: { method?: string; sessionId?: string }) => void>();
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.message} (${JSON.stringify(msg.error)})`));
      else p?.resolve(msg.result);
    } else {
      for (const l of listeners) l(msg);
    }
  };
  // deno-lint-ignore no-explicit-any
  const send = (method: string, params: unknown = {}, sessionId?: string): Promise<any> => {
    const id = nextId++;
    ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  };
  return {
    async open(url, viewport) {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
      await send("Page.enable", {}, sessionId);
      await send("Emulation.setDeviceMetricsOverride", {
        width: viewport.width,
        height: viewport.height,
        deviceScaleFactor: 1,
        mobile: viewport.width < 600,
      }, sessionId);
      const loaded = new Promise<void>((resolve) => {
        const l = (msg: { method?: string; sessionId?: string }) => {
          if (msg.method === "Page.loadEventFired" && msg.sessionId === sessionId) {
            listeners.delete(l);
            resolve();
          }
        };
        listeners.add(l);
      });
      await send("Page.navigate", { url }, sessionId);
      await loaded;
      return {
        async evaluate<T>(expression: string): Promise<T> {
          const r = await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
          if (r.exceptionDetails) {
            throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
          }
          return r.result.value as T;
        },
        async screenshot(path: string) {
          const { data } = await send("Page.captureScreenshot", {
            format: "png",
            captureBeyondViewport: true,
          }, sessionId);
          await Deno.writeFile(path, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
        },
        async close() {
          await send("Target.closeTarget", { targetId });
        },
      };
    },
    async [Symbol.asyncDispose]() {
      await send("Browser.close").catch(() => {});
      ws.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
