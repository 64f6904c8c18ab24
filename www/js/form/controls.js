// The form's building blocks: a section, a message slot (where findings for a path appear), one
// labelled control bound to a path, a list section with its rows, and the consent-script datalist.
// Every control is registered in `this.controls` and every slot in `this.msgSlots` by path.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, uid } from "../dom.js";
import { getPath } from "../paths.js";

export const controlMethods = {
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
  },

  slot(path) {
    const el = h("div", { class: "msgs", id: uid("msgs") });
    this.msgSlots.set(path, el);
    return el;
  },

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
      const opts = o.options;
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
  },

  templateListId() {
    this._tplList ??= uid("tpl");
    return this._tplList;
  },

  templateDatalist() {
    return h("datalist", { id: this.templateListId() }, (this.opts.templates ?? []).map((t) => h("option", { value: t.version, text: t.title })));
  },

  listSection(title, path, hint, addLabel, renderRow) {
    const arr = getPath(this.state, path);
    const rows = Array.isArray(arr) ? arr : [];
    return this.section(title, path, hint, [
      h("ol", { class: "rows" }, rows.map((item, i) => renderRow(item, `${path}[${i}]`, i))),
      h("button", { type: "button", class: "add", dataset: { action: "add", target: path, focusKey: `add:${path}` }, text: addLabel }),
    ]);
  },

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
  },
};
