// <ccm-month-check>: the month check (intake form + live verdict) as a custom element.
//
//   <script type="module" src="/ccm/ccm-month-check.js"></script>
//   <ccm-month-check></ccm-month-check>
//
// API
//   el.value = monthInput      load a month (CONTRACT §2 MonthInput); el.value returns the current one
//   el.result                  the latest engine Result ({ ok, evaluation } or { ok: false, error })
//   el.ready                   promise: resolves once the engine is loaded
//   el.evaluate()              re-evaluate now; returns the Result
//   el.applyConsent(record, { pin = true })   put a captured consent record on the month (and pin it on the claim)
//   "input" event  (CustomEvent, detail: MonthInput) after every edit by the user
//   "result" event (CustomEvent, detail: Result) after every evaluation (edits, value set, import)
// Attributes
//   mode="verdict"             verdict only, no form: the host sets `value` from its own form
//   consent-href="#consent"    show a link to a consent-capture page in the consent section
//
// Everything runs in the browser: the engine is WebAssembly loaded from this script's own origin,
// and nothing is stored or sent anywhere. Import/export is by file or paste only. A FHIR R4
// Bundle imported (or pasted) instead of a month is read by the FHIR adapter's module (./pkg/fhir/,
// loaded only then, or when the verdict's "Prepare claim" is pressed), which also builds the
// claim export.
import { loadEngine, loadFhir } from "./js/engine.js";
import { FhirDialog, deriveOptions, isFhirResource, renderFhirPanel, sourceAnchors, sourceItems } from "./js/fhir-import.js";
import { ClaimExport } from "./js/claim-export.js";
import { MonthForm, todayIso } from "./js/month-form.js";
import { renderVerdict, findingNode, issueNode } from "./js/verdict.js";
import { h, download } from "./js/dom.js";
import { SAMPLE_MONTH } from "./js/sample.js";

/**
 * Once the page is idle, one evaluation of the sample month, answer discarded: V8 compiles a wasm
 * function on its first call, and the month's rule pack is parsed on first use, so the first
 * real verdict would otherwise pay ~5–20 ms for both (docs/performance.md, cold start). Nothing
 * leaves the page; a failure is ignored (the real evaluation reports its own).
 */
function warmUp(engine) {
  const run = () => safe(() => engine.evaluateJson(JSON.stringify(SAMPLE_MONTH)), null);
  if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 2000 });
  else setTimeout(run, 0);
}

const STYLE = new URL("./css/month-check.css", import.meta.url).href;

export class CcmMonthCheck extends HTMLElement {
  static observedAttributes = ["mode"];

  #engine = null;
  #form = null;
  #verdict = null;
  #result = null;
  #lastGood = null;
  #pendingValue = undefined;
  #ready;
  #readyResolve;
  #built = false;
  #packs = new Map(); // built-in pack id → the full pack (rulePack(id)), read once
  #fhirDialog = null;
  #fhirPanel = null; // the import details above the form
  #fhirImport = null; // { name, month, sources, problems, anchors } of the latest Bundle read, until another month replaces it
  #claim = null; // the verdict's claim export

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.#ready = new Promise((r) => (this.#readyResolve = r));
  }

  get ready() {
    return this.#ready;
  }

  get result() {
    return this.#result;
  }

  get value() {
    if (!this.#form) return this.#pendingValue === undefined ? undefined : structuredClone(this.#pendingValue);
    return this.#form.evalInput().input;
  }

  set value(v) {
    if (!this.#form) {
      this.#pendingValue = v;
      return;
    }
    this.#clearFhirImport();
    this.#form.setValue(v);
    this.evaluate();
  }

  connectedCallback() {
    if (this.#built) return;
    this.#built = true;
    // The engine's bytes are fetched and compiled off the main thread while the form is drawn
    // (the form needs the engine only for its pack picker and template list, filled in after).
    const engineLoaded = loadEngine();
    this.#build();
    this.#form.setValue(this.#pendingValue !== undefined ? this.#pendingValue : blankMonth());
    this.#pendingValue = undefined;
    engineLoaded
      .then((engine) => {
        this.#engine = engine;
        this.#form.useEngineData({ packs: safe(() => engine.rulePacks(), []), templates: safe(() => engine.consentTemplates(), []) });
        this.evaluate();
        this.shadowRoot.querySelector(".engine-version").textContent = `Engine ${safe(() => engine.version(), "")}`;
        this.#readyResolve(engine);
        warmUp(engine);
      })
      .catch((err) => {
        renderVerdict(this.#verdict, { ok: false, error: { code: "ENGINE_UNAVAILABLE", message: `The rules engine could not load: ${err.message}`, issues: [] } });
        this.#readyResolve(null);
      });
  }

  attributeChangedCallback() {
    this.shadowRoot.querySelector(".layout")?.classList.toggle("verdict-only", this.getAttribute("mode") === "verdict");
  }

  #build() {
    const root = this.shadowRoot;
    let claimHost;
    const formHost = h("div", { class: "form-host", role: "region", "aria-label": "Month details" });
    this.#verdict = h("div", { class: "verdict-body", "aria-live": "off" });
    const fileInput = h("input", { type: "file", accept: "application/json,application/fhir+json,.json", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (e) => this.#importFile(e.target) });
    const pasteArea = h("textarea", { id: "paste-json", rows: 14, spellcheck: "false", class: "mono" });
    const pasteErr = h("p", { class: "paste-error", role: "alert" });
    const dialog = h(
      "dialog",
      { class: "paste-dialog", "aria-labelledby": "paste-title" },
      h("h2", { id: "paste-title", text: "Paste month JSON" }),
      h("label", { for: "paste-json", text: "A MonthInput object (the same JSON that Export writes), or a FHIR R4 Bundle" }),
      pasteArea,
      pasteErr,
      h(
        "div",
        { class: "dialog-buttons" },
        h("button", { type: "button", class: "primary", text: "Load", onclick: () => this.#importText(pasteArea.value, pasteErr, dialog) }),
        h("button", { type: "button", text: "Cancel", onclick: () => dialog.close() }),
      ),
    );
    const toolbar = h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Month data" },
      h("button", { type: "button", text: "New month", onclick: () => this.#replace(blankMonth()) }),
      h("button", { type: "button", text: "Sample month", onclick: () => this.#replace(SAMPLE_MONTH) }),
      h("button", { type: "button", text: "Import file…", onclick: () => fileInput.click() }),
      h(
        "button",
        {
          type: "button",
          text: "Paste JSON…",
          onclick: () => {
            pasteArea.value = "";
            pasteErr.textContent = "";
            dialog.showModal();
            pasteArea.focus();
          },
        },
      ),
      h("button", { type: "button", text: "Export file", onclick: () => this.#export() }),
      h("button", { type: "button", text: "Copy JSON", onclick: (e) => this.#copy(e.target) }),
      fileInput,
    );
    root.append(
      h("link", { rel: "stylesheet", href: STYLE }),
      h(
        "div",
        { class: `layout${this.getAttribute("mode") === "verdict" ? " verdict-only" : ""}` },
        h("div", { class: "form-col" }, toolbar, h("p", { class: "privacy-note", text: "Nothing you enter leaves this browser or is saved. Export the month to keep it." }), (this.#fhirPanel = h("section", { class: "fhir-import", "aria-labelledby": "fhir-import-title", hidden: true })), formHost),
        h(
          "aside",
          { class: "verdict", "aria-labelledby": "verdict-title", tabindex: "0" },
          h("h2", { id: "verdict-title", text: "Verdict" }),
          this.#verdict,
          (claimHost = h("div", { class: "claim-export", role: "group" })),
          h("p", { class: "engine-version hint" }),
        ),
      ),
      dialog,
    );
    this.#claim = new ClaimExport(claimHost, { loadFhir });
    this.#fhirDialog = new FhirDialog(root, { onRead: (bundle, options, name) => this.#readBundle(bundle, options, name) });
    renderVerdict(this.#verdict, null);
    this.#form = new MonthForm(formHost, {
      onChange: () => this.#onUserEdit(),
      consentHref: this.getAttribute("consent-href"),
      apcmElements: (month) => this.#apcmElements(month),
    });
    // Native `input` events of the inner controls would leak out of the shadow root (they are
    // composed); the element's own `input` event, with the month as detail, replaces them.
    root.addEventListener("input", (e) => {
      if (!(e instanceof CustomEvent)) e.stopPropagation();
    });
  }

  /**
   * The rule pack a month is evaluated with: its pack object, the built-in pack it names, or the
   * built-in pack in effect for its service month (null before the engine loads).
   */
  #packFor(month) {
    const rp = month?.rulePack;
    if (rp && typeof rp === "object" && !Array.isArray(rp)) return rp;
    if (!this.#engine) return null;
    let id = typeof rp === "string" && rp ? rp : null;
    if (!id) {
      const day = `${String(month?.serviceMonth ?? "").slice(0, 7)}-01`;
      const infos = this.#form?.opts.packs ?? [];
      id = (infos.find((p) => p.effectiveFrom <= day && (!p.effectiveTo || day <= p.effectiveTo)) ?? infos.findLast((p) => p.status !== "provisional"))?.id ?? null;
    }
    if (!id) return null;
    if (!this.#packs.has(id)) this.#packs.set(id, safe(() => this.#engine.rulePack(id), null));
    return this.#packs.get(id);
  }

  /** The APCM service element ids of the month's pack (`programs.apcm.elements`), or null. */
  #apcmElements(month) {
    const list = this.#packFor(month)?.programs?.apcm?.elements;
    return Array.isArray(list) ? list.filter((x) => typeof x === "string") : null;
  }

  #onUserEdit() {
    this.evaluate();
    this.dispatchEvent(new CustomEvent("input", { detail: this.value, bubbles: true, composed: true }));
  }

  #replace(v) {
    this.#clearFhirImport();
    this.#form.setValue(v);
    this.#onUserEdit();
  }

  /** Reads a FHIR Bundle with the dialog's options: null when the form holds its month, else the adapter's error. */
  async #readBundle(bundle, options, name) {
    const fhir = await loadFhir();
    const r = fhir.fromFhir(bundle, options);
    if (!r.ok) return r.error;
    this.#form.setValue(r.month);
    this.#fhirImport = { name, month: r.month, sources: r.sources, problems: r.problems, anchors: sourceAnchors(this.#form.state, r.sources) };
    renderFhirPanel(this.#fhirPanel, this.#fhirImport, { onHide: () => this.#clearFhirImport(true) });
    this.#claim.activate(fhir);
    this.#onUserEdit();
    return null;
  }

  #clearFhirImport(reevaluate = false) {
    if (!this.#fhirImport) return;
    this.#fhirImport = null;
    this.#fhirPanel.hidden = true;
    this.#fhirPanel.replaceChildren();
    if (reevaluate) this.evaluate();
  }

  /** Re-evaluates the current month and shows the verdict. */
  evaluate() {
    if (!this.#engine || !this.#form) return null;
    const { input, maps, notes } = this.#form.evalInput();
    const t0 = performance.now();
    const result = this.#engine.evaluate(input);
    const ms = performance.now() - t0;
    // For docs/performance.md (bench/first-verdict.mjs): when the first verdict was ready.
    if (!performance.getEntriesByName("ccm-first-verdict").length) performance.mark("ccm-first-verdict");
    this.#result = result;
    const remap = (p) => remapPath(p, maps);
    const onJump = (p) => this.#form.focusPath(remap(p));
    // After a Bundle import: "Source: Condition/c1" beside each field it filled (first in each place).
    const sources = this.#fhirImport ? sourceItems(this.#form.state, this.#fhirImport.anchors) : [];
    let apcmMissing = null;
    if (result.ok) {
      this.#lastGood = result.evaluation;
      const items = result.evaluation.findings.map((f) => ({ path: remap(f.path ?? ""), severity: f.severity, node: findingNode(f, { compact: true }) }));
      items.push(...programItems(result.evaluation, remap));
      const apcm = result.evaluation.programs?.find((p) => p.program === "apcm");
      if (apcm?.blockedBy.includes("APCM_ELEMENTS_NOT_ATTESTED")) {
        const attested = Array.isArray(input.apcm?.elementsAttested) ? input.apcm.elementsAttested : [];
        apcmMissing = (this.#apcmElements(input) ?? []).filter((x) => !attested.includes(x));
      }
      for (const n of notes) items.push({ path: n.path, severity: "note", node: h("div", { class: "finding sev-note" }, h("span", { class: "sev", text: "Note" }), " ", n.text) });
      this.#form.showMessages([...sources, ...items]);
    } else {
      const issues = result.error?.issues ?? [];
      const items = issues.map((i) => ({ path: remap(i.path ?? ""), severity: "issue", node: issueNode(i, result.error.code) }));
      if (!issues.length) items.push({ path: "", severity: "issue", node: issueNode({ path: "", message: result.error?.message ?? "" }, result.error?.code) });
      this.#form.showMessages([...sources, ...items]);
    }
    const localityName = (id) => this.#form.localities?.byId.get(id)?.name ?? null;
    renderVerdict(this.#verdict, result, { ms, notes, lastGood: result.ok ? null : this.#lastGood, onJump, localityName, apcmMissing });
    this.#claim.update(input, result);
    this.dispatchEvent(new CustomEvent("result", { detail: result, bubbles: true, composed: true }));
    return result;
  }

  /** Puts a captured consent record on the month; with `pin`, the claim pins its version and hash. */
  applyConsent(record, { pin = true } = {}) {
    const v = this.#form ? this.#form.getValue() : structuredClone(this.#pendingValue ?? blankMonth());
    v.consent = structuredClone(record);
    if (pin) v.claim = { ...(v.claim ?? {}), consentVersion: record.version, consentTextSha256: record.textSha256 };
    if (!v.billingPractitioner?.id && record.practitionerId) v.billingPractitioner = { ...(v.billingPractitioner ?? {}), id: record.practitionerId };
    if (!this.#form) {
      this.#pendingValue = v;
      return;
    }
    this.#replace(v);
  }

  #importText(text, errEl, dialog, name = "the pasted JSON") {
    let v;
    try {
      v = JSON.parse(text);
    } catch (e) {
      errEl.textContent = `Not valid JSON: ${e.message}`;
      return false;
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) {
      errEl.textContent = "Expected one JSON object (a month or a FHIR Bundle), not a list or a value.";
      return false;
    }
    if (isFhirResource(v) && v.resourceType !== "Bundle") {
      errEl.textContent = `This is a FHIR ${v.resourceType} resource, not a Bundle: import the patient's month as a FHIR R4 Bundle (searchset, collection or transaction), or a month.`;
      return false;
    }
    dialog?.close();
    if (isFhirResource(v)) {
      // A FHIR Bundle: ask for the adapter's options, then read it.
      this.#fhirDialog.open({ bundle: v, name, derived: deriveOptions(v, this.value) });
      return true;
    }
    this.#replace(v);
    return true;
  }

  async #importFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const text = await file.text();
    const err = this.shadowRoot.querySelector(".paste-error");
    if (!this.#importText(text, err, null, file.name)) {
      this.shadowRoot.querySelector("#paste-json").value = text;
      this.shadowRoot.querySelector(".paste-dialog").showModal();
    }
  }

  #export() {
    const v = this.value;
    const name = `ccm-month-${v.serviceMonth || "unknown"}${v.patient?.ref ? `-${String(v.patient.ref).replace(/[^A-Za-z0-9_-]/g, "")}` : ""}.json`;
    download(name, JSON.stringify(v, null, 2) + "\n");
  }

  async #copy(btn) {
    try {
      await navigator.clipboard.writeText(JSON.stringify(this.value, null, 2));
      btn.textContent = "Copied";
    } catch {
      btn.textContent = "Copy failed";
    }
    setTimeout(() => (btn.textContent = "Copy JSON"), 1500);
  }
}

/**
 * PCM's and APCM's own findings (CONTRACT §10: not in the evaluation's `findings`) that name a
 * field, for the messages beside it: one per code and path, marked with the programs it concerns,
 * and none that CCM's findings already show there.
 */
function programItems(e, remap) {
  const shown = new Set(e.findings.map((f) => `${f.code} ${f.path ?? ""}`));
  const byKey = new Map();
  for (const p of e.programs ?? []) {
    for (const f of p.findings ?? []) {
      const key = `${f.code} ${f.path ?? ""}`;
      if (!f.path || shown.has(key)) continue;
      if (byKey.has(key)) byKey.get(key).programs.push(p.program);
      else byKey.set(key, { f, programs: [p.program] });
    }
  }
  return [...byKey.values()].map(({ f, programs }) => ({ path: remap(f.path), severity: f.severity, node: findingNode(f, { compact: true, programs }) }));
}

/** Maps a path of the evaluated input (blank rows left out) back to the form's rows. */
export function remapPath(path, maps) {
  if (!path) return path ?? "";
  for (const [key, kept] of Object.entries(maps)) {
    const prefix = `${key}[`;
    if (path.startsWith(prefix)) {
      const m = path.slice(prefix.length).match(/^(\d+)\]/);
      if (m && kept[Number(m[1])] !== undefined) return `${prefix}${kept[Number(m[1])]}]${path.slice(prefix.length + m[0].length)}`;
    }
  }
  return path;
}

function blankMonth() {
  const today = todayIso();
  return { serviceMonth: today.slice(0, 7), asOf: today, billingPractitioner: {} };
}

function safe(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

if (!customElements.get("ccm-month-check")) customElements.define("ccm-month-check", CcmMonthCheck);
