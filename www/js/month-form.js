// The intake form of one patient-month. The form edits a MonthInput object (CONTRACT §2) in place:
// every control carries `data-path` (the engine's path syntax) and writes its value there on each
// `input` event. Findings and input issues come back with the same paths and are shown next to
// the control (or the row or section) they name.
//
// This file is the entry: the MonthForm class, its constructor and render(). The rest of its methods
// live in js/form/, one module per part of the form, each an object of methods mixed into the
// prototype below (`this` is the form in all of them):
//   form/state.js         the month being edited, setValue/getValue, evalInput (blank rows left out)
//   form/editing.js       the input / change / click handlers
//   form/controls.js      building blocks: section, message slot, field, list rows
//   form/sections.js      the plain sections (month, practitioner, patient, conditions, consent, …)
//   form/combobox.js      the ICD-10-CM combobox of a condition's code
//   form/time-entries.js  time rows: start/end or date/minutes, the timer, the time section
//   form/rule-pack.js     the rule-pack picker and pack files
//   form/payment.js       setting, the state → locality picker, the GPCI override
//   form/programs.js      programs to compare, the APCM section
//   form/messages.js      findings beside their fields, focus by path
//   form/datetime.js      local time, UTC offsets, RFC 3339 stamps (no `this`)
import { h, add, clear } from "./dom.js";
import { loadLocalities } from "./localities.js";
import { stateMethods } from "./form/state.js";
import { editingMethods } from "./form/editing.js";
import { controlMethods } from "./form/controls.js";
import { sectionMethods } from "./form/sections.js";
import { comboboxMethods } from "./form/combobox.js";
import { timeEntryMethods } from "./form/time-entries.js";
import { rulePackMethods } from "./form/rule-pack.js";
import { paymentMethods } from "./form/payment.js";
import { programMethods } from "./form/programs.js";
import { messageMethods } from "./form/messages.js";

export { localOffset, localStamp, todayIso } from "./form/datetime.js";

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

  render({ focus } = {}) {
    const active = this.root.getRootNode().activeElement;
    const focusKey = focus ?? active?.dataset?.focusKey ?? active?.dataset?.path ?? null;
    // Reading scrollTop forces a layout when the document has changed: only when there is a form
    // to keep the place in (the first render happens while the page is still being laid out).
    const scroll = this.form.firstChild ? this.form.parentElement?.scrollTop : 0;
    clear(this.form);
    this.msgSlots = new Map();
    this.controls = new Map();
    add(
      this.form,
      h("div", { class: "msgs general", "data-msg-path": "" }),
      this.monthSection(),
      this.practitionerSection(),
      this.patientSection(),
      this.conditionsSection(),
      this.consentSection(),
      this.initiatingVisitSection(),
      this.carePlanSection(),
      this.compares("apcm") ? this.apcmSection() : null,
      this.complexitySection(),
      this.timeSection(),
      this.otherServicesSection(),
      this.paymentSection(),
      this.claimSection(),
      this.templateDatalist(),
    );
    // Restoring a scroll position forces a layout of the whole new form: only when there is one.
    if (scroll && this.form.parentElement) this.form.parentElement.scrollTop = scroll;
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
}

Object.assign(
  MonthForm.prototype,
  stateMethods,
  editingMethods,
  controlMethods,
  sectionMethods,
  comboboxMethods,
  timeEntryMethods,
  rulePackMethods,
  paymentMethods,
  programMethods,
  messageMethods,
);
