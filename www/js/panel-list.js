// The worklist's rows, virtualized: only the rows in view (and a few around them) are in the DOM,
// between two spacers, so a panel of thousands scrolls as smoothly as one of ten. A table on wide
// screens (sortable column headers, aria-rowcount / aria-rowindex for screen readers), a list of
// cards at phone width. Up/Down, Page Up/Down, Home and End move between rows from a row's button.
import { h, clear } from "./dom.js";
import { PROGRAMS, PROGRAM_TRACKS, STATUS } from "./words.js";

export const COLUMNS = [
  { key: "ref", label: "Patient", sort: "ref" },
  { key: "month", label: "Month", sort: "month" },
  { key: "status", label: "Status", sort: "status" },
  { key: "program", label: "Program", sort: "program" },
  { key: "codes", label: "Codes", sort: null },
  { key: "allowed", label: "Allowed", sort: "allowed", num: true },
  { key: "minutes", label: "Minutes", sort: "minutes", num: true },
  { key: "next", label: "To next code", sort: "next", num: true },
  { key: "days", label: "Days left", sort: "days", num: true },
  { key: "pace", label: "Pace", sort: "pace" },
  { key: "blocking", label: "What blocks billing", sort: null },
  { key: "due", label: "Due in 30 days", sort: "due" },
  { key: "actions", label: "Audit", sort: null },
];

const OVERSCAN = 8;

export const statusWords = (r) => (r.status === "invalid" ? "Cannot check" : STATUS[r.status] ?? r.status);
export const programWords = (r) => (r.program ? `${PROGRAMS[r.program]?.short ?? r.program}${r.track ? ` · ${r.track}` : ""}` : "–");
export const programTitle = (r) => (r.program && r.track ? PROGRAM_TRACKS[r.program]?.[r.track] ?? "" : "");
const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
/** Cents as dollars ("$1,234.56"); one formatter for every cell. */
export const dollars = (c) => USD.format(c / 100);
export const codesWords = (lines) => lines.map((l) => `${l.code}${l.units > 1 ? ` ×${l.units}` : ""}`).join(", ");
export const dueWords = (due) => due.map((d) => (d.date ? `${cap(d.item)} by ${d.date}` : cap(d.item))).join("; ");
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

export function paceWords(r) {
  if (!r.pace) return "–";
  if (r.pace === "behind") return `Behind: ${r.minutes} of ${r.paceTarget} min`;
  return r.pace === "met" ? "Target met" : `On pace (${r.paceTarget} min due)`;
}

export function nextWords(r) {
  return r.minutesToNext === null || r.minutesToNext === undefined ? "–" : `${r.minutesToNext} min to ${r.nextCode}`;
}

function codesCell(r) {
  if (r.lines.length) return h("span", { text: codesWords(r.lines) });
  if (r.supported.length) return h("span", { class: "muted", title: "What the counted time supports once the problems are fixed" }, h("span", { class: "visually-hidden", text: "Time supports " }), codesWords(r.supported));
  return h("span", { class: "muted", text: "–" });
}

function allowedCell(r) {
  if (r.status === "invalid") return "–";
  if (r.status === "billable") return dollars(r.allowed);
  return r.supportedAllowed ? h("span", { class: "muted", text: `(${dollars(r.supportedAllowed)} once fixed)` }) : "$0.00";
}

/** A table cell whose content is at most two lines (rows keep one height for the virtual scroll). */
const td = (cls, content, title) => h("td", { class: cls, title: title || null }, h("div", { class: "cell" }, content));

function refLabel(r) {
  return r.ref || "(no reference)";
}

export class VirtualList {
  /**
   * @param {HTMLElement} host
   * @param {{ onOpen: (i) => void, onAudit: (i) => void, onSort: (key) => void, label: string }} o
   */
  constructor(host, o) {
    this.host = host;
    this.o = o;
    this.rows = [];
    this.order = [];
    this.sort = { key: "n", dir: 1 };
    this.mode = "table";
    this.rowH = { table: 58, list: 182 };
    this.measured = { table: false, list: false };
    this.headH = 0;
    this.frame = 0;
    this.port = h("div", { class: "vport", onscroll: () => this.schedule() });
    this.port.addEventListener("click", (e) => this.click(e));
    this.port.addEventListener("keydown", (e) => this.key(e));
    host.append(this.port);
    this.build();
  }

  build() {
    clear(this.port);
    this.top = null;
    this.bottom = null;
    this.body = null;
    this.first = -1;
    this.last = -1;
    if (this.mode === "table") {
      this.head = h("tr", { "aria-rowindex": "1" }, COLUMNS.map((c) => this.headCell(c)));
      this.table = h("table", { class: "worklist-table", "aria-label": this.o.label, "aria-rowcount": "1" }, h("thead", {}, this.head), (this.body = h("tbody")));
      this.port.append(this.table);
      this.top = h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: String(COLUMNS.length) }));
      this.bottom = h("tr", { class: "spacer", "aria-hidden": "true" }, h("td", { colspan: String(COLUMNS.length) }));
    } else {
      this.body = h("ul", { class: "worklist-cards", "aria-label": this.o.label });
      this.port.append(this.body);
      this.top = h("li", { class: "spacer", "aria-hidden": "true" });
      this.bottom = h("li", { class: "spacer", "aria-hidden": "true" });
    }
  }

  headCell(c) {
    const active = this.sort.key === c.sort;
    const sortAttr = c.sort && active ? (this.sort.dir > 0 ? "ascending" : "descending") : null;
    return h(
      "th",
      { scope: "col", class: `col-${c.key}${c.num ? " num" : ""}`, "aria-sort": sortAttr },
      c.sort
        ? h("button", { type: "button", class: "sort", dataset: { sort: c.sort }, onclick: () => this.o.onSort(c.sort) }, c.label, h("span", { class: "arrow", "aria-hidden": "true", text: active ? (this.sort.dir > 0 ? " ▲" : " ▼") : "" }))
        : c.key === "actions"
          ? h("span", { class: "visually-hidden", text: c.label })
          : c.label,
    );
  }

  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.headH = 0;
    this.build();
    this.render(true);
  }

  /** All rows (by index) and the order to show (indices into rows). */
  set(rows, order, sort) {
    this.rows = rows;
    this.order = order;
    if (sort && (sort.key !== this.sort.key || sort.dir !== this.sort.dir)) {
      this.sort = { ...sort };
      if (this.mode === "table") this.head.replaceChildren(...COLUMNS.map((c) => this.headCell(c)));
    }
    this.render(true);
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(false);
    });
  }

  /** The sticky header's height, measured once it is laid out (a forced layout per render was most of a batch's cost). */
  headHeight() {
    if (this.mode !== "table") return 0;
    if (!this.headH) this.headH = this.table.tHead.offsetHeight;
    return this.headH;
  }

  /** Renders the rows in view; `force` re-renders them even if the window did not move. */
  render(force) {
    const n = this.order.length;
    const rh = this.rowH[this.mode];
    const view = this.port.clientHeight || 600;
    const scroll = Math.max(0, this.port.scrollTop - this.headHeight());
    const first = Math.max(0, Math.floor(scroll / rh) - OVERSCAN);
    const last = Math.min(n, Math.ceil((scroll + view) / rh) + OVERSCAN);
    if (this.mode === "table") this.table.setAttribute("aria-rowcount", String(n + 1));
    if (!force && first === this.first && last === this.last) return;
    const focusedIndex = this.focusedRow();
    this.first = first;
    this.last = last;
    const nodes = [];
    for (let k = first; k < last; k++) nodes.push(this.mode === "table" ? this.tableRow(k) : this.card(k));
    this.top.style.height = `${first * rh}px`;
    this.bottom.style.height = `${(n - last) * rh}px`;
    this.body.replaceChildren(this.top, ...nodes, this.bottom);
    if (focusedIndex) this.focusRow(focusedIndex.index, focusedIndex.kind, false);
    // Measure the real row height once, when rows first exist; re-render if the CSS made it differ.
    const probe = nodes[0];
    if (probe && !this.measured[this.mode] && probe.isConnected && probe.offsetParent) {
      this.measured[this.mode] = true;
      const real = Math.round(probe.getBoundingClientRect().height);
      if (real > 0 && Math.abs(real - rh) > 1) {
        this.rowH[this.mode] = real;
        this.render(true);
      }
    }
  }

  tableRow(k) {
    const i = this.order[k];
    const r = this.rows[i];
    return h(
      "tr",
      { class: `prow st-${r.status}${r.edited ? " edited" : ""}`, "aria-rowindex": String(k + 2), dataset: { index: String(i), n: String(r.n), status: r.status } },
      h("th", { scope: "row", class: "col-ref" }, h("button", { type: "button", class: "link open", dataset: { index: String(i) }, "aria-label": `Open ${refLabel(r)}, ${r.serviceMonth || "month unknown"}, in the month check` }, refLabel(r)), r.edited ? h("span", { class: "tag", text: "edited" }) : null, h("span", { class: "src", text: r.source })),
      td("col-month", [r.serviceMonth || "–", r.asOf ? h("span", { class: "src", title: `as of ${r.asOf}`, text: `as of ${r.asOf.slice(0, 7) === r.serviceMonth ? r.asOf.slice(5) : r.asOf}` }) : null]),
      td("col-status", h("span", { class: `badge b-${r.status}`, text: statusWords(r) })),
      td("col-program", programWords(r), programTitle(r)),
      td("col-codes", codesCell(r)),
      td("col-allowed num", allowedCell(r)),
      td("col-minutes num", r.minutes === null ? "–" : String(r.minutes)),
      td("col-next", nextWords(r)),
      td("col-days num", r.daysLeft === null ? "–" : String(r.daysLeft)),
      td(`col-pace pace-${r.pace.replace(" ", "-") || "none"}`, paceWords(r)),
      td("col-blocking", r.blockingWords || "–", r.blockingWords),
      td("col-due", dueWords(r.due) || "–", dueWords(r.due)),
      h("td", { class: "col-actions" }, h("button", { type: "button", class: "small audit", dataset: { index: String(i) }, "aria-label": `Audit summary of ${refLabel(r)}, ${r.serviceMonth || "month unknown"}`, text: "Audit" })),
    );
  }

  card(k) {
    const i = this.order[k];
    const r = this.rows[i];
    const item = (label, value, cls) => h("div", { class: cls ?? null }, h("dt", { text: label }), h("dd", {}, value));
    return h(
      "li",
      { class: `pcard st-${r.status}${r.edited ? " edited" : ""}`, dataset: { index: String(i), n: String(r.n), status: r.status }, "aria-setsize": String(this.order.length), "aria-posinset": String(k + 1) },
      h("div", { class: "card-head" }, h("button", { type: "button", class: "link open", dataset: { index: String(i) }, "aria-label": `Open ${refLabel(r)}, ${r.serviceMonth || "month unknown"}, in the month check` }, refLabel(r)), h("span", { class: `badge b-${r.status}`, text: statusWords(r) }), h("button", { type: "button", class: "small audit", dataset: { index: String(i) }, "aria-label": `Audit summary of ${refLabel(r)}`, text: "Audit" })),
      h(
        "dl",
        { class: "card-facts" },
        item("Month", `${r.serviceMonth || "–"}${r.asOf ? `, as of ${r.asOf}` : ""}`),
        item("Codes", [codesCell(r), " ", allowedCell(r)]),
        item("Minutes", r.minutes === null ? "–" : `${r.minutes} · ${nextWords(r)} · ${r.daysLeft} days left`),
        item("Pace", paceWords(r)),
        item("Blocks", h("span", { class: "clamp", text: r.blockingWords || "–" }), "wide"),
        item("Due", dueWords(r.due) || "–", "wide"),
      ),
    );
  }

  click(e) {
    const btn = e.target.closest("button");
    if (btn?.classList.contains("audit")) return this.o.onAudit(Number(btn.dataset.index));
    if (btn?.classList.contains("open")) return this.o.onOpen(Number(btn.dataset.index));
    if (btn) return undefined;
    const row = e.target.closest("[data-index]");
    if (row && !window.getSelection()?.toString()) this.o.onOpen(Number(row.dataset.index));
    return undefined;
  }

  /** The focused row button: { index (into rows), kind: "open" | "audit" }, or null. */
  focusedRow() {
    const a = this.host.getRootNode().activeElement;
    if (!a || !this.port.contains(a) || !a.dataset?.index) return null;
    return { index: Number(a.dataset.index), kind: a.classList.contains("audit") ? "audit" : "open" };
  }

  key(e) {
    const f = this.focusedRow();
    if (!f) return;
    const pos = this.order.indexOf(f.index);
    const page = Math.max(1, Math.floor((this.port.clientHeight || 600) / this.rowH[this.mode]) - 1);
    const to = { ArrowDown: pos + 1, ArrowUp: pos - 1, PageDown: pos + page, PageUp: pos - page, Home: 0, End: this.order.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const k = Math.max(0, Math.min(this.order.length - 1, to));
    this.focusRow(this.order[k], f.kind, true);
  }

  /** Scrolls row `index` (into rows) into view and focuses its open (or audit) button. */
  focusRow(index, kind = "open", scroll = true) {
    const k = this.order.indexOf(index);
    if (k < 0) return false;
    if (scroll) {
      const rh = this.rowH[this.mode];
      const top = k * rh;
      const headH = this.headHeight();
      const view = this.port.clientHeight - headH;
      const y = this.port.scrollTop;
      if (top < y) this.port.scrollTop = top;
      else if (top + rh > y + view) this.port.scrollTop = top + rh - view;
      this.render(false);
    }
    const btn = this.body.querySelector(`button.${kind}[data-index="${index}"]`);
    btn?.focus({ preventScroll: true });
    return Boolean(btn);
  }

  get scrollTop() {
    return this.port.scrollTop;
  }

  set scrollTop(v) {
    if (this.port.scrollTop === v) return;
    this.port.scrollTop = v;
    this.render(false);
  }
}
