// The month form's state: the MonthInput being edited (`this.state`, changed in place by the
// controls), loading and reading it, and what the engine gets: the state without blank rows.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { getPath, setPath } from "../paths.js";

/** Lists whose blank rows are left out of the evaluation (they are still in the form). */
const LISTS = ["conditions", "timeEntries", "otherServices", "carePlan.revisedOn"];

export const isBlank = (v) => v === undefined || v === null || v === "";

export const stateMethods = {
  setValue(input) {
    this.state = input && typeof input === "object" && !Array.isArray(input) ? structuredClone(input) : {};
    this.meta = new WeakMap();
    this.localityState = undefined;
    this.gpciOpen = undefined;
    this.packFileName = null;
    this.packNote = null;
    this.render();
  },

  getValue() {
    return structuredClone(this.state);
  },

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
  },

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
  },
};
