// The verdict's claim export (issue 15): the CMS-1500 / 837P service lines of the month as a table
// and a CSV file, the same as an R4 Claim (JSON), and for each finding a payer would deny, the
// claim adjustment reason code it would use ("Would be denied as CO-97 …"). Built by the FHIR
// adapter's `claim()` (the same engine, so the lines never disagree with the verdict), which is
// loaded only when the person asks for it or imports a Bundle. The charges are the practice's own,
// typed here; nothing is sent or kept, files are made in the browser.
import { h, add, clear, uid, download } from "./dom.js";
import { CODES, findingWords, money } from "./words.js";

const PLACES = [
  ["11", "11 Office"],
  ["02", "02 Telehealth (not in the patient's home)"],
  ["10", "10 Telehealth in the patient's home"],
  ["12", "12 Home"],
  ["22", "22 On-campus outpatient hospital"],
  ["49", "49 Independent clinic"],
  ["50", "50 Federally qualified health center"],
  ["72", "72 Rural health clinic"],
];

const dotted = (icd) => (icd.length > 3 ? `${icd.slice(0, 3)}.${icd.slice(3)}` : icd);
const amount = (x) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(2) : "");

/** One CSV cell (RFC 4180: quoted when it holds a comma, quote or line break). */
const cell = (v) => {
  const s = String(v ?? "");
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The claim's lines as CSV: one row per service line, the header first (CRLF line ends). */
export function claimCsv(c) {
  const head = ["line", "code", "units", "unit_charge", "charge", "date_from", "date_to", "place_of_service", "diagnosis_pointers", "diagnoses", "rendering_npi"];
  const rows = c.lines.map((l) => [
    l.line,
    l.code,
    l.units,
    amount(l.unitCharge),
    amount(l.charge),
    l.dateOfService.from,
    l.dateOfService.to,
    l.placeOfService,
    l.diagnosisPointers.join(" "),
    l.diagnosisPointers.map((p) => dotted(c.diagnoses[p - 1] ?? "")).join(" "),
    l.renderingNpi,
  ]);
  return [head, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export class ClaimExport {
  /**
   * @param {HTMLElement} root the section (in the verdict panel) this export fills
   * @param {{ loadFhir: () => Promise<object> }} opts
   */
  constructor(root, { loadFhir }) {
    this.root = root;
    this.loadFhir = loadFhir;
    this.fhir = null; // the FHIR module, once loaded
    this.loading = false;
    this.error = null;
    this.charges = new Map(); // code → the charge typed by the person
    this.place = "11";
    this.month = null;
    this.result = null;
    this.last = null; // the latest claim() answer
    this.codesShown = "";
    this.ids = { title: uid("claim-title"), place: uid("claim-place") };
    root.setAttribute("aria-labelledby", this.ids.title);
    this.renderIntro();
  }

  /** Uses the FHIR module (already loaded by a Bundle import). */
  activate(fhir) {
    this.fhir = fhir;
    this.build();
    this.refresh();
  }

  async prepare() {
    this.loading = true;
    this.error = null;
    this.renderIntro();
    try {
      this.activate(await this.loadFhir());
      this.root.querySelector(".claim-charges input, .claim-place select")?.focus();
    } catch (e) {
      this.error = e.message;
      this.renderIntro();
    } finally {
      this.loading = false;
    }
  }

  renderIntro() {
    if (this.fhir) return;
    clear(this.root);
    add(this.root, 
      h("h3", { id: this.ids.title, text: "Claim export" }),
      h("p", { class: "hint", text: "The service lines to bill (CMS-1500 / 837P) with your charges, as a table, a CSV file and a FHIR Claim, and what a payer would deny. The claim builder is loaded from this page's server when you ask; nothing is sent." }),
      h("button", { type: "button", class: "prepare-claim", text: this.loading ? "Loading the claim builder…" : "Prepare claim", disabled: this.loading, onclick: () => this.prepare() }),
      this.error ? h("p", { class: "pack-note", role: "alert", text: `The claim builder could not load: ${this.error}` }) : null,
    );
  }

  /** The inputs (charges per code, place of service) and the output area. */
  build() {
    clear(this.root);
    this.chargesBox = h("fieldset", { class: "claim-charges" }, h("legend", { text: "Your charge per unit" }));
    this.placeSel = h(
      "select",
      { id: this.ids.place, onchange: (e) => ((this.place = e.target.value), this.refresh()) },
      PLACES.map(([v, t]) => h("option", { value: v, text: t, selected: v === this.place })),
    );
    this.out = h("div", { class: "claim-out", "aria-live": "off" });
    this.codesShown = "";
    add(this.root, 
      h("h3", { id: this.ids.title, text: "Claim export" }),
      h("div", { class: "field claim-place" }, h("label", { for: this.ids.place, text: "Place of service" }), this.placeSel),
      this.chargesBox,
      this.out,
    );
  }

  /** After every evaluation: the month as evaluated and its Result. */
  update(month, result) {
    this.month = month;
    this.result = result;
    if (this.fhir) this.refresh();
  }

  /** The codes the month can bill (its lines, or what its time supports), in order. */
  codes() {
    const e = this.result?.ok ? this.result.evaluation : null;
    if (!e) return [];
    const lines = e.lines.length ? e.lines : e.supportedLines ?? [];
    const out = [];
    for (const l of lines) if (!out.some((x) => x.code === l.code)) out.push({ code: l.code, perUnit: l.units ? Math.round((l.allowed / l.units) * 100) / 100 : null });
    const chosen = e.programs && e.recommended ? e.programs.find((p) => p.program === e.recommended.program) : null;
    for (const l of chosen && chosen.program !== "ccm" ? chosen.lines : []) if (!out.some((x) => x.code === l.code)) out.push({ code: l.code, perUnit: l.units ? Math.round((l.allowed / l.units) * 100) / 100 : null });
    return out;
  }

  renderCharges(codes) {
    const key = codes.map((c) => c.code).join(" ");
    if (key === this.codesShown) return;
    this.codesShown = key;
    for (const el of [...this.chargesBox.querySelectorAll(".field, .hint")]) el.remove();
    if (!codes.length) {
      add(this.chargesBox, h("p", { class: "hint", text: "No code to charge yet." }));
      return;
    }
    for (const c of codes) {
      const id = uid("charge");
      if (!this.charges.has(c.code) && c.perUnit !== null) this.charges.set(c.code, c.perUnit);
      add(this.chargesBox, 
        h(
          "div",
          { class: "field" },
          h("label", { for: id, text: `${c.code}${CODES[c.code] ? ` (${CODES[c.code]})` : ""}` }),
          h("input", {
            type: "number",
            id,
            min: "0",
            step: "0.01",
            inputmode: "decimal",
            value: this.charges.has(c.code) ? String(this.charges.get(c.code)) : "",
            dataset: { code: c.code },
            oninput: (e) => {
              const n = Number(e.target.value);
              if (e.target.value === "" || !Number.isFinite(n)) this.charges.delete(c.code);
              else this.charges.set(c.code, n);
              this.refresh();
            },
          }),
        ),
      );
    }
    add(this.chargesBox, h("p", { class: "hint", text: "Prefilled with the Medicare allowed amount per unit; type what your practice charges." }));
  }

  /** The claim context from the inputs. */
  context() {
    return { charges: Object.fromEntries(this.charges), placeOfService: this.place };
  }

  refresh() {
    if (!this.fhir || !this.out) return;
    this.renderCharges(this.codes());
    clear(this.out);
    if (!this.month || !this.result) return;
    if (!this.result.ok) {
      add(this.out, h("p", { class: "hint", text: "Fix the month's input problems to build a claim." }));
      return;
    }
    let c;
    try {
      c = this.fhir.claim(this.month, this.context());
    } catch (e) {
      c = { ok: false, error: { code: "CLAIM_FAILED", message: e.message, issues: [] } };
    }
    this.last = c;
    if (!c.ok) {
      add(this.out, 
        h("p", { class: "pack-note" }, "The claim cannot be built: ", c.error.message, " ", h("span", { class: "err-code", text: c.error.code })),
        h("ul", { class: "issues" }, (c.error.issues ?? []).map((i) => h("li", {}, h("code", { text: i.path }), ": ", i.message))),
      );
      return;
    }
    const state = c.status === "billable" ? (c.ready ? "Ready to send." : "Billable, not ready yet (see the notes).") : `Nothing to claim: the month is ${c.status === "blocked" ? "blocked" : "below the threshold"}.`;
    add(this.out, h("p", { class: `claim-state ${c.ready ? "ok-note" : ""}`, text: state }));
    if (c.lines.length) {
      add(this.out, 
        h(
          "table",
          { class: "lines claim-lines" },
          h("caption", { text: "Service lines (837P)" }),
          h("thead", {}, h("tr", {}, ["Line", "Code", "Units", "Dates", "Place", "Dx", "Charge"].map((t) => h("th", { scope: "col", text: t })))),
          h(
            "tbody",
            {},
            c.lines.map((l) =>
              h(
                "tr",
                { dataset: { code: l.code, units: String(l.units) } },
                h("td", { class: "num", text: String(l.line) }),
                h("th", { scope: "row", class: "code", text: l.code }),
                h("td", { class: "num", text: String(l.units) }),
                h("td", { text: l.dateOfService.from === l.dateOfService.to ? l.dateOfService.from : `${l.dateOfService.from} – ${l.dateOfService.to}` }),
                h("td", { text: l.placeOfService }),
                h("td", { text: l.diagnosisPointers.join(", ") }),
                h("td", { class: "num charge", text: money(l.charge) }),
              ),
            ),
          ),
          h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "6", text: "Total charge" }), h("td", { class: "num total", text: money(c.totalCharge) }))),
        ),
        h("p", { class: "claim-dx" }, "Diagnoses: ", c.diagnoses.map((d, i) => `${i + 1} ${dotted(d)}`).join(", "), `. Rendering NPI ${c.lines[0].renderingNpi}; date of service: ${c.dateOfService === "lastDayOfMonth" ? "the last day of the month" : c.dateOfService}.`),
      );
    }
    if (c.denialRisks.length) {
      add(this.out, 
        h("p", { class: "label", text: "What a payer would deny" }),
        h(
          "ul",
          { class: "denials" },
          c.denialRisks.map((d) =>
            h(
              "li",
              { class: "finding sev-error", dataset: { carc: d.carc, finding: d.finding } },
              h("strong", { text: `Would be denied as ${d.carc}` }),
              `: ${d.reason ?? ""} `,
              h("span", { class: "because", text: `(${findingWords(d.finding).title}${d.detail ? `; ${d.detail}` : ""})` }),
              " ",
              h("span", { class: "code", text: d.finding }),
            ),
          ),
        ),
      );
    }
    if (c.notes.length) add(this.out, h("ul", { class: "notes" }, c.notes.map((n) => h("li", { text: n }))));
    const base = `ccm-claim-${this.month.serviceMonth ?? "month"}${this.month.patient?.ref ? `-${String(this.month.patient.ref).replace(/[^A-Za-z0-9_-]/g, "")}` : ""}`;
    add(this.out, 
      h(
        "div",
        { class: "pack-buttons claim-buttons" },
        h("button", { type: "button", text: "Download lines (CSV)", disabled: !c.lines.length, onclick: () => download(`${base}.csv`, claimCsv(c), "text/csv") }),
        h("button", { type: "button", text: "Download FHIR Claim (JSON)", disabled: !c.claim, onclick: () => download(`${base}-Claim.json`, JSON.stringify(c.claim, null, 2) + "\n") }),
      ),
    );
  }
}
