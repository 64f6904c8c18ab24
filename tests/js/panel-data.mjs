// Deterministic test panels for the panel view and `ccm panel`: months made from
// ../shared/scenarios/examples.jsonl with variations (as-of dates through the month, fewer time
// entries, no consent, old care-plan reviews, new patients without a visit, programs compared, a
// payer's pack, references a spreadsheet would misread). Same seed, same panel.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, loadExamples } from "./engine.mjs";

/** A small fast PRNG (mulberry32): numbers in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_REFS = ['smith, "jo"', "=HYPERLINK(1)", "-42", "+1", "@x", "línea\nnueva", "tab\there", ""];

/** `count` MonthInput objects (the examples' inputs, varied). */
export function makePanel(count, seed = 16) {
  const examples = loadExamples().map((e) => e.input);
  const pack = JSON.parse(readFileSync(join(ROOT, "packs", "examples", "example-medicare-advantage-2026.json"), "utf8"));
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const m = structuredClone(examples[i % examples.length]);
    if (m.patient && typeof m.patient === "object") m.patient.ref = i % 97 === 5 ? ODD_REFS[((i / 97) | 0) % ODD_REFS.length] : `p-${String(i + 1).padStart(5, "0")}`;
    const month = typeof m.serviceMonth === "string" && /^\d{4}-\d{2}$/.test(m.serviceMonth) ? m.serviceMonth : null;
    if (month && r() < 0.8) m.asOf = `${month}-${String(1 + Math.floor(r() * 28)).padStart(2, "0")}`;
    if (Array.isArray(m.timeEntries) && r() < 0.4) m.timeEntries = m.timeEntries.slice(0, Math.floor(r() * m.timeEntries.length));
    const v = r();
    if (v < 0.06) delete m.consent;
    else if (v < 0.1 && m.consent) m.consent.status = "declined";
    else if (v < 0.16 && m.carePlan) m.carePlan.lastReviewed = pick(["2025-05-20", "2025-06-10", "2025-04-01", "2025-06-25"]);
    else if (v < 0.2 && m.patient) {
      m.patient.newPatient = true;
      delete m.initiatingVisit;
    } else if (v < 0.24) m.programs = ["ccm", "pcm", "apcm"];
    else if (v < 0.27) {
      m.programs = ["ccm", "apcm"];
      m.apcm = { responsibleForPrimaryCare: true, elementsAttested: ["access24x7", "continuity", "alternativeCareDelivery", "comprehensiveCareManagement", "carePlan", "careTransitions", "careCoordination", "enhancedCommunication", "populationManagement", "performanceMeasurement"] };
      m.otherServices = [];
      delete m.timeEntries;
    } else if (v < 0.29) m.rulePack = pack;
    else if (v < 0.3) delete m.carePlan;
    out.push(m);
  }
  return out;
}

export const toJsonl = (months) => months.map((m) => JSON.stringify(m)).join("\n") + "\n";
