// <ccm-panel>: the care manager's day — a panel of patient-months as a worklist, with the month
// check for one row and an audit summary to print, and the worklist and billing reports as CSV.
//
//   <script type="module" src="/ccm/ccm-panel.js"></script>
//   <ccm-panel></ccm-panel>
//
// API
//   await el.load(files)        File objects (a panel file, several, a folder's files, a .zip) or
//                               [{ name, text }]; resolves with the rows once every month is checked
//   await el.loadText(text, name = "panel.jsonl")
//   el.rows                     the rows (one per patient-month, in panel order; see panel-core.js)
//   el.options / el.options = { asOf, pace: [w1, w2, w3, end], dateOfService }   re-checks the panel
//   await el.csv("worklist" | "billing")   the reports' CSV text (what the buttons download)
//   await el.exportText()       the panel's months and Results as one JSON file (what Export saves)
//   el.timings                  { firstRows, allRows } in ms from the start of the last load
//   "progress" event (detail { done, total }), "load" event (detail { total, ms, firstRows, allRows }),
//   "open" event (detail { index, row }) when a row is opened in the month check
//
// The months are evaluated in a Web Worker (js/panel-worker.js) with the same WebAssembly engine;
// nothing is stored or sent. Closing the page forgets the panel: Export panel saves it.
import "./ccm-month-check.js";
import { h, clear, download } from "./js/dom.js";
import { DEFAULT_OPTIONS, normalizeOptions, validDate } from "./js/panel-core.js";
import { VirtualList, dollars } from "./js/panel-list.js";
import { renderAudit } from "./js/audit.js";
import { samplePanel } from "./js/sample-panel.js";

const STYLES = ["./css/month-check.css", "./css/panel.css"].map((p) => new URL(p, import.meta.url).href);
const WORKER = new URL("./js/panel-worker.js", import.meta.url);

const FILTERS = {
  all: { label: "All patient-months", test: () => true },
  billable: { label: "Billable", test: (r) => r.status === "billable" },
  blocked: { label: "Blocked", test: (r) => r.status === "blocked" },
  below: { label: "Below threshold", test: (r) => r.status === "below_threshold" },
  close: { label: "Close to the next code", test: (r, o) => r.minutesToNext !== null && r.minutesToNext <= o.closeMinutes },
  behind: { label: "Behind pace", test: (r) => r.pace === "behind" },
  due: { label: "Something due in 30 days", test: (r) => r.due.length > 0 },
  invalid: { label: "Cannot check (data problems)", test: (r) => r.status === "invalid" },
};

const STATUS_RANK = { blocked: 0, below_threshold: 1, billable: 2, invalid: 3 };
const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
const last = (x) => (x === null || x === undefined ? Infinity : x);
const SORTS = {
  n: { label: "Panel order", key: (r) => r.n },
  ref: { label: "Patient reference", cmp: (a, b) => collator.compare(a.ref, b.ref) || a.n - b.n },
  month: { label: "Service month", cmp: (a, b) => collator.compare(a.serviceMonth, b.serviceMonth) || collator.compare(a.ref, b.ref) },
  status: { label: "Status (blocked first)", key: (r) => STATUS_RANK[r.status] ?? 9 },
  program: { label: "Program", cmp: (a, b) => collator.compare(`${a.program} ${a.track}`, `${b.program} ${b.track}`) || a.n - b.n },
  allowed: { label: "Amount (allowed, or once fixed)", key: (r) => -(r.status === "billable" ? r.allowed : r.supportedAllowed) },
  minutes: { label: "Minutes counted", key: (r) => last(r.minutes) },
  next: { label: "Minutes to the next code", key: (r) => last(r.minutesToNext) },
  days: { label: "Days left", key: (r) => last(r.daysLeft) },
  pace: { label: "Pace (most behind first)", key: (r) => (r.pace ? r.minutes - r.paceTarget : Infinity) },
  due: { label: "Things due (most first)", key: (r) => -r.due.length },
};

export class CcmPanel extends HTMLElement {
  #worker = null;
  #rows = [];
  #order = [];
  #loadId = 0;
  #req = 0;
  #pending = new Map();
  #loading = null; // { id, resolve, reject, t0 }
  #options = normalizeOptions(DEFAULT_OPTIONS);
  #view = { filter: "all", search: "", sort: { key: "n", dir: 1 }, closeMinutes: 5 };
  #list = null;
  #els = {};
  #openIndex = -1;
  #dirty = false;
  #unsaved = new Set(); // indices edited since the last export
  #timings = { firstRows: null, allRows: null };
  #built = false;
  #loads = 0;
  #announceTimer = 0;
  #media = null;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  get rows() {
    return this.#rows.slice();
  }

  get options() {
    return structuredClone(this.#options);
  }

  set options(o) {
    this.#options = normalizeOptions({ ...this.#options, ...o });
    this.#fillOptions();
    this.#rerun();
  }

  get timings() {
    return { ...this.#timings };
  }

  connectedCallback() {
    if (this.#built) return;
    this.#built = true;
    this.#build();
    // Start the worker and its engine once the panel is first on screen, so the first panel's
    // rows do not wait for the WebAssembly to compile (a page that never shows it never pays).
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      this.#ensureWorker().postMessage({ type: "warm" });
    });
    seen.observe(this);
    window.addEventListener("beforeunload", (e) => {
      if (!this.#unsaved.size) return;
      e.preventDefault();
      e.returnValue = "";
    });
  }

  // ---- worker ----

  #ensureWorker() {
    if (this.#worker) return this.#worker;
    this.#worker = new Worker(WORKER, { type: "module", name: "ccm-panel" });
    this.#worker.onmessage = (e) => this.#onMessage(e.data);
    this.#worker.onerror = (e) => this.#failed(`The panel's worker stopped: ${e.message ?? "unknown error"}`);
    return this.#worker;
  }

  #ask(msg) {
    const req = ++this.#req;
    return new Promise((resolve) => {
      this.#pending.set(req, resolve);
      this.#ensureWorker().postMessage({ ...msg, req });
    });
  }

  #onMessage(m) {
    if (m.type === "reply") {
      const resolve = this.#pending.get(m.req);
      this.#pending.delete(m.req);
      return resolve?.(m);
    }
    if (m.id !== this.#loadId) return undefined;
    if (m.type === "progress") {
      this.#progress(m.done, m.total);
      this.dispatchEvent(new CustomEvent("progress", { detail: { done: m.done, total: m.total } }));
    } else if (m.type === "rows") {
      if (m.start === 0) this.#rows = [];
      for (let k = 0; k < m.rows.length; k++) this.#rows[m.start + k] = m.rows[k];
      // The first rows at once; later batches at most every 250 ms (a refresh sorts and filters all).
      if (m.start === 0) this.#refresh({ keepScroll: false });
      else this.#refreshSoon();
      if (this.#timings.firstRows === null && this.#loading) {
        this.#timings.firstRows = performance.now() - this.#loading.t0;
        this.dataset.firstRows = String(Math.round(this.#timings.firstRows));
      }
    } else if (m.type === "done") {
      clearTimeout(this.#soon);
      this.#soon = 0;
      this.#rows.length = m.total;
      this.#refresh({ keepScroll: true });
      const ms = this.#loading ? performance.now() - this.#loading.t0 : m.ms;
      this.#timings.allRows = ms;
      this.dataset.allRows = String(Math.round(ms));
      this.#progressDone(m.total, ms, m.notes ?? []);
      this.dataset.state = "done";
      this.dataset.loaded = String(++this.#loads);
      const loading = this.#loading;
      this.#loading = null;
      loading?.resolve(this.rows);
      this.dispatchEvent(new CustomEvent("load", { detail: { total: m.total, ms, ...this.#timings } }));
    } else if (m.type === "failed") {
      this.#failed(m.message);
    }
    return undefined;
  }

  #failed(message) {
    this.dataset.state = "failed";
    const { status } = this.#els;
    clear(status).append(h("p", { class: "load-error", role: "alert", text: `The panel could not be read: ${message}` }));
    const loading = this.#loading;
    this.#loading = null;
    loading?.reject(new Error(message));
  }

  // ---- loading ----

  /** Loads a panel: File objects (a folder's files, a .zip) or [{ name, text }]. */
  load(files, { fromFolder = false } = {}) {
    const list = [...files].map((f) => (typeof f.text === "string" ? { name: f.name, text: f.text } : { name: fromFolder ? relativePath(f) : f.name, file: f }));
    if (this.#openIndex >= 0) this.#showList();
    this.#unsaved.clear();
    this.#rows = [];
    this.#order = [];
    this.#timings = { firstRows: null, allRows: null };
    delete this.dataset.firstRows;
    delete this.dataset.allRows;
    this.dataset.state = "loading";
    this.#els.exports.hidden = false;
    const id = ++this.#loadId;
    this.#loading?.reject(new Error("replaced by another panel"));
    const names = list.map((f) => f.name);
    this.#els.fileName.textContent = names.length === 1 ? names[0] : `${names.length} files${fromFolder ? " from a folder" : ""}`;
    this.#progress(0, 0);
    this.#refresh({ keepScroll: false });
    const done = new Promise((resolve, reject) => (this.#loading = { id, resolve, reject, t0: performance.now() }));
    done.catch(() => {});
    this.#ensureWorker().postMessage({ type: "load", id, files: list, options: this.#options, fromFolder });
    return done;
  }

  loadText(text, name = "panel.jsonl") {
    return this.load([{ name, text }]);
  }

  #rerun() {
    if (!this.#worker || !this.#rows.length) return;
    const id = ++this.#loadId;
    this.dataset.state = "loading";
    this.#loading = { id, resolve: () => {}, reject: () => {}, t0: performance.now() };
    this.#timings = { firstRows: null, allRows: null };
    this.#worker.postMessage({ type: "options", id, options: this.#options });
  }

  async csv(kind) {
    return (await this.#ask({ type: "csv", kind })).text;
  }

  async exportText() {
    return (await this.#ask({ type: "export" })).text;
  }

  // ---- building the UI ----

  #build() {
    const root = this.shadowRoot;
    const e = this.#els;
    const fileInput = h("input", { type: "file", multiple: true, accept: ".json,.jsonl,.ndjson,.zip,application/json,application/zip", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (ev) => this.#picked(ev.target, false) });
    const folderInput = h("input", { type: "file", webkitdirectory: true, multiple: true, class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (ev) => this.#picked(ev.target, true) });
    e.fileName = h("span", { class: "file-name" });
    e.unsavedNote = h("p", { class: "unsaved", role: "status", hidden: true });
    e.exports = h(
      "div",
      { class: "group", role: "group", "aria-label": "Reports and export", hidden: true },
      h("button", { type: "button", text: "Worklist CSV", onclick: () => this.#downloadCsv("worklist") }),
      h("button", { type: "button", text: "Billing CSV", onclick: () => this.#downloadCsv("billing") }),
      h("button", { type: "button", class: "primary", text: "Export panel", onclick: () => this.#exportPanel() }),
    );
    const toolbar = h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Panel" },
      h("div", { class: "group" },
        h("button", { type: "button", text: "Open panel file…", onclick: () => fileInput.click() }),
        h("button", { type: "button", text: "Open folder…", onclick: () => folderInput.click() }),
        h("button", { type: "button", text: "Sample panel", onclick: () => this.loadText(samplePanel().map((m) => JSON.stringify(m)).join("\n") + "\n", "sample-panel.jsonl") }),
      ),
      e.exports,
      fileInput,
      folderInput,
    );
    e.options = this.#optionsForm();
    e.progressBar = h("progress", { max: "1", value: "0", "aria-label": "Months checked" });
    e.status = h("div", { class: "load-status", role: "status" });
    e.summary = h("div", { class: "panel-summary" });
    e.search = h("input", { type: "search", id: "p-search", autocomplete: "off", spellcheck: "false", oninput: (ev) => this.#setView({ search: ev.target.value }) });
    e.filter = h("select", { id: "p-filter", onchange: (ev) => this.#setView({ filter: ev.target.value }) }, Object.entries(FILTERS).map(([k, f]) => h("option", { value: k, text: f.label })));
    e.sort = h("select", { id: "p-sort", onchange: (ev) => this.#setView({ sort: { key: ev.target.value, dir: 1 } }) }, Object.entries(SORTS).map(([k, s]) => h("option", { value: k, text: s.label })));
    e.sortDir = h("button", { type: "button", class: "small", "aria-label": "Reverse the order", "aria-pressed": "false", text: "⇅ Reverse", onclick: () => this.#setView({ sort: { ...this.#view.sort, dir: -this.#view.sort.dir } }) });
    e.shown = h("p", { class: "shown", role: "status", "aria-live": "polite" });
    const controls = h(
      "div",
      { class: "controls", role: "search", "aria-label": "Find patient-months" },
      h("div", { class: "field" }, h("label", { for: "p-search", text: "Search by reference" }), e.search),
      h("div", { class: "field" }, h("label", { for: "p-filter", text: "Show" }), e.filter),
      h("div", { class: "field" }, h("label", { for: "p-sort", text: "Sort by" }), h("div", { class: "with-button" }, e.sort, e.sortDir)),
    );
    e.listHost = h("div", { class: "worklist" });
    e.empty = h("p", { class: "empty", text: "Open a panel file (JSON Lines of months, a JSON array, a folder or a .zip of month files), or the sample panel." });
    e.main = h("section", { class: "panel-main", "aria-label": "Worklist" }, toolbar, h("p", { class: "privacy-note" }, "Everything is checked in this browser; nothing is sent or saved. Closing the page forgets the panel and any edits: ", h("strong", { text: "Export panel" }), " saves its months and decisions."), e.unsavedNote, h("p", { class: "file-line" }, e.fileName), e.options, h("div", { class: "progress-line" }, e.progressBar, e.status), e.summary, controls, e.shown, e.empty, e.listHost);

    e.detailTitle = h("h2", { id: "p-detail-title", tabindex: "-1" });
    e.detailNote = h("p", { class: "detail-note" });
    e.check = document.createElement("ccm-month-check");
    e.check.addEventListener("input", () => (this.#dirty = true));
    e.detail = h(
      "section",
      { class: "panel-detail", "aria-labelledby": "p-detail-title", hidden: true },
      h("div", { class: "detail-bar" }, h("button", { type: "button", class: "primary", text: "← Back to the panel", onclick: () => this.#back() }), h("button", { type: "button", text: "Audit summary", onclick: () => this.#auditFromDetail() })),
      e.detailTitle,
      e.detailNote,
      e.check,
    );

    e.auditHost = h("div", { class: "audit-host" });
    e.audit = h(
      "section",
      { class: "panel-audit", "aria-label": "Audit summary", hidden: true },
      h("div", { class: "audit-bar" }, h("button", { type: "button", text: "← Back", onclick: () => this.#closeAudit() }), h("button", { type: "button", class: "primary", text: "Print or save as PDF", onclick: () => window.print() }), h("span", { class: "hint", text: "Prints only this summary." })),
      e.auditHost,
    );

    root.append(...STYLES.map((href) => h("link", { rel: "stylesheet", href })), e.main, e.detail, e.audit);
    this.#list = new VirtualList(e.listHost, {
      label: "Worklist",
      onOpen: (i) => this.#open(i),
      onAudit: (i) => this.#openAudit(i, null),
      onSort: (key) => this.#setView({ sort: { key, dir: this.#view.sort.key === key ? -this.#view.sort.dir : 1 } }),
    });
    this.#media = window.matchMedia("(max-width: 700px)");
    const mode = () => this.#list.setMode(this.#media.matches ? "list" : "table");
    this.#media.addEventListener("change", mode);
    mode();
    this.#refresh({ keepScroll: false });
  }

  #optionsForm() {
    const e = this.#els;
    const num = (id, label) => h("div", { class: "field" }, h("label", { for: id, text: label }), h("input", { type: "number", id, min: "0", max: "10000", step: "1", inputmode: "numeric" }));
    e.optError = h("p", { class: "opt-error", role: "alert" });
    const form = h(
      "details",
      { class: "options" },
      h("summary", { text: "Options: as-of date, weekly pace targets, date of service" }),
      h(
        "form",
        { novalidate: true, onsubmit: (ev) => ev.preventDefault(), onchange: () => this.#readOptions() },
        h("div", { class: "grid" },
          h(
            "div",
            { class: "field" },
            h("label", { for: "p-asof", text: "As of (for months without their own)" }),
            h("div", { class: "with-button" }, h("input", { type: "date", id: "p-asof", "aria-describedby": "p-asof-hint" }), h("button", { type: "button", class: "small", text: "Today", "aria-label": "As of today", onclick: () => ((this.shadowRoot.getElementById("p-asof").value = today()), this.#readOptions()) })),
            h("span", { class: "hint", id: "p-asof-hint", text: "Empty: each month's own as-of date, else its last day. For this month's progress, today." }),
          ),
          h("div", { class: "field" }, h("label", { for: "p-dos", text: "Date of service (billing CSV)" }), h("select", { id: "p-dos" }, h("option", { value: "month-end", text: "Last day of the service month" }), h("option", { value: "threshold", text: "Day the time threshold was met" }))),
          h("div", { class: "field" }, h("label", { for: "p-close", text: "“Close to the next code”: within (minutes)" }), h("input", { type: "number", id: "p-close", min: "1", max: "60", step: "1", value: "5" })),
        ),
        h("fieldset", { class: "pace" },
          h("legend", { text: "Pace: minutes expected by the end of…" }),
          h("div", { class: "grid" }, num("p-pace-0", "Week 1 (day 7)"), num("p-pace-1", "Week 2 (day 14)"), num("p-pace-2", "Week 3 (day 21)"), num("p-pace-3", "Month end")),
        ),
        e.optError,
      ),
    );
    e.optionsForm = form;
    queueMicrotask(() => this.#fillOptions());
    return form;
  }

  #fillOptions() {
    const r = this.shadowRoot;
    if (!r.getElementById("p-asof")) return;
    r.getElementById("p-asof").value = this.#options.asOf;
    r.getElementById("p-dos").value = this.#options.dateOfService;
    this.#options.pace.forEach((x, i) => (r.getElementById(`p-pace-${i}`).value = String(x)));
  }

  #readOptions() {
    const r = this.shadowRoot;
    this.#view.closeMinutes = Math.max(1, Number(r.getElementById("p-close").value) || 5);
    const asOf = r.getElementById("p-asof").value;
    try {
      if (asOf && !validDate(asOf)) throw new Error("as-of date: pick a date");
      const next = normalizeOptions({ asOf, dateOfService: r.getElementById("p-dos").value, pace: [0, 1, 2, 3].map((i) => Number(r.getElementById(`p-pace-${i}`).value)) });
      this.#els.optError.textContent = "";
      const changed = JSON.stringify(next) !== JSON.stringify(this.#options);
      this.#options = next;
      if (changed) this.#rerun();
    } catch (err) {
      this.#els.optError.textContent = `Not applied: ${err.message}.`;
    }
    this.#refresh({ keepScroll: true });
  }

  #picked(input, fromFolder) {
    const files = [...(input.files ?? [])];
    input.value = "";
    if (files.length) this.load(files, { fromFolder });
  }

  // ---- rows on screen ----

  #setView(v) {
    Object.assign(this.#view, v);
    if (v.sort) this.#els.sort.value = this.#view.sort.key;
    this.#els.sortDir.setAttribute("aria-pressed", String(this.#view.sort.dir < 0));
    this.#refresh({ keepScroll: false });
  }

  #soon = 0;

  #refreshSoon() {
    if (this.#soon) return;
    this.#soon = setTimeout(() => {
      this.#soon = 0;
      this.#refresh({ keepScroll: true });
    }, 250);
  }

  #refresh({ keepScroll }) {
    const { filter, search, sort } = this.#view;
    const q = search.trim().toLowerCase();
    const f = FILTERS[filter] ?? FILTERS.all;
    const order = [];
    for (let i = 0; i < this.#rows.length; i++) {
      const r = this.#rows[i];
      if (!r) continue;
      if (q && !r.ref.toLowerCase().includes(q)) continue;
      if (!f.test(r, this.#view)) continue;
      order.push(i);
    }
    const s = SORTS[sort.key] ?? SORTS.n;
    const rows = this.#rows;
    const cmp = s.cmp ? (a, b) => s.cmp(rows[a], rows[b]) : (a, b) => s.key(rows[a]) - s.key(rows[b]) || rows[a].n - rows[b].n;
    order.sort(sort.dir > 0 ? cmp : (a, b) => cmp(b, a));
    this.#order = order;
    // Scroll before the rows change (reading or setting it after would force a layout).
    if (!keepScroll) this.#list.scrollTop = 0;
    this.#list.set(this.#rows, order, sort);
    this.#els.empty.hidden = this.#rows.length > 0 || this.dataset.state === "loading";
    this.#els.listHost.hidden = this.#rows.length === 0;
    this.#summary();
    clearTimeout(this.#announceTimer);
    this.#announceTimer = setTimeout(() => {
      const n = this.#rows.filter(Boolean).length;
      this.#els.shown.textContent = n ? `Showing ${order.length.toLocaleString("en-US")} of ${n.toLocaleString("en-US")} patient-months.` : "";
    }, this.dataset.state === "loading" ? 600 : 120);
  }

  #summary() {
    const rows = this.#rows.filter(Boolean);
    const el = clear(this.#els.summary);
    if (!rows.length) return;
    const c = { billable: 0, blocked: 0, below_threshold: 0, invalid: 0, behind: 0, due: 0, close: 0, allowed: 0, atStake: 0 };
    for (const r of rows) {
      c[r.status] = (c[r.status] ?? 0) + 1;
      if (r.pace === "behind") c.behind++;
      if (r.due.length) c.due++;
      if (FILTERS.close.test(r, this.#view)) c.close++;
      if (r.status === "billable") c.allowed += r.allowed;
      if (r.status === "blocked") c.atStake += r.supportedAllowed;
    }
    const item = (filter, label, value, extra) =>
      h("li", {}, h("button", { type: "button", class: "count", dataset: { filter }, "aria-pressed": String(this.#view.filter === filter), onclick: () => this.#pickFilter(filter) }, h("strong", { text: value.toLocaleString("en-US") }), ` ${label}`, extra ? h("span", { class: "extra", text: ` ${extra}` }) : null));
    el.append(
      h("ul", { class: "counts", "aria-label": "The panel at a glance (each one filters the worklist)" },
        item("all", "patient-months", rows.length),
        item("billable", "billable", c.billable, dollars(c.allowed)),
        item("blocked", "blocked", c.blocked, c.atStake ? `${dollars(c.atStake)} once fixed` : null),
        item("below", "below threshold", c.below_threshold),
        item("close", `within ${this.#view.closeMinutes} min of a code`, c.close),
        item("behind", "behind pace", c.behind),
        item("due", "with something due in 30 days", c.due),
        c.invalid ? item("invalid", "cannot be checked", c.invalid) : null,
      ),
    );
  }

  #pickFilter(filter) {
    this.#els.filter.value = filter;
    this.#setView({ filter });
  }

  #progress(done, total) {
    const { progressBar, status } = this.#els;
    progressBar.hidden = false;
    progressBar.max = Math.max(total, 1);
    progressBar.value = done;
    status.textContent = total ? `Checking months: ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}…` : "Reading the panel…";
  }

  #progressDone(total, ms, notes) {
    const { progressBar, status } = this.#els;
    progressBar.max = Math.max(total, 1);
    progressBar.value = total;
    progressBar.hidden = true;
    clear(status).append(
      h("span", { text: total ? `${total.toLocaleString("en-US")} patient-month${total === 1 ? "" : "s"} checked in ${(ms / 1000).toFixed(1)} s.` : "No months found in the panel." }),
      ...notes.map((n) => h("span", { class: "note", text: ` ${n}.` })),
    );
  }

  // ---- one row: the month check, the audit summary ----

  #showList() {
    const e = this.#els;
    e.detail.hidden = true;
    e.audit.hidden = true;
    e.main.hidden = false;
    this.removeAttribute("view");
  }

  async #open(i) {
    const e = this.#els;
    const { text, row } = await this.#ask({ type: "get", index: i });
    let month;
    try {
      month = JSON.parse(text);
    } catch {
      month = null;
    }
    this.#openIndex = i;
    this.#dirty = false;
    this.#scrollBefore = this.#list.scrollTop;
    e.detailTitle.textContent = `${row.ref || "(no reference)"} · ${row.serviceMonth || "month unknown"}`;
    const isMonth = month && typeof month === "object" && !Array.isArray(month) && typeof month.resourceType !== "string";
    e.detailNote.textContent = isMonth
      ? `From ${row.source}. Edits here update the panel's row when you go back; export the panel to keep them.`
      : month?.resourceType === "Bundle"
        ? `From ${row.source}: a FHIR Bundle that could not be read into a month (${row.blockingWords}), so it cannot be opened. Fix it in the file.`
        : `From ${row.source}: this entry is not a month (not a JSON object), so it cannot be opened. Fix it in the file.`;
    e.check.hidden = !isMonth;
    if (!e.check.hidden) e.check.value = month;
    e.main.hidden = true;
    e.audit.hidden = true;
    e.detail.hidden = false;
    this.setAttribute("view", "month");
    e.detailTitle.focus();
    this.dispatchEvent(new CustomEvent("open", { detail: { index: i, row } }));
  }

  #scrollBefore = 0;

  async #applyEdits() {
    const i = this.#openIndex;
    if (i < 0 || !this.#dirty) return;
    this.#dirty = false;
    const { row } = await this.#ask({ type: "update", index: i, text: JSON.stringify(this.#els.check.value) });
    this.#rows[i] = row;
    this.#unsaved.add(i);
    this.#showUnsaved();
  }

  async #back() {
    const i = this.#openIndex;
    await this.#applyEdits();
    this.#openIndex = -1;
    this.#showList();
    this.#refresh({ keepScroll: false });
    this.#list.scrollTop = this.#scrollBefore;
    if (!this.#list.focusRow(i, "open", true)) this.#els.search.focus();
  }

  async #auditFromDetail() {
    await this.#applyEdits();
    this.#openAudit(this.#openIndex, "month");
  }

  async #openAudit(i, from) {
    const e = this.#els;
    const { text, result, row } = await this.#ask({ type: "get", index: i });
    let month = null;
    try {
      month = JSON.parse(text);
    } catch {}
    if (from !== "month") {
      this.#openIndex = i;
      this.#scrollBefore = this.#list.scrollTop;
    }
    this.#auditFrom = from;
    clear(e.auditHost).append(renderAudit({ month, result, row, options: this.#options, printedOn: today() }));
    e.main.hidden = true;
    e.detail.hidden = true;
    e.audit.hidden = false;
    this.setAttribute("view", "audit");
    e.auditHost.querySelector("#audit-title")?.focus();
  }

  #auditFrom = null;

  #closeAudit() {
    const e = this.#els;
    if (this.#auditFrom === "month") {
      e.audit.hidden = true;
      e.detail.hidden = false;
      this.setAttribute("view", "month");
      e.detailTitle.focus();
      return;
    }
    const i = this.#openIndex;
    this.#openIndex = -1;
    this.#showList();
    this.#list.scrollTop = this.#scrollBefore;
    this.#list.focusRow(i, "audit", true);
  }

  // ---- reports and export ----

  async #downloadCsv(kind) {
    download(kind === "billing" ? "ccm-billing.csv" : "ccm-worklist.csv", await this.csv(kind), "text/csv");
  }

  async #exportPanel() {
    download(`ccm-panel-${today()}.json`, await this.exportText());
    this.#unsaved.clear();
    this.#showUnsaved();
  }

  #showUnsaved() {
    const n = this.#unsaved.size;
    this.#els.unsavedNote.hidden = n === 0;
    this.#els.unsavedNote.textContent = n ? `${n} month${n === 1 ? "" : "s"} edited here and not exported yet: Export panel saves them (closing the page would lose them).` : "";
    this.toggleAttribute("unsaved", n > 0);
  }
}

/** A folder's file path relative to the folder picked ("panel/b/c.json" → "b/c.json"). */
function relativePath(f) {
  const p = f.webkitRelativePath || f.name;
  return p.includes("/") ? p.slice(p.indexOf("/") + 1) : p;
}

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

if (!customElements.get("ccm-panel")) customElements.define("ccm-panel", CcmPanel);
