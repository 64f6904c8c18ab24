// Editing: the form's `input`, `change` and `click` handlers. A control's value goes to the month
// at its `data-path`; buttons with `data-action` add and remove rows, run the timer, tick all or no
// APCM elements and fill today's date.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { getPath, setPath, parentPath } from "../paths.js";
import { todayIso, splitDateTime, joinDateTime } from "./datetime.js";

export const editingMethods = {
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
  },

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
  },

  onCommit(e) {
    const el = e.target;
    if (el.dataset?.combo !== undefined) this.normalizeCode(el);
    if (el.dataset?.kind === "mode") this.switchMode(el.dataset.row, el.value);
  },

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
  },
};
