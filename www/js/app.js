// The page: four views (check a month, the panel worklist, capture consent, what-if revenue)
// switched by the URL hash.
import "../ccm-month-check.js";
import "../ccm-panel.js";
import { loadEngine } from "./engine.js";
import { ConsentView } from "./consent-view.js";
import { WhatIfView } from "./whatif-view.js";

const VIEWS = {
  check: { title: "Check a month" },
  panel: { title: "Panel worklist" },
  consent: { title: "Capture consent" },
  whatif: { title: "What-if revenue" },
};

const monthCheck = document.getElementById("month-check");
let consentView = null;
let whatIfView = null;

function currentView() {
  const v = location.hash.replace(/^#/, "");
  return VIEWS[v] ? v : "check";
}

async function show(view, { focus }) {
  for (const sec of document.querySelectorAll("main > section[data-view]")) sec.hidden = sec.dataset.view !== view;
  for (const a of document.querySelectorAll("[data-view-link]")) {
    if (a.dataset.viewLink === view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${VIEWS[view].title} · CCM month check`;
  document.body.dataset.view = view;
  if (view === "consent" && !consentView) {
    consentView = new ConsentView(document.getElementById("consent-root"), {
      engine: await loadEngine(),
      month: () => monthCheck.value,
      apply: (record, pin) => {
        monthCheck.applyConsent(record, { pin });
        location.hash = "#check";
      },
    });
  }
  if (view === "consent") consentView.refreshFromMonth();
  if (view === "whatif" && !whatIfView) {
    whatIfView = new WhatIfView(document.getElementById("whatif-root"), { engine: await loadEngine() });
  }
  if (focus) {
    window.scrollTo(0, 0);
    document.getElementById(`h-${view}`)?.focus({ preventScroll: true });
  }
}

window.addEventListener("hashchange", () => {
  // Other fragments (the skip link's #main) keep the current view.
  if (VIEWS[location.hash.replace(/^#/, "")]) show(currentView(), { focus: true });
});
show(currentView(), { focus: false });
