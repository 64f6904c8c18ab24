// The ICD-10-CM combobox of a condition's diagnosis code (ARIA combobox with a listbox): search
// as the person types (js/icd.js, a Web Worker), arrows / Enter / Escape, a pick by mouse, the code
// normalized on change, and each condition's description with its chronic indicator.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, clear, uid } from "../dom.js";
import { getPath, setPath } from "../paths.js";
import { icdSearch, icdLookup, icdReady, CHRONIC_WORDS } from "../icd.js";

export const comboboxMethods = {
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
  },

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
  },

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
  },

  pickCode(input, code) {
    input.value = code;
    setPath(this.state, input.dataset.path, code);
    this.closeCombo(input);
    this.describeConditions();
    this.opts.onChange();
  },

  closeCombo(input) {
    const list = this.form.querySelector(`#${input.getAttribute("aria-controls")}`);
    if (list) {
      list.hidden = true;
      clear(list);
    }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  },

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
  },

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
  },
};
