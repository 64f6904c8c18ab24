// What-if revenue (CONTRACT §7): the calculator over the engine's `whatIf`, which prices each band
// with the same code that evaluates a month. Recomputes on every input.
import { h, add, clear, uid, download, readFileText } from "./dom.js";
import { CODES, PAYMENT_SETTINGS, PROGRAMS, TRACKS, money } from "./words.js";
import { barChart } from "./chart.js";
import { loadLocalities, localityId } from "./localities.js";

/** The pack picker's value for a pack loaded from a file. */
const FILE_PACK = "file:";

export const DEFAULT_BANDS = [
  { track: "staff", minutes: 12, share: 0.15 },
  { track: "staff", minutes: 17, share: 0.1 },
  { track: "staff", minutes: 25, share: 0.35 },
  { track: "staff", minutes: 37, share: 0.1 },
  { track: "staff", minutes: 45, share: 0.1 },
  { track: "complex", minutes: 70, share: 0.05 },
  { track: "practitioner", minutes: 35, share: 0.05 },
];

const TRACK_SHORT = { staff: "Staff", complex: "Complex", practitioner: "Practitioner" };
/** What "Compare programs" sends (CONTRACT §10): each band priced under CCM, PCM and APCM. */
const COMPARE = ["ccm", "pcm", "apcm"];
const pct = (x) => `${+(x * 100).toFixed(2)}%`;
const pm = (x) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });

export class WhatIfView {
  constructor(root, { engine }) {
    this.root = root;
    this.engine = engine;
    this.packs = engine.rulePacks();
    this.bands = DEFAULT_BANDS.map((b) => ({ ...b }));
    this.localities = null;
    this.filePack = null; // { name, pack } of a rule-pack file read here (never sent or kept)
    this.build();
    this.update();
    loadLocalities()
      .then((table) => this.fillLocalities(table))
      .catch((e) => (this.localitySelect.title = `2025 locality table unavailable: ${e.message}`));
  }

  num(id, label, value, o = {}) {
    const input = h("input", { type: "number", id, value: String(value), step: o.step ?? "any", min: o.min ?? "0", max: o.max, placeholder: o.placeholder, inputmode: "decimal", "aria-describedby": o.describedBy ?? (o.hint ? `${id}-hint` : null), dataset: { scenario: id } });
    return h("div", { class: "field" }, h("label", { for: id, text: label }), input, o.hint ? h("span", { class: "hint", id: `${id}-hint`, text: o.hint }) : null);
  }

  build() {
    const root = clear(this.root);
    this.form = h("form", { class: "whatif-form", novalidate: true, onsubmit: (e) => e.preventDefault(), "aria-labelledby": "wi-inputs" });
    this.form.addEventListener("input", () => this.update());
    this.form.addEventListener("change", () => this.update());
    this.localitySelect = h("select", { id: "wi-locality", "aria-describedby": "wi-locality-hint", onchange: () => this.describeLocality() }, h("option", { value: "", text: "None: national GPCIs (1.0)" }));
    this.packFileInput = h("input", { type: "file", accept: "application/json,.json", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (e) => this.loadPackFile(e.target) });
    this.packNote = h("p", { class: "hint pack-note", id: "wi-pack-note", "aria-live": "polite" });
    this.bandsBody = h("tbody");
    this.results = h("div", { class: "whatif-results", "aria-live": "polite", "aria-atomic": "false" });
    this.form.append(
      h("h2", { id: "wi-inputs", text: "Your practice" }),
      h(
        "div",
        { class: "grid" },
        h(
          "div",
          { class: "field" },
          h("label", { for: "wi-pack", text: "Rule pack" }),
          h(
            "div",
            { class: "with-button" },
            h(
              "select",
              { id: "wi-pack", "aria-describedby": "wi-pack-note" },
              this.packs.map((p) => h("option", { value: p.id, text: `${p.id} (${p.effectiveFrom} – ${p.effectiveTo ?? "open"})${p.status === "provisional" ? " — provisional" : ""}`, selected: p.id === "medicare-cy2026" })),
            ),
            h("button", { type: "button", class: "small", text: "Load pack file…", onclick: () => this.packFileInput.click() }),
            this.packFileInput,
          ),
          this.packNote,
        ),
        this.num("wi-patients", "Panel size (patients)", 1000, { step: "1" }),
        this.num("wi-eligible", "Eligible for CCM (%)", 60, { max: "100", hint: "Two or more chronic conditions" }),
        this.num("wi-enrollment", "Of those, enrolled (%)", 50, { max: "100" }),
        this.num("wi-cost", "Staff cost per hour ($)", 40, { hint: "Loaded cost of the staff doing CCM" }),
        h(
          "div",
          { class: "field" },
          h("label", { for: "wi-setting", text: "Setting" }),
          h(
            "select",
            { id: "wi-setting" },
            h("option", { value: "nonFacility", text: "Office / non-facility" }),
            h("option", { value: "facility", text: "Facility" }),
            h("option", { value: "rhc", text: "Rural health clinic (RHC): national amount" }),
            h("option", { value: "fqhc", text: "FQHC: national amount" }),
          ),
        ),
        h("div", { class: "field check" }, h("input", { type: "checkbox", id: "wi-apm" }), h("label", { for: "wi-apm", text: "Qualifying APM participant" })),
      ),
      h(
        "fieldset",
        { class: "gpci" },
        h("legend", { text: "Geographic adjustment (GPCI)" }),
        h("div", { class: "field wide" }, h("label", { for: "wi-locality", text: "Medicare locality (2025 table)" }), this.localitySelect, h("span", { class: "hint", id: "wi-locality-hint", text: "Sent to the engine as the locality; the engine prices it with CMS's CY2025 GPCIs (for 2026 and 2027, a stand-in: no later table was available)." })),
        h("p", { class: "hint", id: "wi-gpci-hint", text: "Override GPCIs: a number typed here wins over the locality's (or 1.0); blank ones are not sent." }),
        h("div", { class: "grid" }, ...["work", "pe", "mp"].map((k) => this.num(`wi-gpci-${k}`, `${k === "work" ? "Work" : k.toUpperCase()} GPCI`, "", { step: "0.001", placeholder: "1.000", describedBy: "wi-gpci-hint" }))),
      ),
      h("h2", { id: "wi-bands-title", text: "Minutes per patient-month" }),
      h("p", { class: "hint", text: "How enrolled patients' months spread over minutes of care management, by kind of CCM. Shares should add up to 100% or less (the rest: months with no CCM time)." }),
      h(
        "table",
        { class: "bands-input", "aria-labelledby": "wi-bands-title" },
        h("thead", {}, h("tr", {}, ["Kind of CCM", "Minutes", "Share of months (%)"].map((t) => h("th", { scope: "col", text: t })), h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Remove" })))),
        this.bandsBody,
      ),
      h("div", { class: "buttons" }, h("button", { type: "button", text: "Add band", onclick: () => this.addBand() }), h("button", { type: "button", text: "Reset bands", onclick: () => this.resetBands() }), h("button", { type: "button", text: "Export scenario", onclick: () => download("ccm-what-if.json", JSON.stringify(this.scenario(), null, 2) + "\n") })),
      h("p", { class: "share-sum", "aria-live": "polite" }),
      h(
        "div",
        { class: "field check compare" },
        h("input", { type: "checkbox", id: "wi-programs", "aria-describedby": "wi-programs-hint" }),
        h("label", { for: "wi-programs", text: "Compare programs (CCM, PCM, APCM) per band" }),
        h("span", { class: "hint", id: "wi-programs-hint", text: "Prices each band's minutes under Principal Care Management too, and APCM level 2, which needs no minutes." }),
      ),
    );
    root.append(h("p", { class: "lead", text: "Project CCM revenue for a panel with the same rules and prices the month check uses. Change any number; the projection updates at once." }), h("div", { class: "whatif-grid" }, this.form, this.results));
    this.renderBands();
  }

  renderBands(focusIndex) {
    clear(this.bandsBody);
    this.bands.forEach((b, i) => {
      const id = (k) => `wi-band-${i}-${k}`;
      this.bandsBody.append(
        h(
          "tr",
          { dataset: { band: String(i) } },
          h("td", {}, h("label", { for: id("track"), class: "visually-hidden", text: `Band ${i + 1} kind of CCM` }), h("select", { id: id("track"), onchange: (e) => (this.bands[i].track = e.target.value) }, Object.keys(TRACKS).map((t) => h("option", { value: t, text: TRACKS[t], selected: t === b.track })))),
          h("td", {}, h("label", { for: id("minutes"), class: "visually-hidden", text: `Band ${i + 1} minutes` }), h("input", { type: "number", id: id("minutes"), min: "0", step: "1", value: String(b.minutes), oninput: (e) => (this.bands[i].minutes = e.target.value === "" ? NaN : Number(e.target.value)) })),
          h("td", {}, h("label", { for: id("share"), class: "visually-hidden", text: `Band ${i + 1} share of months, percent` }), h("input", { type: "number", id: id("share"), min: "0", max: "100", step: "any", value: String(+(b.share * 100).toFixed(4)), oninput: (e) => (this.bands[i].share = e.target.value === "" ? NaN : Number(e.target.value) / 100) })),
          h("td", {}, h("button", { type: "button", class: "small", text: "Remove", "aria-label": `Remove band ${i + 1}`, onclick: () => this.removeBand(i) })),
        ),
      );
    });
    if (focusIndex !== undefined) this.bandsBody.querySelector(`#wi-band-${focusIndex}-minutes`)?.focus();
  }

  addBand() {
    this.bands.push({ track: "staff", minutes: 20, share: 0 });
    this.renderBands(this.bands.length - 1);
    this.update();
  }

  removeBand(i) {
    this.bands.splice(i, 1);
    this.renderBands();
    this.form.querySelector("button")?.focus();
    this.update();
  }

  resetBands() {
    this.bands = DEFAULT_BANDS.map((b) => ({ ...b }));
    this.renderBands();
    this.update();
  }

  /** The locality picker: one group per state (DC's locality also under MD and VA). */
  fillLocalities(table) {
    this.localities = table;
    for (const [code, name] of table.states) {
      this.localitySelect.append(
        h(
          "optgroup",
          { label: `${name} (${code})` },
          table.byState.get(code).map((l) => h("option", { value: localityId(l), text: `${l.name} (2025: ${l.work.toFixed(3)} / ${l.pe.toFixed(3)} / ${l.mp.toFixed(3)})` })),
        ),
      );
    }
  }

  /** The picked locality's GPCIs become the override fields' placeholders (the fields stay blank). */
  describeLocality() {
    const l = this.localities?.byId.get(this.localitySelect.value);
    for (const k of ["work", "pe", "mp"]) this.form.querySelector(`#wi-gpci-${k}`).placeholder = l ? String(l[k]) : "1.000";
  }

  async loadPackFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    const select = this.form.querySelector("#wi-pack");
    let pack;
    try {
      pack = JSON.parse(await readFileText(file));
      if (!pack || typeof pack !== "object" || Array.isArray(pack)) throw new Error("not one JSON object");
    } catch (err) {
      this.packNote.textContent = `${file.name} is not a rule pack (${err.message}); the pack was not changed.`;
      return;
    }
    this.filePack = { name: file.name, pack };
    select.querySelector(`option[value="${FILE_PACK}"]`)?.remove();
    const id = typeof pack.id === "string" && pack.id ? pack.id : "(no id)";
    select.append(h("option", { value: FILE_PACK, text: `${id} (from ${file.name})${pack.status === "provisional" ? " — provisional" : ""}` }));
    select.value = FILE_PACK;
    this.packNote.textContent = `Loaded ${file.name} in this browser (not sent anywhere). The engine checks it like a built-in pack.`;
    this.update();
  }

  /** The WhatIfScenario the inputs describe (what the engine gets). */
  scenario() {
    const v = (id) => this.form.querySelector(`#${id}`).value;
    const n = (id) => (v(id) === "" ? NaN : Number(v(id)));
    const payment = { setting: v("wi-setting"), qualifyingApmParticipant: this.form.querySelector("#wi-apm").checked };
    if (v("wi-locality")) payment.locality = v("wi-locality");
    // Override GPCIs: only the filled ones are sent.
    const gpci = Object.fromEntries(["work", "pe", "mp"].filter((k) => v(`wi-gpci-${k}`) !== "").map((k) => [k, n(`wi-gpci-${k}`)]));
    if (Object.keys(gpci).length) payment.gpci = gpci;
    return {
      rulePack: v("wi-pack") === FILE_PACK && this.filePack ? this.filePack.pack : v("wi-pack"),
      patients: n("wi-patients"),
      eligibleShare: n("wi-eligible") / 100,
      enrollment: n("wi-enrollment") / 100,
      staffCostPerHour: n("wi-cost"),
      payment,
      bands: this.bands.map((b) => ({ track: b.track, minutes: b.minutes, share: b.share })),
      ...(this.form.querySelector("#wi-programs").checked ? { programs: [...COMPARE] } : {}),
    };
  }

  update() {
    const sc = this.scenario();
    const sum = this.bands.reduce((s, b) => s + (Number.isFinite(b.share) ? b.share : 0), 0);
    this.form.querySelector(".share-sum").textContent = `Shares add up to ${pct(sum)}${sum > 1 + 1e-9 ? ": more than 100%, lower some." : "."}`;
    // JSON turns NaN into null, which the engine reports with its path.
    const t0 = performance.now();
    const r = this.engine.whatIf(JSON.parse(JSON.stringify(sc)));
    const ms = performance.now() - t0;
    this.last = { scenario: sc, result: r };
    this.renderResults(r, ms, sc);
  }

  /** "Priced for: office (non-facility) in Medicare locality 01112-09 (…), CY2025 GPCIs as a stand-in for 2026." */
  pricingWords(sc, r) {
    const p = sc.payment;
    const l = p.locality ? this.localities?.byId.get(p.locality) : null;
    const year = r.rulePack.effectiveFrom?.slice(0, 4);
    const national = p.setting === "rhc" || p.setting === "fqhc";
    let text = `Priced for: ${PAYMENT_SETTINGS[p.setting] ?? p.setting}`;
    if (p.locality && !national) text += ` in Medicare locality ${p.locality}${l ? ` (${l.name})` : ""}, CY2025 GPCIs${year && year !== "2025" ? ` as a stand-in for ${year}` : ""}`;
    if (p.gpci) text += `; typed GPCIs: ${Object.entries(p.gpci).map(([k, x]) => `${k} ${x}`).join(", ")}`;
    return `${text}.`;
  }

  renderResults(r, ms, sc) {
    const out = clear(this.results);
    out.dataset.ok = String(Boolean(r?.ok));
    if (!r?.ok) {
      add(out,
        h("h2", { text: "Projection" }),
        h("p", { class: "status status-error", role: "status" }, h("span", { class: "badge", text: "Check the numbers" })),
        h("ul", { class: "issues" }, (r?.error?.issues ?? []).map((i) => h("li", {}, h("code", { text: i.path || "(scenario)" }), " ", i.message))),
      );
      return;
    }
    const m = r.monthly;
    const a = r.annual;
    const totalRow = (label, key, fmt = money) =>
      h(
        "tr",
        { dataset: { total: key } },
        h("th", { scope: "row", text: label }),
        h("td", { class: "num", dataset: { period: "monthly", value: String(get(m, key)) }, text: fmt(get(m, key)) }),
        h("td", { class: "num", dataset: { period: "annual", value: String(get(a, key)) }, text: fmt(get(a, key)) }),
      );
    const apcm = r.apcmComparison;
    add(out,
      h("h2", { text: "Projection" }),
      h("p", { class: "summary" }, `${pm(r.enrolledPatients)} enrolled patients · `, h("strong", { text: `${money(m.allowed)} a month, ${money(a.allowed)} a year` }), " allowed (estimate)"),
      h(
        "table",
        { class: "totals" },
        h("caption", { text: "Totals" }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Total" })), h("th", { scope: "col", text: "Monthly" }), h("th", { scope: "col", text: "Annual" }))),
        h(
          "tbody",
          {},
          totalRow("Patient-months", "patientMonths", pm),
          totalRow("Allowed (Medicare + patient)", "allowed"),
          totalRow("Coinsurance owed by patients (20%)", "coinsurance"),
          totalRow("Staff cost", "staffCost"),
          totalRow("Margin after staff cost", "margin"),
          totalRow("Months just short of the next code", "minutesLeftOnTable.patientMonths", pm),
          totalRow("Left on the table (value of those next codes)", "minutesLeftOnTable.allowed"),
        ),
      ),
      apcm
        ? h(
            "p",
            { class: "apcm", dataset: { code: apcm.code, monthly: String(apcm.monthly), annual: String(apcm.annual) } },
            `For comparison, ${CODES[apcm.code] ?? apcm.code} (${apcm.code}) for the same enrolled patients: ${money(apcm.perPatientMonth)} per patient-month, `,
            h("strong", { text: `${money(apcm.monthly)} a month, ${money(apcm.annual)} a year` }),
            ` (CCM: ${money(m.allowed)} a month).`,
          )
        : null,
      h(
        "table",
        { class: "bands-out" },
        h("caption", { text: "By band (one month)" }),
        h("thead", {}, h("tr", {}, ["Band", "Patient-months", "Codes per month", "Per patient-month", "Allowed", "Coinsurance", "Staff cost", "Next code"].map((t) => h("th", { scope: "col", text: t })))),
        h(
          "tbody",
          {},
          r.bands.map((b, i) =>
            h(
              "tr",
              { class: b.nearMiss ? "near-miss" : "", dataset: { band: String(i), allowed: String(b.allowed) } },
              h("th", { scope: "row", text: `${TRACK_SHORT[b.track] ?? b.track} ${b.minutes} min (${pct(b.share)})` }),
              h("td", { class: "num", text: pm(b.patientMonths) }),
              h("td", { class: "codes", text: b.lines.length ? b.lines.map((l) => `${l.code} ×${l.units}`).join(" + ") : "none" }),
              h("td", { class: "num", text: money(b.allowedPerPatientMonth) }),
              h("td", { class: "num", text: money(b.allowed) }),
              h("td", { class: "num", text: money(b.coinsurance) }),
              h("td", { class: "num", text: money(b.staffCost) }),
              h("td", { text: b.nextUnit ? `${b.nextUnit.minutesNeeded} min to ${b.nextUnit.code}${b.nearMiss ? " (just short)" : ""}` : "—" }),
            ),
          ),
        ),
      ),
      r.bands.some((b) => b.programs) ? this.programsTable(r) : null,
      h("figure", { class: "chart-fig" }, barChart({
        title: "Monthly allowed and staff cost by band",
        groups: r.bands.map((b) => ({ label: `${TRACK_SHORT[b.track] ?? b.track} ${b.minutes} min`, bars: [{ key: "allowed", value: b.allowed }, { key: "cost", value: b.staffCost }] })),
        series: { allowed: { label: "Allowed", cls: "s-allowed" }, cost: { label: "Staff cost", cls: "s-cost" } },
        format: money,
      }), h("figcaption", { text: "Monthly allowed and staff cost by band" })),
      h("figure", { class: "chart-fig" }, barChart({
        title: "CCM compared with APCM level 2, per month",
        groups: [
          { label: "CCM", bars: [{ key: "allowed", value: m.allowed }, { key: "margin", value: m.margin }, { key: "table", value: m.minutesLeftOnTable.allowed }] },
          ...(apcm ? [{ label: `APCM level 2 (${apcm.code})`, bars: [{ key: "allowed", value: apcm.monthly }] }] : []),
        ],
        series: { allowed: { label: "Allowed", cls: "s-allowed" }, margin: { label: "Margin after staff cost", cls: "s-margin" }, table: { label: "Left on the table", cls: "s-table" } },
        format: money,
      }), h("figcaption", { text: "CCM compared with APCM level 2, per month" })),
      r.rulePack.status === "provisional"
        ? h("p", { class: "provisional", role: "note", text: `Provisional rules: ${r.rulePack.id} uses facts that are not final (for CY2027 the proposed rule's conversion factor and CY2026's RVUs). Amounts may change.` })
        : "",
      h("p", { class: "pricing", dataset: { setting: sc.payment.setting ?? "", locality: sc.payment.locality ?? "" } }, this.pricingWords(sc, r)),
      h("p", { class: "meta", text: `Rules: ${r.rulePack.id} ${r.rulePack.version}${r.rulePack.payer && r.rulePack.payer !== "Medicare Part B" ? ` (${r.rulePack.payer})` : ""} · computed in ${ms.toFixed(2)} ms · estimates, before deductibles and secondary insurance.` }),
    );
  }

  /**
   * Per band, what the same patient-months would be allowed under CCM, PCM and APCM, and which pays
   * most: the engine's numbers only (band.programs), with the caveat that patients qualify differently.
   */
  programsTable(r) {
    const cell = (b, id) => {
      const x = b.programs?.[id];
      const best = b.programs?.best === id;
      if (!x) return h("td", { class: "num", dataset: { program: id }, text: "not in the rule pack" });
      return h(
        "td",
        { class: `num${best ? " best" : ""}`, dataset: { program: id, allowed: String(x.allowed), perPatientMonth: String(x.allowedPerPatientMonth) } },
        money(x.allowed),
        h("span", { class: "per", text: `${money(x.allowedPerPatientMonth)} per patient-month${x.track ? `, ${x.track === "practitioner" ? "practitioner's own time" : "clinical staff"}` : ""}` }),
      );
    };
    return h(
      "section",
      { class: "programs-out", "aria-labelledby": "wi-programs-title" },
      h("h3", { id: "wi-programs-title", text: "Programs compared per band" }),
      h(
        "table",
        { class: "programs-bands" },
        h("caption", { text: "Allowed for each band's patient-months under each program (one month)" }),
        h("thead", {}, h("tr", {}, ["Band", ...COMPARE.map((id) => PROGRAMS[id].short), "Pays most"].map((t) => h("th", { scope: "col", text: t })))),
        h(
          "tbody",
          {},
          r.bands.map((b, i) =>
            h(
              "tr",
              { dataset: { band: String(i), best: b.programs?.best ?? "" } },
              h("th", { scope: "row", text: bandLabel(b) }),
              COMPARE.map((id) => cell(b, id)),
              h("td", { class: "best-name", text: b.programs ? PROGRAMS[b.programs.best]?.short ?? b.programs.best : "—" }),
            ),
          ),
        ),
      ),
      h(
        "p",
        { class: "hint programs-caveat" },
        "Patients qualify differently, so the columns are not interchangeable: ",
        h("strong", { text: "CCM" }),
        " needs two or more chronic conditions; ",
        h("strong", { text: "PCM" }),
        " needs one complex chronic condition with a disease-specific care plan; ",
        h("strong", { text: "APCM" }),
        " is elected by the practice for patients whose primary care it is responsible for, and billed every month in place of CCM and PCM. PCM is priced on the band's minutes (complex bands on its clinical staff track), APCM at level 2 (G0557), which needs no minutes.",
      ),
    );
  }
}

/** "Staff 25 min (35%)" */
const bandLabel = (b) => `${TRACK_SHORT[b.track] ?? b.track} ${b.minutes} min (${pct(b.share)})`;

function get(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}
