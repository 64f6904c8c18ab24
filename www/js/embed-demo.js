// The embed page's host-side code: what a portal would write around <ccm-month-check>.
import { SAMPLE_MONTH } from "./sample.js";

const full = document.getElementById("demo-full");
const log = document.getElementById("event-log");
const note = (text) => {
  const li = document.createElement("li");
  li.textContent = text;
  log.prepend(li);
  while (log.children.length > 12) log.lastChild.remove();
};
full.addEventListener("input", (e) => note(`input: month ${e.detail.serviceMonth ?? "?"}, ${e.detail.timeEntries?.length ?? 0} time entries`));
full.addEventListener("result", (e) => {
  const r = e.detail;
  note(r.ok ? `result: ${r.evaluation.status} ${r.evaluation.lines.map((l) => `${l.code}x${l.units}`).join(" ")}`.trim() : `result: error ${r.error.code}`);
});
full.value = SAMPLE_MONTH;

// Verdict only: the host keeps its own form and sets `value` on every change.
const verdict = document.getElementById("demo-verdict");
const form = document.getElementById("host-form");
function push() {
  const month = document.getElementById("host-month").value.trim();
  const minutes = Number(document.getElementById("host-minutes").value || 0);
  const v = structuredClone(SAMPLE_MONTH);
  v.serviceMonth = month;
  delete v.asOf;
  const day = `${month}-05`;
  v.timeEntries = [{ id: "h1", performer: { name: "Host RN", role: "rn", id: "h-1" }, date: day, minutes, narrative: "Care coordination call documented in the portal's own note." }];
  verdict.value = v;
}
form.addEventListener("input", push);
form.addEventListener("submit", (e) => e.preventDefault());
push();
