// Programs compared beside CCM (CONTRACT §10): the "Programs to compare" boxes and the APCM
// section (primary-care responsibility, the service elements of the month's rule pack).
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, uid } from "../dom.js";
import { getPath } from "../paths.js";
import { APCM_ELEMENTS, PROGRAMS } from "../words.js";

/** The programs the form can compare beside CCM (CONTRACT §10: `programs`; CCM is always decided). */
const COMPARED = ["pcm", "apcm"];

export const programMethods = {
  /** Whether the month asks for `program` beside CCM. */
  compares(program) {
    const list = this.state.programs;
    return Array.isArray(list) && list.includes(program);
  },

  /** "Programs to compare": CCM always; PCM and APCM ticked add them to `programs`. */
  programsField() {
    const hintId = uid("hint");
    const slot = this.slot("programs");
    const boxes = COMPARED.map((p) => {
      const id = uid("prog");
      const box = h("input", { type: "checkbox", id, value: p, checked: this.compares(p), dataset: { path: "programs", kind: "programs", focusKey: `programs:${p}` }, "aria-describedby": `${hintId} ${slot.id}` });
      if (!this.controls.has("programs")) this.controls.set("programs", box);
      return h("div", { class: "check" }, box, h("label", { for: id, text: `${PROGRAMS[p].short}: ${PROGRAMS[p].name}` }));
    });
    return h(
      "fieldset",
      { class: "programs", "data-msg-path": "programs" },
      h("legend", { text: "Programs to compare" }),
      h("p", { class: "hint", id: hintId, text: "CCM is always checked. Tick PCM or APCM to see what each would bill this month, side by side in the verdict." }),
      h("div", { class: "program-boxes" }, boxes),
      slot,
    );
  },

  /** The APCM service element ids of the month's rule pack (null when the pack defines no APCM). */
  apcmElementIds() {
    return this.opts.apcmElements?.(this.state) ?? null;
  },

  /** APCM: the practitioner's primary-care responsibility and the service elements attested. */
  apcmSection() {
    const path = "apcm.elementsAttested";
    const had = getPath(this.state, path);
    const chosen = Array.isArray(had) ? had : [];
    const ids = this.apcmElementIds();
    // Ids the pack does not list (from imported data) stay visible, so they round-trip.
    const extra = chosen.filter((x) => typeof x === "string" && !(ids ?? []).includes(x));
    const legendId = uid("els");
    const slot = this.slot(path);
    const box = (v, text) => {
      const id = uid("el");
      return h("div", { class: "check" }, h("input", { type: "checkbox", id, value: v, checked: chosen.includes(v), dataset: { path, kind: "elements" }, "aria-describedby": slot.id }), h("label", { for: id, text }));
    };
    return this.section("Advanced primary care (APCM)", "apcm", "APCM is chosen for a patient by the practice and billed every month; it needs no minutes. These attestations are read only when APCM is compared.", [
      h("div", { class: "grid" }, this.field("Responsible for the patient's primary care", "apcm.responsibleForPrimaryCare", "bool", { hint: "The billing practitioner is the continuing focal point for all needed services" })),
      h(
        "fieldset",
        { class: "elements apcm-elements", "data-msg-path": path, "aria-labelledby": legendId },
        h("legend", { id: legendId, text: "Service elements the practice provides (attested)" }),
        ids ? null : h("p", { class: "hint", text: "The rule pack defines no APCM service elements." }),
        [...(ids ?? []).map((v) => box(v, APCM_ELEMENTS[v] ?? v)), ...extra.map((v) => box(v, `${v} (from the data)`))],
        ids?.length || extra.length
          ? h(
              "div",
              { class: "pack-buttons" },
              h("button", { type: "button", class: "small", dataset: { action: "all", target: path, focusKey: `all:${path}` }, text: "Select all", "aria-label": "Select all service elements" }),
              h("button", { type: "button", class: "small", dataset: { action: "none", target: path, focusKey: `none:${path}` }, text: "Clear all", "aria-label": "Clear all service elements" }),
            )
          : null,
        slot,
      ),
    ]);
  },
};
