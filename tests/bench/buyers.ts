/**
 * `deno task bench:buyers [--stored 20000] [--buyers 75] [--pages 4] [--page-size 100]` — what a
 * page costs in MongoDB work when its buyers already hold many notices, against the same page
 * when they hold none, side by side in one process:
 *
 * - **heavy**: `--stored` notices spread over the page's `--buyers` buyers are stored first;
 * - **empty**: nothing is stored.
 *
 * Then `--pages` pages naming those buyers are written with `writePage` in each database,
 * alternating: `--page-size` new notices plus `--overlap` notices of the page before, changed
 * (as overlapping windows bring them), after one warm-up page. Per page it prints MongoDB commands and documents
 * read (documents in the replies of find / aggregate / getMore, counted with the driver's
 * command monitoring), and the time, with the heavy/empty ratios. For contrast it prints what
 * recounting those buyers (the old per-page design, and today's fallback without transactions)
 * reads. Needs MONGODB_URI or the embedded jongodb (started as a replica set).
 * @module
 */
import { MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { startEmbeddedMongo } from "../../src/db/embedded.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { contentHash, contractsCollection } from "../../src/db/contracts.ts";
import { buyersCollection, countContracts } from "../../src/db/buyers.ts";
import { recountAllBuyers } from "../../src/db/buyer_recount.ts";
import { writePage } from "../../src/db/page_write.ts";
import { transactionsSupported } from "../../src/db/transactions.ts";
import type { Buyer, Contract } from "../../src/ocds/documents.ts";
import { aBuyer, aContract } from "../support/contracts.ts";
import { dropTestDb } from "../support/mongo.ts";

function arg(name: string, def: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Number(Deno.args[i + 1]) : def;
}

const stored = arg("stored", 20_000);
const buyerCount = arg("buyers", 75);
const pages = arg("pages", 4);
const pageSize = arg("page-size", 80);
const overlap = arg("overlap", 20);

const embedded = Deno.env.get("MONGODB_URI")
  ? null
  : await startEmbeddedMongo({ replicaSet: true });
const uri = Deno.env.get("MONGODB_URI") ?? embedded!.uri;
// no socket timeout: jongodb's inserts into a large collection can outlast the default minute
const client = new MongoClient(uri, {
  ...CLIENT_OPTIONS,
  socketTimeoutMS: 0,
  monitorCommands: true,
});
let commands = 0;
let docsRead = 0;
client.on("commandStarted", () => commands++);
client.on("commandSucceeded", (e) => {
  const cursor = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } })
    .cursor;
  docsRead += cursor?.firstBatch?.length ?? cursor?.nextBatch?.length ?? 0;
});

const buyers: Buyer[] = Array.from(
  { length: buyerCount },
  (_, i) => aBuyer({ orgId: `GB-PPON-BENCH-${String(i).padStart(4, "0")}`, name: `Buyer ${i}` }),
);
let serial = 0;
const contract = (i: number): Contract =>
  aContract({
    noticeId: `${String(serial++).padStart(6, "0")}-2026`,
    buyerOrg: buyers[i % buyerCount].orgId,
    releaseDate: new Date(Date.UTC(2026, 0, 1) + serial * 60_000),
  });

const heavy = client.db(`bench_buyers_heavy_${Date.now()}`);
const empty = client.db(`bench_buyers_empty_${Date.now()}`);
await Promise.all([ensureIndexes(heavy), ensureIndexes(empty)]);
console.log(
  `transactions: ${await transactionsSupported(heavy) ? "yes" : "no (recount fallback)"}`,
);

let t = performance.now();
const now = new Date();
for (let done = 0; done < stored;) {
  const batch = [];
  for (let i = 0; i < 5000 && done < stored; i++, done++) {
    const c = contract(done);
    batch.push({
      ...c,
      contentHash: await contentHash(c),
      firstSeenAt: now,
      updatedAt: now,
      firstSeenPage: null,
      searchTokens: [],
    });
  }
  await contractsCollection(heavy).insertMany(batch, { ordered: false });
}
await buyersCollection(heavy).insertMany(
  buyers.map((b) => ({
    ...b,
    contractCount: 0,
    procurementCount: 0,
    firstSeenAt: now,
    countedAt: now,
  })),
);
const recount = await recountAllBuyers(heavy, { now });
console.log(
  `heavy database: ${stored} notices over ${buyerCount} buyers stored and counted in ` +
    `${((performance.now() - t) / 1000).toFixed(1)}s (${recount.corrected} counts set)`,
);

const previous = new Map<typeof heavy, Contract[]>();
async function page(db: typeof heavy) {
  const fresh = Array.from({ length: pageSize }, (_, i) => contract(i));
  const again = (previous.get(db) ?? []).slice(0, overlap).map((c) => ({
    ...c,
    title: `${c.title} (amended)`,
    releaseDate: new Date(c.releaseDate.getTime() + 1000),
  }));
  previous.set(db, fresh);
  const [c0, d0] = [commands, docsRead];
  const started = performance.now();
  const res = await writePage(db, [...fresh, ...again], buyers, new Date());
  if (res.inserted !== pageSize || res.updated !== again.length) {
    throw new Error(`inserted ${res.inserted} of ${pageSize}, updated ${res.updated}`);
  }
  return { commands: commands - c0, docs: docsRead - d0, ms: performance.now() - started };
}

await page(empty); // warm-up: the next page's overlap
await page(heavy);

const rows: { heavy: Awaited<ReturnType<typeof page>>; empty: Awaited<ReturnType<typeof page>> }[] =
  [];
for (let n = 0; n < pages; n++) {
  const e = await page(empty);
  const h = await page(heavy);
  rows.push({ heavy: h, empty: e });
  console.log(
    `page ${n + 1}: heavy ${h.commands} commands, ${h.docs} documents read, ${
      h.ms.toFixed(0)
    } ms; empty ${e.commands} commands, ${e.docs} documents read, ${e.ms.toFixed(0)} ms`,
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (k: "commands" | "docs" | "ms") =>
  mean(rows.map((r) => r.heavy[k])) / mean(rows.map((r) => r.empty[k]));
console.log(
  `\nper page, heavy (${stored} stored notices of the page's buyers) / empty: commands ${
    ratio("commands").toFixed(2)
  }, documents read ${ratio("docs").toFixed(2)}, time ${ratio("ms").toFixed(2)}`,
);

// What the old design (and the fallback without transactions) reads for the same page.
const ids = buyers.map((b) => b.orgId);
const examined = await contractsCollection(heavy).countDocuments({ buyerOrgs: { $in: ids } });
t = performance.now();
await countContracts(heavy, ids);
const ms = performance.now() - t;
const counts = await countContracts(heavy, ids);
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const stats = await buyersCollection(heavy).find({}).toArray();
const exact = stats.every((b) => counts.get(b.orgId) === b.contractCount);
console.log(
  `recounting the page's buyers instead reads ${examined} notices (${ms.toFixed(0)} ms) per ` +
    `page; counts after the run are ${exact ? "exact" : "WRONG"} (${total} notices counted)`,
);
await Promise.all([dropTestDb(heavy), dropTestDb(empty)]);
await client.close();
await embedded?.stop();
if (!exact) Deno.exit(1);
