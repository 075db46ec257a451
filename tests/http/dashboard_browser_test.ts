/**
 * The dashboard in a real browser: headless Chromium (Debian's `chromium`) renders the page
 * the app serves over HTTP, after a sync of the replay data. Checks what a person sees — the
 * source cards with their numbers, the chart, the escaped hostile title, the page's own
 * styles applied under its CSP — and saves a screenshot to `out/test/dashboard.png`.
 * Skipped, saying so, where Chromium is not installed (`apt-get install -y chromium`, or set
 * CHROMIUM_PATH).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { mongoTest } from "../support/mongo.ts";
import { startHarness, TOKEN } from "./harness.ts";

const OUT = new URL("../../out/test/", import.meta.url);

function findChromium(): string | null {
  const candidates = [
    Deno.env.get("CHROMIUM_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const path of candidates) {
    if (!path) continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

const chromium = findChromium();
if (chromium === null) {
  console.warn(
    "SKIPPED dashboard browser test: Chromium not found (apt-get install -y chromium, or set " +
      "CHROMIUM_PATH).",
  );
}

async function browse(url: string, extra: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "chromium-test-" });
  try {
    const out = await new Deno.Command(chromium!, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        `--user-data-dir=${profile}`,
        "--window-size=1280,1600",
        ...extra,
        url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`chromium failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
    }
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Width, height and the top-left pixel of a PNG (row 0 needs no unfiltering for pixel 0). */
async function pngTopLeft(bytes: Uint8Array): Promise<{ w: number; h: number; rgb: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const w = view.getUint32(16), h = view.getUint32(20);
  const idat: Uint8Array[] = [];
  for (let at = 8; at < bytes.length;) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    if (type === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const stream = new Blob(idat as BlobPart[]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  const reader = stream.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return { w, h, rgb: [value![1], value![2], value![3]] };
}

mongoTest(
  `the dashboard in headless Chromium shows cards, numbers and the chart${
    chromium ? "" : " (SKIPPED: Chromium not installed)"
  }`,
  async (db) => {
    await using h = await startHarness({ db });
    await (await h.fetch("/sync", { method: "POST", token: TOKEN })).body?.cancel();
    await h.app.idle();
    await using server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      h.app.handler,
    );
    const url = `http://127.0.0.1:${server.addr.port}/?refresh=3600`;

    const dom = await browse(url, ["--dump-dom"]);
    const cards = [...dom.matchAll(/<section class="card (\w+)" id="source-(\w+)"/g)]
      .map((m) => `${m[2]}:${m[1]}`);
    assertEquals(cards, ["fts:ok", "cf:ok"]);
    assertEquals([...dom.matchAll(/<dd class="contracts">40<\/dd>/g)].length, 2, "40 notices each");
    assertStringIncludes(dom, "Find a Tender");
    assertStringIncludes(dom, "Contracts Finder");
    assertStringIncludes(dom, "Backfill complete since");
    const bars = [...dom.matchAll(/<g class="bar" data-day="[\d-]+" data-total="(\d+)">/g)];
    assertEquals(bars.length, 30, "30 days in the chart");
    assertEquals(bars.reduce((n, m) => n + Number(m[1]), 0), 80, "the chart counts every notice");
    assert(!/<script/i.test(dom), "the hostile title stayed text: no script element in the DOM");
    assertStringIncludes(dom, '&lt;script&gt;alert("owned")&lt;/script&gt;');
    assertStringIncludes(dom, "caught-up");

    await Deno.mkdir(OUT, { recursive: true });
    const shot = new URL("dashboard.png", OUT).pathname;
    await browse(url, [`--screenshot=${shot}`, "--hide-scrollbars"]);
    const png = await Deno.readFile(shot);
    const { w, h: height, rgb } = await pngTopLeft(png);
    assertEquals([w, height], [1280, 1600]);
    // the header is near-black only if the page's style block ran under its CSP
    assert(rgb.every((c) => c < 40), `header pixel ${rgb} (styles blocked?)`);
    console.log(`screenshot: ${shot}`);
  },
  { ignore: chromium === null },
);
