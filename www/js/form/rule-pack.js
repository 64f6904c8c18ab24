// The rule-pack field: a built-in pack, or a pack object (from an imported month or a JSON file read
// in the browser), and going back to a built-in pack.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, uid, readFileText } from "../dom.js";

export const rulePackMethods = {
  /**
   * What the form shows from the engine, once it has loaded (the form is drawn before, while the
   * engine downloads and compiles): the built-in packs in the picker and the consent templates in
   * the script-version list, put in place without redrawing the form (the person may be typing).
   * A month that compares APCM draws again: its section lists the pack's service elements.
   */
  useEngineData({ packs, templates }) {
    this.opts.packs = packs;
    this.opts.templates = templates;
    if (this.compares("apcm")) return this.render();
    this.form.querySelector(":scope .pack-picker, :scope .pack-custom")?.replaceWith(this.packField());
    this.form.querySelector(`datalist#${CSS.escape(this.templateListId())}`)?.replaceWith(this.templateDatalist());
  },

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
  },

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
  },

  useBuiltInPack() {
    delete this.state.rulePack;
    this.packFileName = null;
    this.packNote = null;
    this.render({ focus: "rulePack" });
    this.opts.onChange();
  },
};
