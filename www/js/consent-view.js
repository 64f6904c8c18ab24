// Consent capture (CONTRACT §8): pick a built-in script, read it verbatim, record the patient's
// answer, and get the consent record (with the script's version and SHA-256) to put on the month;
// the claim then pins that version.
import { h, add, clear, download, uid } from "./dom.js";
import { ROLES } from "./words.js";
import { todayIso } from "./form/datetime.js";

const LANG_NAMES = { en: "English", es: "Español" };

async function sha256Hex(text) {
  const buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class ConsentView {
  /**
   * @param {HTMLElement} root
   * @param {{ engine: object, month: () => object, apply: (record: object, pin: boolean) => void }} o
   */
  constructor(root, o) {
    this.root = root;
    this.o = o;
    this.templates = o.engine.consentTemplates();
    this.template = this.templates[0] ?? null;
    this.record = null;
    this.build();
  }

  build() {
    const root = clear(this.root);
    if (!this.template) {
      add(root, h("p", { text: "The engine has no built-in consent scripts." }));
      return;
    }
    this.langName = uid("lang");
    this.scriptBox = h("article", { class: "script", tabindex: "0", "aria-labelledby": "script-title" });
    this.scriptMeta = h("p", { class: "script-meta" });
    this.form = h("form", { class: "capture", novalidate: true, "aria-labelledby": "capture-title", onsubmit: (e) => this.submit(e) });
    this.out = h("section", { class: "record", hidden: true, "aria-labelledby": "record-title" });
    add(root,
      h("p", { class: "lead", text: "Read the script to the patient word for word, answer their questions, then record their answer. The record carries the script's version and fingerprint (SHA-256), and the claim pins that version." }),
      h(
        "fieldset",
        { class: "langs" },
        h("legend", { text: "Script language" }),
        this.templates.map((t) => {
          const id = uid("tpl");
          return h(
            "span",
            { class: "check" },
            h("input", { type: "radio", id, name: this.langName, value: t.version, checked: t === this.template, onchange: () => this.pick(t) }),
            h("label", { for: id, lang: t.language, text: `${LANG_NAMES[t.language] ?? t.language} (${t.version})` }),
          );
        }),
      ),
      h("div", { class: "consent-grid" }, h("div", {}, this.scriptBox, this.scriptMeta), h("div", {}, this.form, this.out)),
    );
    this.renderForm();
    this.pick(this.template);
  }

  pick(t) {
    this.template = t;
    clear(this.scriptBox);
    this.scriptBox.setAttribute("lang", t.language);
    this.scriptBox.append(h("h2", { id: "script-title", text: t.title }), h("div", { class: "script-text", text: t.text }));
    clear(this.scriptMeta);
    const verified = h("span", { class: "verify", text: "checking fingerprint…" });
    this.scriptMeta.append("Version ", h("code", { class: "tpl-version", text: t.version }), " · SHA-256 ", h("code", { class: "tpl-sha", text: t.textSha256 }), " · ", verified);
    sha256Hex(t.text)
      .then((hex) => {
        const ok = hex === t.textSha256;
        verified.textContent = ok ? "the text shown matches its fingerprint" : "WARNING: the text shown does not match its fingerprint";
        verified.className = ok ? "verify ok" : "verify bad";
        verified.dataset.ok = String(ok);
      })
      .catch(() => (verified.textContent = "fingerprint not checked (this browser has no SHA-256)"));
    this.record = null;
    this.out.hidden = true;
  }

  refreshFromMonth() {
    const m = this.o.month() ?? {};
    const pid = this.form.querySelector("#consent-practitioner");
    if (pid && !pid.value && m.billingPractitioner?.id) pid.value = m.billingPractitioner.id;
  }

  renderForm() {
    const f = this.form;
    const field = (label, control, hint) => h("div", { class: "field" }, h("label", { for: control.id, text: label }), control, hint ? h("span", { class: "hint", text: hint }) : null);
    const answerName = uid("answer");
    add(f,
      h("h2", { id: "capture-title", text: "Record the answer" }),
      h(
        "fieldset",
        { class: "answer" },
        h("legend", { text: "The patient" }),
        [
          ["accepted", "Accepted"],
          ["declined", "Declined"],
        ].map(([v, t]) => {
          const id = `consent-${v}`;
          return h("span", { class: "check" }, h("input", { type: "radio", id, name: answerName, value: v, required: true }), h("label", { for: id, text: t }));
        }),
      ),
      h(
        "div",
        { class: "grid" },
        field(
          "Method",
          h(
            "select",
            { id: "consent-method" },
            [
              ["verbal", "Verbal (phone or in person)"],
              ["written", "Written (signed)"],
              ["electronic", "Electronic"],
            ].map(([v, t]) => h("option", { value: v, text: t })),
          ),
        ),
        field("Date", h("input", { type: "date", id: "consent-date", value: todayIso() })),
        field("Billing practitioner (ID)", h("input", { type: "text", id: "consent-practitioner", autocomplete: "off" }), "The consent covers this practitioner's CCM"),
        field("Captured by (name)", h("input", { type: "text", id: "consent-by-name", autocomplete: "off" })),
        field("Captured by (role)", h("select", { id: "consent-by-role" }, Object.entries(ROLES).map(([v, t]) => h("option", { value: v, text: t, selected: v === "rn" })))),
      ),
      h("p", { class: "form-error", role: "alert" }),
      h("button", { type: "submit", class: "primary", text: "Record consent" }),
    );
  }

  submit(e) {
    e.preventDefault();
    const f = this.form;
    const err = f.querySelector(".form-error");
    const status = f.querySelector("input[type=radio]:checked")?.value;
    const date = f.querySelector("#consent-date").value;
    const problems = [];
    if (!status) problems.push("choose Accepted or Declined");
    if (!date) problems.push("enter the date");
    err.textContent = problems.length ? `Please ${problems.join(" and ")}.` : "";
    if (problems.length) {
      f.querySelector(status ? "#consent-date" : "input[type=radio]")?.focus();
      return;
    }
    const t = this.template;
    const record = {
      status,
      date,
      method: f.querySelector("#consent-method").value,
      version: t.version,
      textSha256: t.textSha256,
      elements: [...t.elements],
    };
    const pid = f.querySelector("#consent-practitioner").value.trim();
    if (pid) record.practitionerId = pid;
    const name = f.querySelector("#consent-by-name").value.trim();
    record.capturedBy = { ...(name ? { name } : {}), role: f.querySelector("#consent-by-role").value };
    this.record = record;
    this.showRecord();
  }

  showRecord() {
    const r = this.record;
    const out = clear(this.out);
    out.hidden = false;
    const json = JSON.stringify(r, null, 2);
    const pinBox = h("input", { type: "checkbox", id: "consent-pin", checked: true });
    add(out,
      h("h2", { id: "record-title", tabindex: "-1", text: r.status === "accepted" ? "Consent recorded" : "Refusal recorded" }),
      h("p", { class: "pin-line" }, "Script ", h("code", { class: "record-version", text: r.version }), ` (${LANG_NAMES[this.template.language] ?? this.template.language}), `, `${r.status}, ${r.method}, ${r.date}.`),
      h("pre", { class: "record-json", tabindex: "0", "aria-label": "Consent record as JSON", text: json }),
      h("div", { class: "check" }, pinBox, h("label", { for: "consent-pin", text: `Pin this version on the claim (claim.consentVersion = ${r.version})` })),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "button", class: "primary", text: "Use in the month check", onclick: () => this.o.apply(structuredClone(r), pinBox.checked) }),
        h("button", { type: "button", text: "Download JSON", onclick: () => download(`consent-${r.version}-${r.date}.json`, json + "\n") }),
      ),
    );
    out.querySelector("#record-title").focus();
  }
}
