// The intake form of one patient-month. The form edits a MonthInput object (CONTRACT §2) in place:
// every control carries `data-path` (the engine's path syntax) and writes its value there on each
// `input` event. Findings and input issues come back with the same paths and are shown next to
// the control (or the row or section) they name.
import { h, add, clear, uid, readFileText } from "./dom.js";
import { getPath, setPath, parentPath } from "./paths.js";
import { ROLES, SERVICES, SETTINGS, CONSENT_ELEMENTS, APCM_ELEMENTS, PROGRAMS } from "./words.js";
import { icdSearch, icdLookup, icdReady, CHRONIC_WORDS } from "./icd.js";
import { loadLocalities, localityId, localityLabel } from "./localities.js";

const CREDENTIALS = ["MD", "DO", "NP", "PA", "CNS", "CNM"];
const VISIT_TYPES = [
  ["em", "E/M office visit"],
  ["awv", "Annual Wellness Visit"],
  ["ippe", "Welcome to Medicare (IPPE)"],
  ["tcm", "Transitional care (TCM)"],
];
/** `payment.setting` (blank: the engine's default, non-facility). */
const PAYMENT_SETTINGS = [
  ["", "Office / non-facility"],
  ["facility", "Facility"],
  ["nonFacility", "Non-facility (explicit)"],
  ["rhc", "Rural health clinic (RHC)"],
  ["fqhc", "Federally qualified health center (FQHC)"],
];
const OTHER_CODES = [
  ["99490", "CCM (another practitioner?)"],
  ["99495", "TCM, moderate"],
  ["99496", "TCM, high"],
  ["99424", "PCM, practitioner, first 30 min"],
  ["99426", "PCM, staff, first 30 min"],
  ["G0556", "APCM level 1"],
  ["G0557", "APCM level 2"],
  ["G0558", "APCM level 3"],
  ["G0181", "Care plan oversight, home health"],
  ["G0182", "Care plan oversight, hospice"],
  ["90960", "ESRD monthly services"],
  ["99457", "RPM management"],
  ["99484", "BHI"],
  ["G0511", "RHC/FQHC care management"],
];

/** The programs the form can compare beside CCM (CONTRACT §10: `programs`; CCM is always decided). */
const COMPARED = ["pcm", "apcm"];

/** Lists whose blank rows are left out of the evaluation (they are still in the form). */
const LISTS = ["conditions", "timeEntries", "otherServices", "carePlan.revisedOn"];

const pad = (n) => String(n).padStart(2, "0");

/** The browser's UTC offset at a local date-time, as "+hh:mm"/"-hh:mm". */
export function localOffset(date = new Date()) {
  const m = -date.getTimezoneOffset();
  const sign = m < 0 ? "-" : "+";
  const a = Math.abs(m);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Local wall-clock time as "YYYY-MM-DDTHH:MM:SS". */
export function localStamp(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const todayIso = (d = new Date()) => localStamp(d).slice(0, 10);

/** "2026-03-04T10:00:00-05:00" → { local: "2026-03-04T10:00:00", offset: "-05:00" }. */
function splitDateTime(s) {
  if (typeof s !== "string") return { local: "", offset: null };
  const m = s.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}:?\d{2})?$/);
  if (!m) return { local: "", offset: null, raw: s };
  return { local: `${m[1]}T${m[2]}`, offset: m[3] ? (m[3].toUpperCase() === "Z" ? "Z" : m[3]) : "" };
}

function joinDateTime(local, offset) {
  if (!local) return undefined;
  const full = local.length === 16 ? `${local}:00` : local;
  return full + (offset || "");
}

/** Minutes between two RFC 3339 stamps (floating ones read as UTC), or null. */
function minutesBetween(a, b) {
  const pa = splitDateTime(a);
  const pb = splitDateTime(b);
  if (!pa.local || !pb.local) return null;
  const t = (p) => Date.parse(p.local + (p.offset === "" ? "Z" : p.offset === "Z" ? "Z" : p.offset));
  const d = (t(pb) - t(pa)) / 60000;
  return Number.isFinite(d) ? d : null;
}

const isBlank = (v) => v === undefined || v === null || v === "";

export class MonthForm {
  /**
   * @param {HTMLElement} root where the form goes (inside the component's shadow root)
   * @param {{ onChange: () => void, packs?: object[], templates?: object[], consentHref?: string|null, apcmElements?: (month: object) => string[]|null }} opts
   *   `apcmElements`: the APCM service element ids of the rule pack the month uses (null: the pack defines no APCM)
   */
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.state = {};
    this.meta = new WeakMap(); // time entry object → { mode, offset, timer }
    this.msgSlots = new Map(); // path → .msgs element
    this.controls = new Map(); // path → control
    this.timerTick = null;
    this.localities = null; // the CY2025 locality table (js/localities.js), once loaded
    this.localityError = null; // why it could not be loaded
    this.localityState = undefined; // the state picked for the locality (UI only, not in the month)
    this.gpciOpen = undefined; // the "Override GPCIs" disclosure, once the user toggled it
    this.packFileName = null; // the rule-pack file loaded from disk, if any
    this.packNote = null; // why a pack file was not loaded
    this.form = h("form", { class: "month-form", novalidate: true, onsubmit: (e) => e.preventDefault() });
    root.appendChild(this.form);
    this.form.addEventListener("input", (e) => this.onEdit(e));
    this.form.addEventListener("change", (e) => this.onCommit(e));
    this.form.addEventListener("click", (e) => this.onClick(e));
    loadLocalities()
      .then((table) => {
        this.localities = table;
        this.fillLocalityControls();
      })
      .catch((err) => {
        this.localityError = err.message;
        this.fillLocalityControls();
      });
  }

  // ------------------------------------------------------------------ state

  setValue(input) {
    this.state = input && typeof input === "object" && !Array.isArray(input) ? structuredClone(input) : {};
    this.meta = new WeakMap();
    this.localityState = undefined;
    this.gpciOpen = undefined;
    this.packFileName = null;
    this.packNote = null;
    this.render();
  }

  getValue() {
    return structuredClone(this.state);
  }

  /** What the engine gets: the state without blank rows (and running timers), plus index maps. */
  evalInput() {
    const input = structuredClone(this.state);
    const maps = {};
    const notes = [];
    for (const key of LISTS) {
      const arr = getPath(input, key);
      const uiArr = getPath(this.state, key);
      if (!Array.isArray(arr)) continue;
      const kept = [];
      const out = [];
      arr.forEach((item, i) => {
        const why = this.blankReason(key, item, uiArr[i]);
        if (why) notes.push({ path: `${key}[${i}]`, text: why });
        else {
          kept.push(i);
          out.push(item);
        }
      });
      setPath(input, key, out);
      maps[key] = kept;
    }
    return { input, maps, notes };
  }

  blankReason(key, item, uiItem) {
    if (key === "carePlan.revisedOn") return isBlank(item) ? "Empty date: not used." : null;
    if (item === null || typeof item !== "object") return null;
    if (key === "conditions" && isBlank(item.code)) return "Not checked yet: enter a diagnosis code.";
    if (key === "otherServices" && isBlank(item.code)) return "Not checked yet: enter the service code.";
    if (key === "timeEntries") {
      const m = this.meta.get(uiItem);
      if (m?.timer && isBlank(item.end)) return "Timer running: this entry counts once you stop it.";
      if (isBlank(item.start) && isBlank(item.end) && isBlank(item.date) && isBlank(item.minutes))
        return "Not counted yet: enter a start and end time (or a date and minutes).";
    }
    return null;
  }

  // ------------------------------------------------------------------ editing

  readControl(el) {
    const kind = el.dataset.kind;
    const v = el.value;
    switch (kind) {
      case "bool":
        return el.checked;
      case "tristate":
        return v === "" ? undefined : v === "true";
      case "number":
      case "int": {
        if (v === "") return undefined;
        const n = Number(v);
        return Number.isFinite(n) ? n : undefined;
      }
      case "programs": {
        const picked = [...this.form.querySelectorAll('input[data-kind="programs"]')].filter((c) => c.checked).map((c) => c.value);
        return picked.length ? ["ccm", ...picked] : undefined;
      }
      case "elements": {
        const all = [...this.form.querySelectorAll(`input[data-kind="elements"][data-path="${el.dataset.path}"]`)];
        const list = all.filter((c) => c.checked).map((c) => c.value);
        return list.length ? list : undefined;
      }
      default:
        return v === "" ? undefined : v;
    }
  }

  onEdit(e) {
    const el = e.target;
    const path = el.dataset?.path;
    if (!path) return;
    const kind = el.dataset.kind;
    if (kind === "datetime") {
      const entry = getPath(this.state, parentPath(path));
      const m = this.metaFor(entry);
      setPath(this.state, path, joinDateTime(el.value, m.offset));
      this.updateDuration(parentPath(path));
    } else if (kind === "offset") {
      const entry = getPath(this.state, path);
      const m = this.metaFor(entry);
      const off = el.value.trim();
      m.offset = /^(Z|[+-]\d{2}:\d{2})$/.test(off) ? off : off === "" ? "" : m.offset;
      for (const k of ["start", "end"]) {
        const cur = splitDateTime(entry[k]);
        if (cur.local) entry[k] = joinDateTime(cur.local, m.offset);
      }
      el.setAttribute("aria-invalid", String(!(off === "" || /^(Z|[+-]\d{2}:\d{2})$/.test(off))));
    } else {
      setPath(this.state, path, this.readControl(el));
      if (el.dataset.combo !== undefined) this.comboInput(el);
      if (path === "payment.locality") this.describeLocality();
      // The PCM and APCM controls appear with their program (the focus stays on the checkbox).
      if (path === "programs") this.render();
      if (path.startsWith("timeEntries[")) this.updateDuration(path.replace(/^(timeEntries\[\d+\]).*$/, "$1"));
    }
    this.opts.onChange();
  }

  onCommit(e) {
    const el = e.target;
    if (el.dataset?.combo !== undefined) this.normalizeCode(el);
    if (el.dataset?.kind === "mode") this.switchMode(el.dataset.row, el.value);
  }

  onClick(e) {
    const btn = e.target.closest("button[data-action]");
    if (!btn) return;
    const { action, target: path } = btn.dataset;
    if (action === "add") {
      const list = getPath(this.state, path);
      const arr = Array.isArray(list) ? list : [];
      let item = {};
      if (path === "carePlan.revisedOn") item = "";
      if (path === "timeEntries") {
        const prev = arr[arr.length - 1];
        item = { id: this.nextEntryId(arr) };
        if (prev?.performer) item.performer = structuredClone(prev.performer);
      }
      arr.push(item);
      setPath(this.state, path, arr);
      this.render({ focus: `${path}[${arr.length - 1}]` });
    } else if (action === "remove") {
      const listPath = parentPath(path);
      const index = Number(path.match(/\[(\d+)\]$/)[1]);
      const arr = getPath(this.state, listPath);
      arr.splice(index, 1);
      if (!arr.length) setPath(this.state, listPath, undefined);
      this.render({ focus: `add:${listPath}` });
    } else if (action === "timer") {
      this.toggleTimer(path);
    } else if (action === "all" || action === "none") {
      const had = getPath(this.state, path);
      const ids = action === "all" ? [...new Set([...(this.apcmElementIds() ?? []), ...(Array.isArray(had) ? had : [])])] : [];
      setPath(this.state, path, ids.length ? ids : undefined);
      this.render({ focus: `${action}:${path}` });
    } else if (action === "now") {
      setPath(this.state, path, todayIso());
      this.render({ focus: `now:${path}` });
    } else return;
    this.opts.onChange();
  }

  nextEntryId(arr) {
    let n = arr.length + 1;
    const ids = new Set(arr.map((e) => e?.id));
    while (ids.has(`t${n}`)) n++;
    return `t${n}`;
  }

  metaFor(entry) {
    let m = this.meta.get(entry);
    if (!m) {
      const s = splitDateTime(entry?.start);
      const e = splitDateTime(entry?.end);
      const hasMinutes = entry && (!isBlank(entry.date) || !isBlank(entry.minutes)) && isBlank(entry.start) && isBlank(entry.end);
      m = { mode: hasMinutes ? "minutes" : "interval", offset: s.offset ?? e.offset ?? null, timer: null };
      if (m.offset === null) m.offset = localOffset();
      this.meta.set(entry, m);
    }
    return m;
  }

  switchMode(rowPath, mode) {
    const entry = getPath(this.state, rowPath);
    const m = this.metaFor(entry);
    if (m.mode === mode) return;
    if (mode === "minutes") {
      const d = minutesBetween(entry.start, entry.end);
      const day = splitDateTime(entry.start).local.slice(0, 10);
      delete entry.start;
      delete entry.end;
      if (day) entry.date = day;
      if (d !== null && d >= 0) entry.minutes = Math.floor(d);
    } else {
      delete entry.date;
      delete entry.minutes;
    }
    m.mode = mode;
    m.timer = null;
    this.render({ focus: `mode:${rowPath}:${mode}` });
    this.opts.onChange();
  }

  toggleTimer(rowPath) {
    const entry = getPath(this.state, rowPath);
    const m = this.metaFor(entry);
    const now = new Date();
    if (!m.timer) {
      m.mode = "interval";
      delete entry.date;
      delete entry.minutes;
      m.offset = localOffset(now);
      entry.start = joinDateTime(localStamp(now), m.offset);
      delete entry.end;
      m.timer = { started: now.getTime() };
    } else {
      entry.end = joinDateTime(localStamp(now), localOffset(now));
      m.timer = null;
    }
    this.render({ focus: `timer:${rowPath}` });
    this.syncTimerTick();
  }

  syncTimerTick() {
    const running = [...this.form.querySelectorAll("[data-timer-since]")];
    if (running.length && !this.timerTick) {
      this.timerTick = setInterval(() => {
        const els = [...this.form.querySelectorAll("[data-timer-since]")];
        if (!els.length) {
          clearInterval(this.timerTick);
          this.timerTick = null;
          return;
        }
        for (const el of els) el.textContent = `Timer running: ${formatElapsed(Date.now() - Number(el.dataset.timerSince))}`;
      }, 1000);
    }
  }

  updateDuration(rowPath) {
    const out = this.form.querySelector(`[data-duration-for="${rowPath}"]`);
    if (!out) return;
    const e = getPath(this.state, rowPath);
    const d = e ? minutesBetween(e.start, e.end) : null;
    out.textContent = d === null ? "" : d < 0 ? "End is before start" : `${Math.floor(d)} min`;
  }

  // ------------------------------------------------------------------ ICD combobox

  comboInput(input) {
    const list = this.form.querySelector(`#${input.getAttribute("aria-controls")}`);
    const status = this.form.querySelector(`[data-combo-status="${input.id}"]`);
    const q = input.value;
    const token = (input._seq = (input._seq ?? 0) + 1);
    if (q.trim().length < 1) {
      this.closeCombo(input);
      return;
    }
    icdSearch(q, 12)
      .then((r) => {
        if (token !== input._seq) return;
        clear(list);
        list.dataset.ms = r.ms.toFixed(3);
        list.dataset.q = q;
        r.results.forEach((row, i) =>
          list.appendChild(
            h(
              "li",
              { role: "option", id: `${input.id}-opt-${i}`, "aria-selected": "false", dataset: { code: row.code } },
              h("span", { class: "opt-code", text: row.code }),
              " ",
              h("span", { class: "opt-desc", text: row.description }),
              row.chronic === "1" ? h("span", { class: "opt-tag", text: "chronic" }) : null,
            ),
          ),
        );
        const open = r.results.length > 0;
        list.hidden = !open;
        input.setAttribute("aria-expanded", String(open));
        input.removeAttribute("aria-activedescendant");
        status.textContent = open ? `${r.total} match${r.total === 1 ? "" : "es"}, ${r.results.length} shown` : "No matching code";
      })
      .catch((err) => {
        status.textContent = `Code list unavailable: ${err.message}`;
      });
  }

  comboKey(e) {
    const input = e.target;
    const list = this.form.querySelector(`#${input.getAttribute("aria-controls")}`);
    const opts = [...list.querySelectorAll("[role=option]")];
    const open = !list.hidden && opts.length > 0;
    const cur = opts.findIndex((o) => o.id === input.getAttribute("aria-activedescendant"));
    const move = (i) => {
      opts.forEach((o, k) => o.setAttribute("aria-selected", String(k === i)));
      input.setAttribute("aria-activedescendant", opts[i].id);
      opts[i].scrollIntoView({ block: "nearest" });
    };
    if (e.key === "ArrowDown" && open) {
      e.preventDefault();
      move(cur < 0 ? 0 : Math.min(cur + 1, opts.length - 1));
    } else if (e.key === "ArrowUp" && open) {
      e.preventDefault();
      move(cur <= 0 ? 0 : cur - 1);
    } else if (e.key === "Enter" && open && cur >= 0) {
      e.preventDefault();
      this.pickCode(input, opts[cur].dataset.code);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      this.closeCombo(input);
    }
  }

  pickCode(input, code) {
    input.value = code;
    setPath(this.state, input.dataset.path, code);
    this.closeCombo(input);
    this.describeConditions();
    this.opts.onChange();
  }

  closeCombo(input) {
    const list = this.form.querySelector(`#${input.getAttribute("aria-controls")}`);
    if (list) {
      list.hidden = true;
      clear(list);
    }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  async normalizeCode(input) {
    const v = input.value.trim();
    if (!v) return;
    try {
      const found = (await icdLookup([v]))[v];
      if (found && found.code !== v && input.value.trim() === v) {
        input.value = found.code;
        setPath(this.state, input.dataset.path, found.code);
        this.opts.onChange();
      }
    } catch {}
    this.describeConditions();
  }

  async describeConditions() {
    const rows = [...this.form.querySelectorAll("[data-desc-for]")];
    if (!rows.length) return;
    const codes = rows.map((r) => getPath(this.state, r.dataset.descFor) ?? "");
    let found;
    try {
      found = await icdLookup(codes.filter(Boolean));
    } catch (err) {
      for (const r of rows) r.textContent = "";
      return;
    }
    rows.forEach((r, i) => {
      const c = codes[i];
      if (getPath(this.state, r.dataset.descFor) !== c) return;
      const row = c ? found[c] : null;
      r.textContent = !c ? "" : row ? `${row.description} (${CHRONIC_WORDS[row.chronic] ?? ""})` : "Not a billable ICD-10-CM FY2026 code";
      r.classList.toggle("unknown", Boolean(c) && !row);
    });
  }

  // ------------------------------------------------------------------ rendering

  render({ focus } = {}) {
    const active = this.root.getRootNode().activeElement;
    const focusKey = focus ?? active?.dataset?.focusKey ?? active?.dataset?.path ?? null;
    const scroll = this.form.parentElement?.scrollTop;
    clear(this.form);
    this.msgSlots = new Map();
    this.controls = new Map();
    const s = this.state;
    add(
      this.form,
      h("div", { class: "msgs general", "data-msg-path": "" }),
      this.section("Month", "month", null, [
        h(
          "div",
          { class: "grid" },
          this.field("Service month", "serviceMonth", "text", { placeholder: "YYYY-MM", pattern: "\\d{4}-\\d{2}", required: true, hint: "Calendar month being billed, e.g. 2026-03", inputmode: "numeric" }),
          this.field("Checked as of", "asOf", "date", { hint: "Leave empty for the end of the month", now: true }),
          this.field("Kind of CCM", "track", "select", {
            options: [
              ["", "Automatic (best allowed)"],
              ...(s.track === "auto" ? [["auto", "Automatic (best allowed)"]] : []),
              ["staff", "Clinical staff (99490)"],
              ["complex", "Complex (99487)"],
              ["practitioner", "Practitioner's own time (99491)"],
            ],
          }),
          this.packField(),
        ),
        this.programsField(),
      ]),
      this.section("Billing practitioner", "billingPractitioner", null, [
        h(
          "div",
          { class: "grid" },
          this.field("NPI or ID", "billingPractitioner.id", "text", { required: true, inputmode: "numeric", autocomplete: "off" }),
          this.field("Credential", "billingPractitioner.credential", "select", { options: [["", "—"], ...CREDENTIALS.map((c) => [c, c])] }),
          this.field("Group (TIN)", "billingPractitioner.groupId", "text", {}),
        ),
      ]),
      this.section("Patient", "patient", null, [
        h(
          "div",
          { class: "grid" },
          this.field("Patient reference", "patient.ref", "text", { hint: "Your own ID; no names needed", autocomplete: "off" }),
          this.field("Last visit with the practice", "patient.lastVisitDate", "date", {}),
          this.field("New patient", "patient.newPatient", "bool", {}),
          this.field("Qualified Medicare Beneficiary (QMB)", "patient.qmb", "bool", { hint: "Medicaid covers the patient's share: no coinsurance may be billed to the patient" }),
        ),
      ]),
      this.conditionsSection(),
      this.consentSection(),
      this.section("Initiating visit", "initiatingVisit", "Needed for new patients and patients not seen in 12 months.", [
        h(
          "div",
          { class: "grid" },
          this.field("Visit date", "initiatingVisit.date", "date", {}),
          this.field("Visit type", "initiatingVisit.type", "select", { options: [["", "—"], ...VISIT_TYPES], keepUnknown: true }),
          this.field("Seen by (ID)", "initiatingVisit.practitionerId", "text", {}),
        ),
      ]),
      this.carePlanSection(),
      this.compares("apcm") ? this.apcmSection() : null,
      this.section("Decision making and supervision", "complexity", null, [
        h(
          "div",
          { class: "grid" },
          this.field("Practitioner's medical decision making this month", "complexity.mdm", "select", {
            options: [
              ["", "—"],
              ["straightforward", "Straightforward"],
              ["low", "Low"],
              ["moderate", "Moderate"],
              ["high", "High"],
            ],
            hint: "Moderate or high allows complex CCM",
          }),
          this.field("Supervision of clinical staff attested", "supervisionAttested", "bool", {}),
        ),
      ]),
      this.timeSection(),
      this.otherServicesSection(),
      this.section("Payment", "payment", "Used for the dollar estimate only.", [
        h(
          "div",
          { class: "grid" },
          this.field("Setting", "payment.setting", "select", { options: PAYMENT_SETTINGS, hint: "RHCs and FQHCs are paid the national amount, without geographic adjustment" }),
          this.field("Qualifying APM participant", "payment.qualifyingApmParticipant", "bool", {}),
        ),
        this.localityFields(),
        this.gpciOverride(),
      ]),
      this.section("Claim", "claim", "The consent version the claim pins; it must match the consent on file.", [
        h(
          "div",
          { class: "grid" },
          this.field("Consent version on the claim", "claim.consentVersion", "text", { list: this.templateListId() }),
          this.field("Consent text SHA-256 on the claim", "claim.consentTextSha256", "text", { class: "mono" }),
        ),
      ]),
      this.templateDatalist(),
    );
    if (scroll !== undefined && this.form.parentElement) this.form.parentElement.scrollTop = scroll;
    if (focusKey) {
      const key = CSS.escape(focusKey);
      const el =
        this.form.querySelector(`[data-focus-key="${key}"]`) ??
        this.form.querySelector(`[data-path="${key}"]:not([data-kind="offset"])`) ??
        this.form.querySelector(`[data-msg-path="${key}"]`)?.querySelector("input, select, textarea");
      el?.focus();
    }
    for (const path of [...this.form.querySelectorAll("[data-duration-for]")].map((e) => e.dataset.durationFor)) this.updateDuration(path);
    this.syncTimerTick();
    if (this.form.querySelector("[data-desc-for]")) this.describeConditions();
  }

  section(title, path, hint, body) {
    const id = uid("sec");
    return h(
      "section",
      { class: "form-section", "aria-labelledby": id, "data-msg-path": path },
      h("h2", { id, text: title }),
      hint ? h("p", { class: "hint", text: hint }) : null,
      this.slot(path),
      body,
    );
  }

  slot(path) {
    const el = h("div", { class: "msgs", id: uid("msgs") });
    this.msgSlots.set(path, el);
    return el;
  }

  /** One labelled control bound to `path`. */
  field(label, path, kind, o = {}) {
    const id = uid("f");
    const value = getPath(this.state, path);
    const hintId = o.hint ? uid("hint") : null;
    const slot = this.slot(path);
    const common = { id, dataset: { path, kind }, "aria-describedby": [hintId, slot.id].filter(Boolean).join(" ") };
    let control;
    if (kind === "bool") {
      control = h("input", { ...common, type: "checkbox", checked: value === true });
      const wrap = h("div", { class: "field check", "data-msg-path": path }, control, h("label", { for: id, text: label }), hintId ? h("span", { class: "hint", id: hintId, text: o.hint }) : null, slot);
      this.controls.set(path, control);
      return wrap;
    }
    if (kind === "select" || kind === "tristate") {
      const opts = kind === "tristate" ? o.options : o.options;
      const str = value === undefined || value === null ? "" : String(value);
      const list = [...opts];
      if (str && !list.some(([v]) => v === str)) list.push([str, `${str} (from the data)`]);
      control = h("select", common, list.map(([v, t]) => h("option", { value: v, selected: v === str, text: t })));
    } else if (kind === "textarea") {
      control = h("textarea", { ...common, rows: o.rows ?? 2, placeholder: o.placeholder }, typeof value === "string" ? value : "");
    } else {
      const type = kind === "date" ? "date" : kind === "number" || kind === "int" ? "number" : "text";
      control = h("input", {
        ...common,
        type,
        value: value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value),
        placeholder: o.placeholder,
        pattern: o.pattern,
        step: o.step,
        min: o.min,
        max: o.max,
        inputmode: o.inputmode,
        autocomplete: o.autocomplete ?? "off",
        list: o.list,
        "aria-required": o.required ? "true" : null,
        class: o.class,
        spellcheck: "false",
      });
    }
    this.controls.set(path, control);
    const extra = o.now ? h("button", { type: "button", class: "small", dataset: { action: "now", target: path, focusKey: `now:${path}` }, text: "Today", "aria-label": `${label}: today` }) : null;
    return h(
      "div",
      { class: "field", "data-msg-path": path },
      h("label", { for: id }, label, o.required ? h("span", { class: "req", "aria-hidden": "true", text: " *" }) : null),
      extra ? h("div", { class: "with-button" }, control, extra) : control,
      hintId ? h("span", { class: "hint", id: hintId, text: o.hint }) : null,
      slot,
    );
  }

  /**
   * The rule pack: a built-in pack (or the month's default), or a pack object, from an imported
   * month or from a JSON file read here (FileReader: nothing is sent or kept). The engine validates
   * the object; its INVALID_RULE_PACK issues come back with paths (`rulePack.codes[0].rvu`) and are
   * shown here and in the verdict.
   */
  packField() {
    const value = this.state.rulePack;
    const packs = this.opts.packs ?? [];
    const options = [["", "Default for the month"], ...packs.map((p) => [p.id, `${p.id} (${p.effectiveFrom} – ${p.effectiveTo ?? "open"})${p.status === "provisional" ? " — provisional" : ""}`])];
    const fileInput = h("input", { type: "file", accept: "application/json,.json", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (e) => this.loadPackFile(e.target) });
    const loadButton = (text) => h("button", { type: "button", class: "small", dataset: { focusKey: "pack-file" }, text, onclick: () => fileInput.click() });
    const note = this.packNote ? h("p", { class: "pack-note", role: "alert", text: this.packNote }) : null;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const slot = this.slot("rulePack");
      const labelId = uid("pack");
      const from = this.packFileName ? `Custom pack from ${this.packFileName}: ` : "Custom pack from the imported month: ";
      return h(
        "div",
        { class: "field pack-custom", "data-msg-path": "rulePack", role: "group", "aria-labelledby": labelId },
        h("span", { class: "label", id: labelId, text: "Rule pack" }),
        h(
          "p",
          { class: "pack-name", dataset: { packId: String(value.id ?? "") } },
          from,
          h("strong", { text: typeof value.id === "string" && value.id ? value.id : "(no id)" }),
          typeof value.payer === "string" ? ` · ${value.payer}` : "",
          typeof value.version === "string" ? ` · version ${value.version}` : "",
          value.status === "provisional" ? " — provisional" : "",
        ),
        h("div", { class: "pack-buttons" }, loadButton("Load another pack file…"), h("button", { type: "button", class: "small", dataset: { focusKey: "pack-builtin" }, text: "Use a built-in pack", onclick: () => this.useBuiltInPack() })),
        note,
        fileInput,
        slot,
      );
    }
    return h("div", { class: "pack-picker" }, this.field("Rule pack", "rulePack", "select", { options }), h("div", { class: "pack-load" }, loadButton("Load pack file…"), fileInput), note);
  }

  async loadPackFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    let pack;
    try {
      pack = JSON.parse(await readFileText(file));
    } catch (err) {
      this.packNote = `${file.name} is not valid JSON (${err.message}); the rule pack was not changed.`;
      this.render({ focus: "pack-file" });
      return;
    }
    if (!pack || typeof pack !== "object" || Array.isArray(pack)) {
      this.packNote = `${file.name} is not a rule pack (one JSON object); the rule pack was not changed.`;
      this.render({ focus: "pack-file" });
      return;
    }
    this.packNote = null;
    this.packFileName = file.name;
    this.state.rulePack = pack;
    this.render({ focus: "pack-file" });
    this.opts.onChange();
  }

  useBuiltInPack() {
    delete this.state.rulePack;
    this.packFileName = null;
    this.packNote = null;
    this.render({ focus: "rulePack" });
    this.opts.onChange();
  }

  // ------------------------------------------------------------------ locality

  /** State → Medicare locality (sets `payment.locality`); the state itself is not part of the month. */
  localityFields() {
    const stateId = uid("state");
    const stateHint = uid("hint");
    this.stateSelect = h("select", { id: stateId, "aria-describedby": stateHint, dataset: { focusKey: "locality-state" }, onchange: (e) => this.pickState(e.target.value) });
    const grid = h(
      "div",
      { class: "grid locality" },
      h("div", { class: "field" }, h("label", { for: stateId, text: "State (for the locality)" }), this.stateSelect, h("span", { class: "hint", id: stateHint, text: "Narrows the list of localities" })),
      this.field("Medicare locality", "payment.locality", "select", { options: [["", ""]], hint: "CY2025 GPCIs (CMS); for 2026 and 2027 months a stand-in" }),
    );
    this.localityDesc = h("p", { class: "locality-desc hint", "aria-live": "polite" });
    this.fillLocalityControls();
    return h("div", { class: "locality-picker" }, grid, this.localityDesc);
  }

  /** (Re)fills the state and locality options from the table, the month's locality and the picked state. */
  fillLocalityControls() {
    const stateSel = this.stateSelect;
    const locSel = this.controls.get("payment.locality");
    if (!stateSel || !locSel) return;
    const table = this.localities;
    const raw = getPath(this.state, "payment.locality");
    const current = raw === undefined || raw === null ? "" : String(raw);
    const loc = table?.byId.get(current) ?? null;
    if (this.localityState === undefined || (loc && !table.byState.get(this.localityState)?.includes(loc))) this.localityState = loc ? loc.state : "";
    const none = table ? "— choose a state —" : this.localityError ? "Locality table unavailable" : "Loading the locality table…";
    clear(stateSel).append(h("option", { value: "", text: none }), ...(table?.states ?? []).map(([code, name]) => h("option", { value: code, text: `${name} (${code})` })));
    stateSel.value = table ? this.localityState : "";
    const list = table?.byState.get(this.localityState) ?? [];
    const options = [["", this.localityState ? "— choose a locality —" : "None: national GPCIs (1.0)"], ...list.map((l) => [localityId(l), localityLabel(l)])];
    if (current && !options.some(([v]) => v === current)) options.push([current, `${current} (from the data)`]);
    clear(locSel).append(...options.map(([v, t]) => h("option", { value: v, text: t })));
    locSel.value = current;
    this.describeLocality();
  }

  pickState(code) {
    this.localityState = code;
    const list = this.localities?.byState.get(code) ?? [];
    const current = getPath(this.state, "payment.locality");
    const keep = list.some((l) => localityId(l) === current);
    // A state that is one locality picks it; otherwise the person picks one of the state's.
    if (!keep) setPath(this.state, "payment.locality", list.length === 1 ? localityId(list[0]) : undefined);
    this.fillLocalityControls();
    if (!keep) this.opts.onChange();
  }

  describeLocality() {
    if (!this.localityDesc) return;
    const id = getPath(this.state, "payment.locality");
    const l = typeof id === "string" ? this.localities?.byId.get(id) : null;
    this.localityDesc.textContent = l ? `${l.name}. Counties: ${l.counties || l.area}. CY2025 GPCIs: work ${l.work}, PE ${l.pe}, MP ${l.mp}.` : "";
  }

  /** The three GPCIs, an explicit override of the locality's (each sent only when filled). */
  gpciOverride() {
    const gpci = getPath(this.state, "payment.gpci");
    const filled = gpci !== undefined && gpci !== null && !(typeof gpci === "object" && Object.values(gpci).every((v) => v === undefined || v === null || v === ""));
    return h(
      "details",
      { class: "gpci-override", open: this.gpciOpen ?? filled, ontoggle: (e) => (this.gpciOpen = e.target.open) },
      h("summary", { dataset: { focusKey: "gpci-override" }, text: "Override GPCIs" }),
      h("p", { class: "hint", text: "Only when other indices apply: a number typed here wins over the locality's (or 1.0) for that index; blank ones are not sent." }),
      h(
        "div",
        { class: "grid" },
        this.field("Work GPCI", "payment.gpci.work", "number", { step: "0.001", min: "0", placeholder: "1.000" }),
        this.field("PE GPCI", "payment.gpci.pe", "number", { step: "0.001", min: "0", placeholder: "1.000" }),
        this.field("MP GPCI", "payment.gpci.mp", "number", { step: "0.001", min: "0", placeholder: "1.000" }),
      ),
    );
  }

  // ------------------------------------------------------------------ programs (CONTRACT §10)

  /** Whether the month asks for `program` beside CCM. */
  compares(program) {
    const list = this.state.programs;
    return Array.isArray(list) && list.includes(program);
  }

  /** "Programs to compare": CCM always; PCM and APCM ticked add them to `programs`. */
  programsField() {
    const hintId = uid("hint");
    const slot = this.slot("programs");
    const boxes = COMPARED.map((p) => {
      const id = uid("prog");
      const box = h("input", { type: "checkbox", id, value: p, checked: this.compares(p), dataset: { path: "programs", kind: "programs", focusKey: `programs:${p}` }, "aria-describedby": `${hintId} ${slot.id}` });
      if (!this.controls.has("programs")) this.controls.set("programs", box);
      return h("div", { class: "check" }, box, h("label", { for: id, text: `${PROGRAMS[p].short}: ${PROGRAMS[p].name}` }));
    });
    return h(
      "fieldset",
      { class: "programs", "data-msg-path": "programs" },
      h("legend", { text: "Programs to compare" }),
      h("p", { class: "hint", id: hintId, text: "CCM is always checked. Tick PCM or APCM to see what each would bill this month, side by side in the verdict." }),
      h("div", { class: "program-boxes" }, boxes),
      slot,
    );
  }

  /** The APCM service element ids of the month's rule pack (null when the pack defines no APCM). */
  apcmElementIds() {
    return this.opts.apcmElements?.(this.state) ?? null;
  }

  /** APCM: the practitioner's primary-care responsibility and the service elements attested. */
  apcmSection() {
    const path = "apcm.elementsAttested";
    const had = getPath(this.state, path);
    const chosen = Array.isArray(had) ? had : [];
    const ids = this.apcmElementIds();
    // Ids the pack does not list (from imported data) stay visible, so they round-trip.
    const extra = chosen.filter((x) => typeof x === "string" && !(ids ?? []).includes(x));
    const legendId = uid("els");
    const slot = this.slot(path);
    const box = (v, text) => {
      const id = uid("el");
      return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: v, checked: chosen.includes(v), dataset: { path, kind: "elements" }, "aria-describedby": slot.id }), h("label", { for: id, text }));
    };
    return this.section("Advanced primary care (APCM)", "apcm", "APCM is chosen for a patient by the practice and billed every month; it needs no minutes. These attestations are read only when APCM is compared.", [
      h("div", { class: "grid" }, this.field("Responsible for the patient's primary care", "apcm.responsibleForPrimaryCare", "bool", { hint: "The billing practitioner is the continuing focal point for all needed services" })),
      h(
        "fieldset",
        { class: "elements apcm-elements", "data-msg-path": path, "aria-labelledby": legendId },
        h("legend", { id: legendId, text: "Service elements the practice provides (attested)" }),
        ids ? null : h("p", { class: "hint", text: "The rule pack defines no APCM service elements." }),
        [...(ids ?? []).map((v) => box(v, APCM_ELEMENTS[v] ?? v)), ...extra.map((v) => box(v, `${v} (from the data)`))],
        ids?.length || extra.length
          ? h(
              "div",
              { class: "pack-buttons" },
              h("button", { type: "button", class: "small", dataset: { action: "all", target: path, focusKey: `all:${path}` }, text: "Select all", "aria-label": "Select all service elements" }),
              h("button", { type: "button", class: "small", dataset: { action: "none", target: path, focusKey: `none:${path}` }, text: "Clear all", "aria-label": "Clear all service elements" }),
            )
          : null,
        slot,
      ),
    ]);
  }

  templateListId() {
    this._tplList ??= uid("tpl");
    return this._tplList;
  }

  templateDatalist() {
    return h("datalist", { id: this.templateListId() }, (this.opts.templates ?? []).map((t) => h("option", { value: t.version, text: t.title })));
  }

  listSection(title, path, hint, addLabel, renderRow) {
    const arr = getPath(this.state, path);
    const rows = Array.isArray(arr) ? arr : [];
    return this.section(title, path, hint, [
      h("ol", { class: "rows" }, rows.map((item, i) => renderRow(item, `${path}[${i}]`, i))),
      h("button", { type: "button", class: "add", dataset: { action: "add", target: path, focusKey: `add:${path}` }, text: addLabel }),
    ]);
  }

  rowShell(path, label, children) {
    const id = uid("row");
    return h(
      "li",
      { class: "row", "data-msg-path": path, "aria-labelledby": id },
      h(
        "div",
        { class: "row-head" },
        h("span", { class: "row-title", id, text: label }),
        h("button", { type: "button", class: "remove small", dataset: { action: "remove", target: path, focusKey: `remove:${path}` }, text: "Remove", "aria-label": `Remove ${label}` }),
      ),
      this.slot(path),
      children,
    );
  }

  conditionsSection() {
    return this.listSection("Chronic conditions", "conditions", "ICD-10-CM FY2026. Type a code or words (e.g. 'E11.9', 'diabetes type 2', 'copd').", "Add condition", (item, path, i) =>
      this.rowShell(path, `Condition ${i + 1}`, [
        h(
          "div",
          { class: "grid" },
          this.comboField(`${path}.code`),
          this.field("Counts as chronic", `${path}.chronic`, "tristate", { options: [["", "Per the AHRQ table"], ["true", "Yes, chronic"], ["false", "No"]] }),
          this.field("Significant risk", `${path}.significantRisk`, "tristate", { options: [["", "Not stated"], ["true", "Yes"], ["false", "No (does not count)"]] }),
          this.compares("pcm") ? this.field("PCM focus", `${path}.pcmFocus`, "bool", { hint: "The one condition PCM manages" }) : null,
        ),
      ]),
    );
  }

  comboField(path) {
    const id = uid("code");
    const listId = `${id}-list`;
    const slot = this.slot(path);
    const statusId = uid("status");
    const descId = uid("desc");
    const value = getPath(this.state, path) ?? "";
    const input = h("input", {
      id,
      type: "text",
      value: String(value),
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
      "aria-describedby": `${descId} ${slot.id}`,
      autocomplete: "off",
      spellcheck: "false",
      class: "code-input",
      placeholder: "E11.9 or words",
      dataset: { path, kind: "text", combo: "" },
      onkeydown: (e) => this.comboKey(e),
      onfocus: () => icdReady().catch(() => {}),
      onblur: () => setTimeout(() => this.closeCombo(input), 150),
    });
    this.controls.set(path, input);
    const list = h("ul", { id: listId, role: "listbox", class: "combo-list", hidden: true, "aria-label": "Matching ICD-10-CM codes" });
    list.addEventListener("mousedown", (e) => {
      const opt = e.target.closest("[role=option]");
      if (!opt) return;
      e.preventDefault();
      this.pickCode(input, opt.dataset.code);
    });
    return h(
      "div",
      { class: "field combo", "data-msg-path": path },
      h("label", { for: id, text: "Diagnosis (ICD-10-CM)" }),
      h("div", { class: "combo-wrap" }, input, list),
      h("span", { class: "desc", id: descId, dataset: { descFor: path }, "aria-live": "polite" }),
      h("span", { class: "visually-hidden", role: "status", dataset: { comboStatus: id }, id: statusId }),
      slot,
    );
  }

  consentSection() {
    const elementsPath = "consent.elements";
    const chosen = new Set(getPath(this.state, elementsPath) ?? []);
    const href = this.opts.consentHref;
    const elId = uid("els");
    return this.section("Consent", "consent", "Use the Consent tab to read a built-in script and record the answer; or enter your own record here.", [
      href ? h("p", {}, h("a", { href, class: "button-link", text: "Capture consent with a script" })) : null,
      h(
        "div",
        { class: "grid" },
        this.field("Patient's answer", "consent.status", "select", { options: [["", "— no consent recorded —"], ["accepted", "Accepted"], ["declined", "Declined"], ["revoked", "Revoked (stopped)"]] }),
        this.field("Date given", "consent.date", "date", {}),
        this.field("Method", "consent.method", "select", { options: [["", "—"], ["verbal", "Verbal"], ["written", "Written"], ["electronic", "Electronic"]] }),
        this.field("Script version", "consent.version", "text", { list: this.templateListId() }),
        this.field("Script text SHA-256", "consent.textSha256", "text", { class: "mono" }),
        this.field("For practitioner (ID)", "consent.practitionerId", "text", {}),
        this.field("Revoked on", "consent.revokedOn", "date", {}),
        this.field("Captured by (name)", "consent.capturedBy.name", "text", {}),
        this.field("Captured by (role)", "consent.capturedBy.role", "select", { options: [["", "—"], ...Object.entries(ROLES)] }),
      ),
      h(
        "fieldset",
        { class: "elements", "data-msg-path": elementsPath, "aria-describedby": elId },
        h("legend", { text: "Points explained to the patient (needed for your own scripts; built-in scripts cover all four)" }),
        Object.entries(CONSENT_ELEMENTS).map(([v, t]) => {
          const id = uid("el");
          return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: v, checked: chosen.has(v), dataset: { path: elementsPath, kind: "elements" } }), h("label", { for: id, text: t }));
        }),
        h("div", { id: elId }, this.slot(elementsPath)),
      ),
    ]);
  }

  carePlanSection() {
    const revPath = "carePlan.revisedOn";
    const revs = getPath(this.state, revPath);
    const rows = Array.isArray(revs) ? revs : [];
    return this.section("Care plan", "carePlan", null, [
      h(
        "div",
        { class: "grid" },
        this.field("Established on", "carePlan.established", "date", {}),
        this.field("Signed by (practitioner ID)", "carePlan.signedBy", "text", {}),
        this.field("Signed on", "carePlan.signedOn", "date", {}),
        this.field("Last reviewed", "carePlan.lastReviewed", "date", {}),
        this.field("Kept electronically", "carePlan.electronic", "bool", {}),
        this.field("Care team can reach it 24/7", "carePlan.accessible24x7", "bool", {}),
        this.field("Copy given to the patient", "carePlan.sharedWithPatient", "bool", {}),
        this.compares("pcm") ? this.field("Care plan is disease-specific", "carePlan.diseaseSpecific", "bool", { hint: "PCM: it addresses the focus condition specifically" }) : null,
      ),
      h(
        "div",
        { class: "sublist", "data-msg-path": revPath },
        h("h3", { text: "Revisions" }),
        this.slot(revPath),
        h(
          "ol",
          { class: "rows compact" },
          rows.map((_, i) =>
            h(
              "li",
              { class: "row inline", "data-msg-path": `${revPath}[${i}]` },
              this.field(`Revised on (${i + 1})`, `${revPath}[${i}]`, "date", {}),
              h("button", { type: "button", class: "remove small", dataset: { action: "remove", target: `${revPath}[${i}]`, focusKey: `remove:${revPath}[${i}]` }, text: "Remove", "aria-label": `Remove revision ${i + 1}` }),
            ),
          ),
        ),
        h("button", { type: "button", class: "add small", dataset: { action: "add", target: revPath, focusKey: `add:${revPath}` }, text: "Add revision date" }),
      ),
    ]);
  }

  timeSection() {
    return this.listSection("Time this month", "timeEntries", "One row per piece of care management work. Use the timer while you work, or type the times.", "Add time entry", (entry, path, i) => {
      const m = this.metaFor(entry);
      const modeName = uid("mode");
      const timerRunning = Boolean(m.timer);
      const interval = m.mode === "interval";
      const dt = (label, key) => {
        const p = `${path}.${key}`;
        const id = uid("dt");
        const slot = this.slot(p);
        const parts = splitDateTime(entry[key]);
        const control = h("input", {
          id,
          type: "datetime-local",
          value: parts.local ? parts.local.slice(0, 19) : "",
          step: parts.local && parts.local.length > 16 && !parts.local.endsWith(":00") ? "1" : "60",
          dataset: { path: p, kind: "datetime" },
          "aria-describedby": slot.id,
        });
        this.controls.set(p, control);
        return h("div", { class: "field", "data-msg-path": p }, h("label", { for: id, text: label }), control, parts.raw ? h("span", { class: "hint", text: `Imported as: ${parts.raw}` }) : null, slot);
      };
      const offId = uid("off");
      return this.rowShell(path, `Entry ${i + 1}${entry.id ? ` (${entry.id})` : ""}`, [
        h(
          "div",
          { class: "grid" },
          this.field("Performed by (name)", `${path}.performer.name`, "text", {}),
          this.field("Role", `${path}.performer.role`, "select", { options: [["", "—"], ...Object.entries(ROLES)] }),
          this.field("Staff ID", `${path}.performer.id`, "text", {}),
        ),
        h(
          "fieldset",
          { class: "mode" },
          h("legend", { text: "How the time is recorded" }),
          [
            ["interval", "Start and end"],
            ["minutes", "Date and minutes"],
          ].map(([v, t]) => {
            const id = uid("m");
            return h("span", { class: "check" }, h("input", { type: "radio", id, name: modeName, value: v, checked: m.mode === v, dataset: { kind: "mode", row: path, focusKey: `mode:${path}:${v}` } }), h("label", { for: id, text: t }));
          }),
        ),
        interval
          ? h(
              "div",
              { class: "grid times" },
              dt("Start", "start"),
              dt("End", "end"),
              h(
                "div",
                { class: "field" },
                h("label", { for: offId, text: "UTC offset" }),
                h("input", { id: offId, type: "text", value: m.offset ?? "", placeholder: "-05:00", size: 6, class: "mono", dataset: { path, kind: "offset", focusKey: `offset:${path}` }, "aria-describedby": `${offId}-hint` }),
                h("span", { class: "hint", id: `${offId}-hint`, text: "Blank: local time without offset" }),
              ),
              h(
                "div",
                { class: "field timer" },
                h("button", { type: "button", class: timerRunning ? "timer running" : "timer", dataset: { action: "timer", target: path, focusKey: `timer:${path}` }, "aria-pressed": String(timerRunning), text: timerRunning ? "Stop timer" : "Start timer" }),
                timerRunning
                  ? h("span", { class: "timer-out", role: "timer", dataset: { timerSince: String(m.timer.started) }, text: `Timer running: ${formatElapsed(Date.now() - m.timer.started)}` })
                  : h("span", { class: "duration", dataset: { durationFor: path } }),
              ),
            )
          : h("div", { class: "grid times" }, this.field("Date", `${path}.date`, "date", {}), this.field("Minutes", `${path}.minutes`, "int", { step: "1", min: "0", max: "1440" })),
        h(
          "div",
          { class: "grid" },
          this.field("Service", `${path}.service`, "select", { options: [["", "CCM"], ...Object.entries(SERVICES).filter(([k]) => k !== "ccm")], keepUnknown: true }),
          this.field("Patient was", `${path}.patientSetting`, "select", { options: [["", "At home / community"], ...Object.entries(SETTINGS).filter(([k]) => k !== "community")] }),
        ),
        this.field("What was done", `${path}.narrative`, "textarea", { rows: 2, placeholder: "e.g. Called patient about glucose log; adjusted insulin with pharmacist" }),
      ]);
    });
  }

  otherServicesSection() {
    const listId = uid("codes");
    return h(
      "div",
      {},
      this.listSection("Other services this month", "otherServices", "Other codes billed for this patient this month, by anyone (TCM, PCM, APCM, …).", "Add service", (item, path, i) =>
        this.rowShell(path, `Service ${i + 1}`, [
          h(
            "div",
            { class: "grid" },
            this.field("Code", `${path}.code`, "text", { list: listId, placeholder: "99495" }),
            this.field("Date", `${path}.date`, "date", {}),
            this.field("Billed by (ID)", `${path}.practitionerId`, "text", {}),
            this.field("Group (TIN)", `${path}.groupId`, "text", {}),
          ),
        ]),
      ),
      h("datalist", { id: listId }, OTHER_CODES.map(([c, t]) => h("option", { value: c, text: t }))),
    );
  }

  // ------------------------------------------------------------------ messages

  /**
   * Shows messages next to the controls their paths name.
   * @param {{ path: string, node: Node, severity?: string }[]} items
   * @returns {number} how many found a field (the rest went to the general area)
   */
  showMessages(items) {
    for (const slot of this.msgSlots.values()) clear(slot);
    const general = this.form.querySelector(".msgs.general");
    clear(general);
    for (const c of this.controls.values()) c.removeAttribute("aria-invalid");
    let placed = 0;
    for (const it of items) {
      let p = it.path ?? "";
      while (p && !this.msgSlots.has(p)) p = parentPath(p);
      const slot = p ? this.msgSlots.get(p) : general;
      if (p) placed++;
      // An issue shown beside a field other than the one its path names says the exact path
      // (a custom rule pack's `rulePack.codes[0].rvu` next to the pack picker).
      if (it.severity === "issue" && p && it.path && p !== it.path) it.node.append(" ", h("code", { class: "path", text: it.path }));
      slot.appendChild(it.node);
      if (it.severity === "error" || it.severity === "issue") {
        this.controls.get(p)?.setAttribute("aria-invalid", "true");
        const closed = slot.closest("details:not([open])");
        if (closed && this.form.contains(closed)) closed.open = true;
      }
    }
    return placed;
  }

  /** Moves focus to the control (or row, or section) a path names. */
  focusPath(path) {
    let p = path ?? "";
    while (p && !this.controls.has(p) && !this.msgSlots.has(p)) p = parentPath(p);
    const target = this.controls.get(p) ?? this.msgSlots.get(p)?.closest("[data-msg-path]")?.querySelector("input, select, textarea, button");
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
  }
}

function formatElapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}
