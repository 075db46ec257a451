/**
 * The mapper's fast paths give exactly what the slow, obviously right path gives: dates read
 * from character codes equal the regex + `Date` reading, and URLs accepted without parsing
 * equal what the URL parser returns. Seeded, so a failure replays.
 */
import { assertEquals } from "@std/assert";
import { parseIsoDate } from "../../src/ocds/read.ts";
import { MAX_URL, webUrl } from "../../src/ocds/links.ts";
import { prng } from "../support/random.ts";

// The reading parseIsoDate had before its fast path, kept here as the reference.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
function referenceDate(s: string): string {
  const m = ISO_DATE.exec(s.trim());
  if (m === null) return "invalid";
  const [, y, mo, d, h, mi, , zone] = m;
  const month = Number(mo), day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return "invalid";
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return "invalid";
  const noOffset = h !== undefined && zone === undefined;
  const normalised = s.trim().replace(" ", "T") + (noOffset ? "Z" : "");
  const date = new Date(h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : normalised);
  if (Number.isNaN(date.getTime())) return "invalid";
  const probe = new Date(0);
  probe.setUTCFullYear(Number(y), month - 1, day);
  if (probe.getUTCDate() !== day) return "invalid";
  return `${date.toISOString()}${noOffset ? " no-offset" : ""}`;
}

function shown(r: ReturnType<typeof parseIsoDate>): string {
  return "date" in r ? `${r.date.toISOString()}${r.problem ? " no-offset" : ""}` : r.problem;
}

Deno.test("dates: the character-code reading equals the regex + Date reading (20,000 seeded)", () => {
  const random = prng(12);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const two = (max: number) => String(Math.floor(random() * max)).padStart(2, "0");
  for (let i = 0; i < 20_000; i++) {
    const year = pick(["2026", "2024", "1900", "2000", "2100", "0099", "0000", "9999"]);
    const s = `${year}-${two(14)}-${two(33)}T${two(26)}:${two(62)}:${two(62)}` +
      pick(["Z", "+01:00", "-05:30", "+24:00", "+00:60", "z", "+0100", "", ".5Z"]);
    assertEquals(shown(parseIsoDate(s)), referenceDate(s), s);
  }
});

function referenceUrl(text: string): string | null {
  if (text.length > MAX_URL || !/^https?:\/\//i.test(text)) return null;
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.href.length > MAX_URL ? null : url.href;
  } catch {
    return null;
  }
}

Deno.test("URLs: accepting without parsing equals what the URL parser returns (50,000 seeded)", () => {
  const random = prng(13);
  const starts = ["https://", "http://", "HTTPS://", "javascript:", "https://0x1"];
  const parts = [
    "a",
    "b.",
    ".",
    "-",
    "x.example",
    "/",
    "?",
    "#",
    "%",
    "%2e",
    "%20",
    " ",
    "\\",
    "é",
    ":",
    "@",
    "..",
    "~",
    "'",
    '"',
    "[",
    "|",
    "^",
    "`",
    "A",
    "0",
    "1.2.3.4",
    "&q=1",
    "\t",
    "//",
  ];
  for (let i = 0; i < 50_000; i++) {
    let s = starts[Math.floor(random() * starts.length)];
    for (let n = Math.floor(random() * 8); n > 0; n--) {
      s += parts[Math.floor(random() * parts.length)];
    }
    assertEquals(webUrl(s), referenceUrl(s), JSON.stringify(s));
  }
});
