// A made-up panel (no real patients) for "Sample panel": 40 months of March 2026 built from the
// sample month, as of 2026-03-20, with what a care manager meets in a real month: patients short of
// 20 minutes, one minute or a few from the next code, no consent, a declined consent, a care plan
// due for review, a new patient without an initiating visit, PCM compared, a short narrative.
import { SAMPLE_MONTH } from "./sample.js";

const MINUTES = [22, 15, 10, 18, 9, 25, 7, 12, 30, 16];

function entry(i, k, minutes) {
  const day = String(2 + ((k * 5 + i) % 18)).padStart(2, "0");
  const start = 9 * 60 + ((i * 7 + k * 13) % 300);
  const hm = (t) => `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
  const staff = k % 3 === 2 ? { name: "Sample MA", role: "ma", id: "s-2" } : { name: "Sample RN", role: "rn", id: "s-1" };
  return {
    id: `t${k + 1}`,
    performer: staff,
    start: `2026-03-${day}T${hm(start)}:00-05:00`,
    end: `2026-03-${day}T${hm(start + minutes)}:00-05:00`,
    narrative: SAMPLE_MONTH.timeEntries[k % 3].narrative,
  };
}

export function samplePanel() {
  const out = [];
  for (let i = 0; i < 40; i++) {
    const m = structuredClone(SAMPLE_MONTH);
    m.patient.ref = `sample-${String(i + 1).padStart(3, "0")}`;
    const n = i % 5;
    m.timeEntries = Array.from({ length: n }, (_, k) => entry(i, k, MINUTES[(i + k * 3) % MINUTES.length]));
    if (i % 11 === 3) delete m.consent;
    if (i % 17 === 9) m.consent.status = "declined";
    if (i % 9 === 4) m.carePlan = { ...m.carePlan, established: "2025-03-01", lastReviewed: "2025-04-05", revisedOn: [] };
    if (i % 13 === 6) {
      m.patient.newPatient = true;
      delete m.initiatingVisit;
    }
    if (i % 10 === 7) {
      m.programs = ["ccm", "pcm"];
      m.conditions = [{ code: "I50.22", pcmFocus: true }];
      m.carePlan.diseaseSpecific = true;
    }
    if (i % 7 === 2 && m.timeEntries.length) m.timeEntries[0].narrative = "CCM call";
    out.push(m);
  }
  return out;
}
