// The payment section: setting, APM, the state → Medicare locality picker (the CY2025 table of
// js/localities.js; the state is UI only, not part of the month) and the GPCI override.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, clear, uid } from "../dom.js";
import { getPath, setPath } from "../paths.js";
import { localityId, localityLabel } from "../localities.js";

/** `payment.setting` (blank: the engine's default, non-facility). */
const PAYMENT_SETTINGS = [
  ["", "Office / non-facility"],
  ["facility", "Facility"],
  ["nonFacility", "Non-facility (explicit)"],
  ["rhc", "Rural health clinic (RHC)"],
  ["fqhc", "Federally qualified health center (FQHC)"],
];

export const paymentMethods = {
  paymentSection() {
    return this.section("Payment", "payment", "Used for the dollar estimate only.", [
      h(
        "div",
        { class: "grid" },
        this.field("Setting", "payment.setting", "select", { options: PAYMENT_SETTINGS, hint: "RHCs and FQHCs are paid the national amount, without geographic adjustment" }),
        this.field("Qualifying APM participant", "payment.qualifyingApmParticipant", "bool", {}),
      ),
      this.localityFields(),
      this.gpciOverride(),
    ]);
  },

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
  },

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
  },

  pickState(code) {
    this.localityState = code;
    const list = this.localities?.byState.get(code) ?? [];
    const current = getPath(this.state, "payment.locality");
    const keep = list.some((l) => localityId(l) === current);
    // A state that is one locality picks it; otherwise the person picks one of the state's.
    if (!keep) setPath(this.state, "payment.locality", list.length === 1 ? localityId(list[0]) : undefined);
    this.fillLocalityControls();
    if (!keep) this.opts.onChange();
  },

  describeLocality() {
    if (!this.localityDesc) return;
    const id = getPath(this.state, "payment.locality");
    const l = typeof id === "string" ? this.localities?.byId.get(id) : null;
    this.localityDesc.textContent = l ? `${l.name}. Counties: ${l.counties || l.area}. CY2025 GPCIs: work ${l.work}, PE ${l.pe}, MP ${l.mp}.` : "";
  },

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
  },
};
