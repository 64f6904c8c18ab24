// Findings and input issues beside the fields their paths name (or the nearest row or section,
// else the general area at the top), and moving the focus to the field a path names.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, clear } from "../dom.js";
import { parentPath } from "../paths.js";

export const messageMethods = {
  /**
   * Shows messages next to the controls their paths name.
   * @param {{ path: string, node: Node, severity?: string }[]} items
   * @returns {number} how many found a field (the rest went to the general area)
   */
  showMessages(items) {
    for (const slot of this.msgSlots.values()) clear(slot);
    const general = this.form.querySelector(".msgs.general");
    clear(general);
    for (const c of this.controls.values()) c.removeAttribute("aria-invalid");
    let placed = 0;
    for (const it of items) {
      let p = it.path ?? "";
      while (p && !this.msgSlots.has(p)) p = parentPath(p);
      const slot = p ? this.msgSlots.get(p) : general;
      if (p) placed++;
      // An issue shown beside a field other than the one its path names says the exact path
      // (a custom rule pack's `rulePack.codes[0].rvu` next to the pack picker).
      if (it.severity === "issue" && p && it.path && p !== it.path) it.node.append(" ", h("code", { class: "path", text: it.path }));
      slot.appendChild(it.node);
      if (it.severity === "error" || it.severity === "issue") {
        this.controls.get(p)?.setAttribute("aria-invalid", "true");
        const closed = slot.closest("details:not([open])");
        if (closed && this.form.contains(closed)) closed.open = true;
      }
    }
    return placed;
  },

  /** Moves focus to the control (or row, or section) a path names. */
  focusPath(path) {
    let p = path ?? "";
    while (p && !this.controls.has(p) && !this.msgSlots.has(p)) p = parentPath(p);
    const target = this.controls.get(p) ?? this.msgSlots.get(p)?.closest("[data-msg-path]")?.querySelector("input, select, textarea, button");
    if (target) {
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
  },
};
