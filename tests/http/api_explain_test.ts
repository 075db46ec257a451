/**
 * On a real MongoDB (`MONGODB_URI` set), every read-API filter and sort, of notices and of
 * procurements, is served by an index:
 * the winning plan of each query has no collection scan. jongodb has no query planner to
 * ask, so this test is skipped there (saying so).
 */
import { assert } from "@std/assert";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import type { Filter } from "mongodb";
import {
  compileProcurements,
  type ProcurementDoc,
  procurementsCollection,
} from "../../src/db/procurements.ts";
import { pageFilter } from "../../src/db/keyset.ts";
import { NOTICES } from "../../src/http/api/notice_resource.ts";
import { PROCUREMENTS } from "../../src/http/api/procurement_resource.ts";
import { readListRequest } from "../../src/http/api/resource.ts";
import { mongoTest, usingJongodb } from "../support/mongo.ts";
import { storeNotices, syntheticNotices } from "../support/notices.ts";

const QUERIES = [
  "",
  "q=road",
  "source=fts",
  "buyer=GB-PPON-TEST-0001",
  "sector=it-services",
  "cpv=45",
  "region=UKI",
  "status=cancelled",
  "supplier=GB-COH-00000001",
  "minValue=1000&maxValue=5000",
  "valueBasis=awarded&minValue=1000",
  "deadlineFrom=2026-12-01",
  "publishedFrom=2026-10-01&publishedTo=2026-10-31",
  "sort=deadline",
  "sort=-value",
];

/** The procurements' own filter, and their sorts, beside the shared filters above. */
const PROCUREMENT_QUERIES = [
  ...QUERIES.filter((q) => !q.startsWith("status=")),
  "phase=open",
  "phase=evaluation",
  "phase=awarded&sort=-published",
  "phase=open&sector=construction-works&sort=deadline",
];

if (usingJongodb()) console.warn("SKIPPED explain test: needs a real MongoDB (set MONGODB_URI).");

mongoTest(
  `every read-API query is served by an index (explain, real MongoDB only)${
    usingJongodb() ? " (SKIPPED: jongodb)" : ""
  }`,
  async (db) => {
    await ensureIndexes(db);
    const now = Date.parse("2026-11-30T12:00:00Z");
    const notices = syntheticNotices(200, 1, now);
    await storeNotices(db, notices, now);
    for (const source of ["fts", "cf"] as const) {
      await compileProcurements(
        db,
        source,
        notices.filter((n) => n.source === source).map((n) => n.ocid),
      );
    }
    for (const query of PROCUREMENT_QUERIES) {
      const req = await readListRequest(
        PROCUREMENTS,
        new URL(`http://x/api/v1/procurements?${query}`),
        true,
        new Date(now),
      );
      const plan = await procurementsCollection(db)
        .find(pageFilter({ ...req.query, after: null, limit: 20 }) as Filter<ProcurementDoc>)
        .sort({ [req.query.sortField]: req.query.direction, _id: req.query.direction })
        .limit(21).explain("queryPlanner");
      const winning = JSON.stringify(
        (plan as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan,
      );
      assert(!winning.includes("COLLSCAN"), `procurements ${query || "(no filter)"}: ${winning}`);
    }
    for (const query of QUERIES) {
      const req = await readListRequest(NOTICES, new URL(`http://x/api/v1/notices?${query}`));
      const plan = await contractsCollection(db)
        .find(pageFilter({ ...req.query, after: null, limit: 20 }))
        .sort({ [req.query.sortField]: req.query.direction, _id: req.query.direction })
        .limit(21).explain("queryPlanner");
      const winning = JSON.stringify(
        (plan as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan,
      );
      assert(!winning.includes("COLLSCAN"), `${query || "(no filter)"}: ${winning}`);
    }
  },
  { ignore: usingJongodb() },
);
