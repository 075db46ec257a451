/**
 * Every HTML page in real headless Chromium (Debian's `chromium`), at a desktop width (1,400
 * px) and a phone's (400 px): nothing wider than the screen, the key figures present, the
 * page's styles applied under its CSP, hostile text shown as text; screenshots written to
 * `out/test/`. Skipped, saying so, where Chromium is not installed (`apt-get install -y
 * chromium`, or set CHROMIUM_PATH).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { contractsCollection } from "../../src/db/contracts.ts";
import { procurementsCollection } from "../../src/db/procurements.ts";
import { findChromium, launchBrowser, type Tab } from "../support/browser.ts";
import { mongoTest } from "../support/mongo.ts";
import { EVIL_TITLE, startHarness, TOKEN } from "./harness.ts";

const OUT = new URL("../../out/test/", import.meta.url);
const chromium = findChromium();
if (chromium === null) {
  console.warn(
    "SKIPPED browser tests: Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH).",
  );
}
const skipped = chromium ? "" : " (SKIPPED: Chromium not installed)";
const WIDTHS = [1400, 400] as const;

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  headerBg: string;
  wider: string[];
  text: string;
}

const LAYOUT = `(() => {
  const wider = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
    .filter((e) => !e.closest(".scroll"))
    .slice(0, 5).map((e) => e.tagName + "." + e.className);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    headerBg: getComputedStyle(document.querySelector("header")).backgroundColor,
    wider,
    text: document.body.innerText,
  };
})()`;

async function checkPage(tab: Tab, name: string, width: number): Promise<Layout> {
  const layout = await tab.evaluate<Layout>(LAYOUT);
  assert(
    layout.scrollWidth <= layout.innerWidth,
    `${name} at ${width}px: page ${layout.scrollWidth}px wide in ${layout.innerWidth}px (${layout.wider})`,
  );
  // near-black only if the page's style block was allowed by its CSP hash
  assertEquals(layout.headerBg, "rgb(11, 12, 12)", `${name}: styles applied`);
  await Deno.mkdir(OUT, { recursive: true });
  await tab.screenshot(new URL(`${name}-${width}.png`, OUT).pathname);
  return layout;
}

mongoTest(
  `dashboard, searches, notice, procurement and buyer pages fit 1,400 px and 400 px in Chromium${skipped}`,
  async (db, t) => {
    await using h = await startHarness({ db });
    await (await h.fetch("/sync", { method: "POST", token: TOKEN })).body?.cancel();
    await h.app.idle();
    await using server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      h.app.handler,
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    await using browser = await launchBrowser(chromium!);
    const evil = await contractsCollection(db).findOne({ title: EVIL_TITLE });
    if (!evil) throw new Error("the hostile notice was not stored");
    const buyerId = evil.buyerOrg!;
    const buyerCount = await contractsCollection(db).countDocuments({ buyerOrgs: buyerId });
    // the procurement with the most notices, compiled by the sync
    const procurement = (await procurementsCollection(db).find({ source: "fts" }).toArray())
      .sort((a, b) => b.timeline.length - a.timeline.length)[0];
    if (!procurement) throw new Error("the sync compiled no procurement");
    const procurementCount = await procurementsCollection(db).countDocuments({
      buyerOrgs: buyerId,
    });

    for (const width of WIDTHS) {
      await t.step(`dashboard at ${width}px`, async () => {
        const tab = await browser.open(`${base}/?refresh=3600`, { width, height: 1200 });
        const page = await checkPage(tab, "dashboard", width);
        const cards = await tab.evaluate<string[]>(
          `[...document.querySelectorAll("section.card")].map((c) => c.dataset.source + ":" + c.dataset.verdict + ":" + c.querySelector("dd.contracts").textContent)`,
        );
        assertEquals(cards, ["fts:ok:40", "cf:ok:40"]);
        const chart = await tab.evaluate<{ bars: number; total: number; font: number }>(`(() => {
          const svg = [...document.querySelectorAll("svg.chart")].find((s) => s.getBoundingClientRect().width > 0);
          const bars = [...svg.querySelectorAll("g.bar")];
          return {
            bars: bars.length,
            total: bars.reduce((n, b) => n + Number(b.dataset.total), 0),
            font: Math.min(...[...svg.querySelectorAll("text")].map((x) => x.getBoundingClientRect().height)),
          };
        })()`);
        assertEquals(chart.bars, width < 600 ? 14 : 30);
        if (width >= 600) assertEquals(chart.total, 80, "the chart counts every notice");
        assert(chart.font >= 10, `chart labels ${chart.font}px tall`);
        assertStringIncludes(page.text, EVIL_TITLE, "the hostile title is text");
        assertEquals(await tab.evaluate<number>(`document.scripts.length`), 0);
        assertStringIncludes(page.text, "Notice types");
        await tab.close();
      });
      await t.step(`procurement search at ${width}px`, async () => {
        const tab = await browser.open(`${base}/explore?source=fts&limit=10`, {
          width,
          height: 1200,
        });
        const page = await checkPage(tab, "search-procurements", width);
        const items = await tab.evaluate<string[]>(
          `[...document.querySelectorAll("#results li")].map((li) => li.dataset.procurement + " " + li.querySelector(".badge").textContent)`,
        );
        assertEquals(items.length, 10);
        assert(items.every((i) => i.startsWith("fts/")), items.join());
        assert(await tab.evaluate<boolean>(`!!document.querySelector("#next")`), "a next page");
        assert(
          await tab.evaluate<boolean>(`!!document.querySelector("form.search select[name=phase]")`),
        );
        assertStringIncludes(page.text, "Notice types");
        assertStringIncludes(page.text, "First published");
        await tab.close();
      });
      await t.step(`procurement at ${width}px`, async () => {
        const tab = await browser.open(
          `${base}/explore/procurements/fts/${encodeURIComponent(procurement.ocid)}`,
          { width, height: 1200 },
        );
        const page = await checkPage(tab, "procurement", width);
        assertEquals(
          await tab.evaluate<number>(`document.querySelectorAll("#timeline li").length`),
          procurement.timeline.length,
        );
        assertEquals(
          await tab.evaluate<string>(`document.querySelector("#procurement-title").textContent`),
          procurement.title ?? "(untitled)",
        );
        assertStringIncludes(page.text, "Estimated value");
        assertStringIncludes(page.text, "Awarded value");
        assertStringIncludes(page.text, "Notice types");
        assertEquals(await tab.evaluate<number>(`document.scripts.length`), 0);
        await tab.close();
      });
      await t.step(`notice search at ${width}px`, async () => {
        const tab = await browser.open(`${base}/explore/notices?source=fts&limit=10`, {
          width,
          height: 1200,
        });
        const page = await checkPage(tab, "search", width);
        const items = await tab.evaluate<number>(`document.querySelectorAll("#results li").length`);
        assertEquals(items, 10);
        assert(await tab.evaluate<boolean>(`!!document.querySelector("#next")`), "a next page");
        assert(
          await tab.evaluate<boolean>(`!!document.querySelector("form.search input[name=q]")`),
        );
        assertStringIncludes(page.text, "Notice types");
        await tab.close();
      });
      await t.step(`notice at ${width}px`, async () => {
        const tab = await browser.open(
          `${base}/explore/notices/fts/${encodeURIComponent(evil.noticeId)}`,
          {
            width,
            height: 1200,
          },
        );
        const page = await checkPage(tab, "notice", width);
        assertEquals(
          await tab.evaluate<string>(`document.querySelector("#notice-title").textContent`),
          EVIL_TITLE,
        );
        assert(await tab.evaluate<number>(`document.querySelectorAll("#timeline li").length`) >= 1);
        assertStringIncludes(page.text, "Official page");
        await tab.close();
      });
      await t.step(`buyer at ${width}px`, async () => {
        const tab = await browser.open(`${base}/explore/buyers/${encodeURIComponent(buyerId)}`, {
          width,
          height: 1200,
        });
        await checkPage(tab, "buyer", width);
        assertEquals(
          await tab.evaluate<string>(`document.querySelector("#buyer-count").textContent`),
          String(buyerCount),
        );
        assertEquals(
          await tab.evaluate<string>(`document.querySelector("#buyer-procurements").textContent`),
          String(procurementCount),
        );
        assert(
          await tab.evaluate<number>(
            `document.querySelectorAll("#buyer-procurements-list li").length`,
          ) >= 1,
          "the buyer's newest procurements are listed",
        );
        await tab.close();
      });
    }
  },
  { ignore: chromium === null },
);

mongoTest(
  `before the first run the dashboard says so: no orange badge, no empty chart${skipped}`,
  async (db) => {
    await using h = await startHarness({ db });
    await using server = Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      h.app.handler,
    );
    await using browser = await launchBrowser(chromium!);
    for (const width of WIDTHS) {
      const tab = await browser.open(`http://127.0.0.1:${server.addr.port}/?refresh=3600`, {
        width,
        height: 900,
      });
      const page = await checkPage(tab, "dashboard-empty", width);
      assertStringIncludes(page.text, "No data yet — the first run is due at");
      assertEquals(
        await tab.evaluate<string>(`document.querySelector("#overall").textContent`),
        "waiting",
      );
      assertEquals(await tab.evaluate<number>(`document.querySelectorAll("svg.chart").length`), 0);
      assertEquals(
        await tab.evaluate<number>(`document.querySelectorAll(".card.lagging").length`),
        0,
      );
      await tab.close();
    }
  },
  { ignore: chromium === null },
);
