/**
 * How a procurement is run: the procedure as published, whether it sets up or uses a
 * framework or a dynamic purchasing system (DPS; a "dynamic market" under the Procurement
 * Act 2023), whether it is a call-off, the law it runs under, and who it suits.
 *
 * Structured fields win (`techniques.hasFrameworkAgreement`, `hasDynamicPurchasingSystem`,
 * `relatedProcesses[].relationship` `framework`, the UK13–UK16 dynamic market notice types);
 * where they are absent the procedure text and the title are read (CF writes "Call-off from a
 * dynamic purchasing system" in `procurementMethodDetails`). Text is only ever scanned with
 * `indexOf`, linear in its length.
 *
 * @example
 * ```ts
 * import { procedureFlags } from "./procedure.ts";
 * procedureFlags({ procedure: "Call-off from a dynamic purchasing system", title: null,
 *   noticeType: null, techniques: [], relationships: [] });
 * // { framework: false, dps: true, callOff: true }
 * ```
 * @module
 */
import type { LegalRegime, Suitability } from "./documents.ts";
import type { OcdsTechniques, OcdsTender } from "./release.ts";

/** The three flags of a contract. */
export interface ProcedureFlags {
  readonly framework: boolean;
  readonly dps: boolean;
  readonly callOff: boolean;
}

/** What {@linkcode procedureFlags} reads. */
export interface ProcedureInput {
  readonly procedure: string | null;
  readonly title: string | null;
  readonly noticeType: string | null;
  /** `tender.techniques` and every `tender.lots[].techniques`. */
  readonly techniques: readonly OcdsTechniques[];
  readonly relationships: readonly string[];
}

const DYNAMIC_MARKET_NOTICES = new Set(["UK13", "UK14", "UK15", "UK16"]);

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57); // a–z, 0–9 (lower-cased)
}

/**
 * Whether `word` (lower case) occurs in `text` (lower case) as a whole word. Linear in the
 * text: each `indexOf` resumes after the previous hit.
 *
 * @example
 * ```ts
 * import { hasWord } from "./procedure.ts";
 * hasWord("home to school dps", "dps"); // true
 * hasWord("dpsx", "dps"); // false
 * ```
 */
export function hasWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
    const before = i === 0 ? 32 : text.charCodeAt(i - 1);
    const end = i + word.length;
    const after = end >= text.length ? 32 : text.charCodeAt(end);
    if (!isLetter(before) && !isLetter(after)) return true;
  }
  return false;
}

const FRAMEWORK_WORDS = ["framework"];
const DPS_WORDS = ["dynamic purchasing", "dynamic market", "dps"];
const CALL_OFF_WORDS = ["call-off", "call off", "calloff", "mini-competition", "mini competition"];

function mentions(texts: readonly string[], words: readonly string[]): boolean {
  return texts.some((t) => words.some((w) => hasWord(t, w)));
}

/**
 * The framework, DPS and call-off flags (see the module doc).
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function procedureFlags(input: ProcedureInput): ProcedureFlags {
  // Titles are short; procedure text is a phrase. Both are capped by the text reader.
  const texts = [input.procedure, input.title]
    .filter((t): t is string => t !== null)
    .map((t) => t.toLowerCase());
  const said = (key: keyof OcdsTechniques) => input.techniques.some((t) => t[key] === true);
  const callOff = input.relationships.includes("framework") || mentions(texts, CALL_OFF_WORDS);
  return {
    framework: said("hasFrameworkAgreement") || mentions(texts, FRAMEWORK_WORDS),
    dps: said("hasDynamicPurchasingSystem") ||
      (input.noticeType !== null && DYNAMIC_MARKET_NOTICES.has(input.noticeType)) ||
      mentions(texts, DPS_WORDS),
    callOff,
  };
}

// `legalBasis` as FTS publishes it: the Act itself (UKPGA), the UK regulations (UKSI), or
// the EU directives they implemented (CELEX), which older FTS notices cite.
const REGIME_OF_BASIS: ReadonlyMap<string, LegalRegime> = new Map([
  ["UKPGA 2023/54", "PA2023"],
  ["UKSI 2015/102", "PCR2015"],
  ["UKSI 2016/274", "UCR2016"],
  ["UKSI 2016/273", "CCR2016"],
  ["UKSI 2011/1848", "DSPCR2011"],
  ["UKSI 2023/1348", "PSR2023"],
  ["CELEX 32014L0024", "PCR2015"],
  ["CELEX 32014L0025", "UCR2016"],
  ["CELEX 32014L0023", "CCR2016"],
  ["CELEX 32009L0081", "DSPCR2011"],
]);

const UK_ACT_NOTICE = /^UK\d{1,2}$/;

/**
 * The legal regime: from `tender.legalBasis` (`other` for a basis not in the table), else
 * `PA2023` for a Procurement Act notice type (UK1–UK17), else `null`.
 *
 * @example
 * ```ts
 * import { legalRegimeOf } from "./procedure.ts";
 * legalRegimeOf({ scheme: "CELEX", id: "32014L0024" }, null); // "PCR2015"
 * legalRegimeOf(undefined, "UK6"); // "PA2023"
 * ```
 */
export function legalRegimeOf(
  basis: OcdsTender["legalBasis"],
  noticeType: string | null,
): LegalRegime | null {
  if (basis !== undefined && basis.id !== undefined) {
    const key = `${(basis.scheme ?? "").toUpperCase()} ${basis.id.toUpperCase()}`;
    return REGIME_OF_BASIS.get(key) ?? "other";
  }
  return noticeType !== null && UK_ACT_NOTICE.test(noticeType) ? "PA2023" : null;
}

/**
 * `tender.suitability`, else the lots' (suitable when any lot is; unsuitable when every lot
 * that says so is).
 *
 * @example
 * ```ts
 * import { suitabilityOf } from "./procedure.ts";
 * suitabilityOf({ suitability: { sme: true, vcse: false } } as never); // { sme: true, vcse: false }
 * ```
 */
export function suitabilityOf(
  t: Pick<OcdsTender, "suitability" | "lots"> | undefined,
): Suitability {
  const pick = (key: "sme" | "vcse"): boolean | null => {
    const own = t?.suitability?.[key];
    if (own !== undefined) return own;
    const lots = (t?.lots ?? []).map((l) => l.suitability?.[key]).filter((v) => v !== undefined);
    return lots.length === 0 ? null : lots.includes(true);
  };
  return { sme: pick("sme"), vcse: pick("vcse") };
}
