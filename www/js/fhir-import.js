// FHIR Bundle import for the month check (issue 15): a Bundle picked with "Import file…" or pasted
// is recognised by its `resourceType`, the adapter's options (service month, billing practitioner)
// are asked for in a small dialog, prefilled from the Bundle where it says, and the FHIR adapter's
// module (loaded by the caller only now) maps it to the month the form then holds. This module
// has the pieces that do not need the engine: recognising, deriving the options, the dialog, the
// panel with the mapping problems and sources, and the "Source: Condition/c1" markers beside the
// fields. Everything stays in the browser; nothing is sent or kept.
import { h, add, clear, uid, readFileText } from "./dom.js";
import { parentPath, parsePath } from "./paths.js";

const NPI = "http://hl7.org/fhir/sid/us-npi";
const CPT = "http://www.ama-assn.org/go/cpt";
/** CPT codes of care-management time (the adapter's defaults for CCM and PCM, docs/fhir.md). */
const TIME_CODES = new Set(["99490", "99439", "99487", "99489", "99491", "99437", "99424", "99425", "99426", "99427"]);
const CREDENTIALS = ["MD", "DO", "NP", "PA", "CNS", "CNM"];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A FHIR resource (a Bundle, or any other resource someone picked by mistake), not a month. */
export const isFhirResource = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.resourceType === "string";

const resourcesOf = (bundle) => (Array.isArray(bundle?.entry) ? bundle.entry.map((e) => ({ fullUrl: e?.fullUrl, r: e?.resource })).filter((e) => isFhirResource(e.r)) : []);

/** The entry a Reference names: `Type/id`, a fullUrl, or an absolute URL ending in `Type/id`. */
function resolve(entries, ref) {
  const text = ref?.reference;
  if (typeof text !== "string") return null;
  const byUrl = entries.find((e) => e.fullUrl === text);
  if (byUrl) return byUrl.r;
  const [id, type] = text.split("/").reverse();
  return entries.find((e) => e.r.resourceType === type && e.r.id === id)?.r ?? null;
}

/** The NPI of a Practitioner (or of a PractitionerRole's practitioner) a Reference names. */
function npiOf(entries, ref) {
  let r = resolve(entries, ref);
  if (r?.resourceType === "PractitionerRole") r = resolve(entries, r.practitioner);
  const fromResource = r?.resourceType === "Practitioner" ? r.identifier?.find?.((i) => i?.system === NPI)?.value : null;
  const fromIdentifier = ref?.identifier?.system === NPI ? ref.identifier.value : null;
  const npi = fromResource ?? fromIdentifier;
  return typeof npi === "string" && npi ? npi : null;
}

const isTimeCoded = (cc) => [cc].flat().some((c) => c?.coding?.some?.((x) => (x?.system === CPT && TIME_CODES.has(x?.code)) || /care-management-service$/.test(x?.system ?? "")));

/**
 * What the dialog starts with: the service month (the latest month of the Bundle's care-management
 * time, else the form's), the billing practitioner's NPI (the care plan's author, the consent's
 * practitioner, or the Bundle's only Practitioner with an NPI, else the form's), and where each
 * came from, in words.
 */
export function deriveOptions(bundle, month) {
  const entries = resourcesOf(bundle);
  const from = {};
  let serviceMonth = null;
  for (const { r } of entries) {
    const start =
      r.resourceType === "Procedure" ? r.performedPeriod?.start ?? r.performedDateTime
      : r.resourceType === "Task" ? r.executionPeriod?.start
      : r.resourceType === "Encounter" ? r.period?.start
      : null;
    const code = r.resourceType === "Encounter" ? r.type : r.code;
    const m = typeof start === "string" ? start.slice(0, 7) : null;
    if (m && MONTH.test(m) && isTimeCoded(code) && (!serviceMonth || m > serviceMonth)) serviceMonth = m;
  }
  if (serviceMonth) from.serviceMonth = "the latest care-management time in the Bundle";
  else if (MONTH.test(month?.serviceMonth ?? "")) {
    serviceMonth = month.serviceMonth;
    from.serviceMonth = "the month on the form";
  }
  let npi = null;
  const plan = entries.find((e) => e.r.resourceType === "CarePlan" && e.r.status === "active")?.r ?? entries.find((e) => e.r.resourceType === "CarePlan")?.r;
  if (plan?.author) npi = npiOf(entries, plan.author);
  if (npi) from.npi = `the author of ${label(plan)}`;
  if (!npi) {
    const consent = entries.find((e) => e.r.resourceType === "Consent")?.r;
    for (const a of consent?.provision?.actor ?? []) npi ??= npiOf(entries, a?.reference);
    if (npi) from.npi = `the practitioner of ${label(consent)}`;
  }
  if (!npi) {
    const npis = [...new Set(entries.filter((e) => e.r.resourceType === "Practitioner").map((e) => e.r.identifier?.find?.((i) => i?.system === NPI)?.value).filter(Boolean))];
    if (npis.length === 1) {
      npi = npis[0];
      from.npi = "the Bundle's only Practitioner with an NPI";
    }
  }
  if (!npi && month?.billingPractitioner?.id) {
    npi = String(month.billingPractitioner.id);
    from.npi = "the form";
  }
  const credential = typeof month?.billingPractitioner?.credential === "string" ? month.billingPractitioner.credential : "";
  return { serviceMonth: serviceMonth ?? "", npi: npi ?? "", credential, from, resources: entries.length };
}

const label = (r) => (r?.id ? `${r.resourceType}/${r.id}` : r?.resourceType ?? "");

/**
 * The dialog that asks for the adapter's options. `onRead(options)` maps the Bundle and resolves
 * to null when it was read, or to the adapter's error (`{ code, message, issues }`) to show.
 */
export class FhirDialog {
  constructor(host, { onRead }) {
    this.onRead = onRead;
    this.fileOptions = null; // an options file's object, merged under the fields
    const ids = { title: uid("fhir-title"), month: uid("fhir-month"), npi: uid("fhir-npi"), cred: uid("fhir-cred"), asOf: uid("fhir-asof"), hint: uid("fhir-hint") };
    this.ids = ids;
    this.monthIn = h("input", { type: "text", id: ids.month, inputmode: "numeric", placeholder: "YYYY-MM", autocomplete: "off", "aria-describedby": `${ids.month}-from` });
    this.npiIn = h("input", { type: "text", id: ids.npi, inputmode: "numeric", autocomplete: "off", "aria-describedby": `${ids.npi}-from` });
    this.credIn = h("select", { id: ids.cred }, h("option", { value: "", text: "(not given)" }), CREDENTIALS.map((c) => h("option", { value: c, text: c })));
    this.asOfIn = h("input", { type: "date", id: ids.asOf });
    this.monthFrom = h("span", { class: "hint", id: `${ids.month}-from` });
    this.npiFrom = h("span", { class: "hint", id: `${ids.npi}-from` });
    this.about = h("p", { class: "hint", id: ids.hint });
    this.optionsNote = h("p", { class: "hint options-note" });
    this.error = h("div", { class: "fhir-error", role: "alert" });
    const fileIn = h("input", { type: "file", accept: "application/json,.json", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true", onchange: (e) => this.#loadOptionsFile(e.target) });
    this.readBtn = h("button", { type: "submit", class: "primary", text: "Read Bundle" });
    this.dialog = h(
      "dialog",
      { class: "paste-dialog fhir-dialog", "aria-labelledby": ids.title, "aria-describedby": ids.hint },
      h(
        "form",
        { method: "dialog", novalidate: true, onsubmit: (e) => (e.preventDefault(), this.#submit()) },
        h("h2", { id: ids.title, text: "Read a FHIR Bundle" }),
        this.about,
        h(
          "div",
          { class: "grid" },
          h("div", { class: "field" }, h("label", { for: ids.month, text: "Service month (YYYY-MM)" }), this.monthIn, this.monthFrom),
          h("div", { class: "field" }, h("label", { for: ids.npi, text: "Billing practitioner NPI" }), this.npiIn, this.npiFrom),
          h("div", { class: "field" }, h("label", { for: ids.cred, text: "Credential" }), this.credIn),
          h("div", { class: "field" }, h("label", { for: ids.asOf, text: "As of (optional)" }), this.asOfIn),
        ),
        h(
          "div",
          { class: "options-file" },
          h("button", { type: "button", class: "small", text: "Options file…", onclick: () => fileIn.click() }),
          " ",
          h("span", { class: "hint", text: "The adapter's options as JSON (docs/fhir.md): other month fields, code maps, extension URLs." }),
          fileIn,
          this.optionsNote,
        ),
        this.error,
        h("div", { class: "dialog-buttons" }, this.readBtn, h("button", { type: "button", text: "Cancel", onclick: () => this.dialog.close() })),
      ),
    );
    host.appendChild(this.dialog);
  }

  /** Shows the dialog for `bundle` (named `name`), prefilled with `derived` (deriveOptions). */
  open({ bundle, name, derived }) {
    this.bundle = bundle;
    this.name = name;
    this.fileOptions = null;
    clear(this.error);
    this.optionsNote.textContent = "";
    const kind = bundle.resourceType === "Bundle" ? `a ${typeof bundle.type === "string" ? bundle.type : ""} Bundle of ${derived.resources} resources`.replace("a  Bundle", "a Bundle") : `a FHIR ${bundle.resourceType} resource`;
    this.about.textContent = `${name}: ${kind}. It is read in this browser by the FHIR adapter, loaded from this page's server the first time; nothing is sent or kept.`;
    this.monthIn.value = derived.serviceMonth;
    this.npiIn.value = derived.npi;
    this.credIn.value = CREDENTIALS.includes(derived.credential) ? derived.credential : "";
    this.asOfIn.value = "";
    this.monthFrom.textContent = derived.from.serviceMonth ? `From ${derived.from.serviceMonth}.` : "";
    this.npiFrom.textContent = derived.from.npi ? `From ${derived.from.npi}.` : "";
    this.readBtn.disabled = false;
    this.dialog.showModal();
    (this.monthIn.value ? (this.npiIn.value ? this.readBtn : this.npiIn) : this.monthIn).focus();
  }

  async #loadOptionsFile(input) {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    let o;
    try {
      o = JSON.parse(await readFileText(file));
    } catch (e) {
      this.optionsNote.textContent = `${file.name} is not JSON (${e.message}); not used.`;
      return;
    }
    if (!o || typeof o !== "object" || Array.isArray(o)) {
      this.optionsNote.textContent = `${file.name} is not an options object; not used.`;
      return;
    }
    this.fileOptions = o;
    if (typeof o.serviceMonth === "string") this.monthIn.value = o.serviceMonth;
    if (typeof o.billingPractitioner?.id === "string") this.npiIn.value = o.billingPractitioner.id;
    if (CREDENTIALS.includes(o.billingPractitioner?.credential)) this.credIn.value = o.billingPractitioner.credential;
    if (typeof o.asOf === "string") this.asOfIn.value = o.asOf;
    this.monthFrom.textContent = this.npiFrom.textContent = "";
    const more = Object.keys(o).filter((k) => !["serviceMonth", "billingPractitioner", "asOf"].includes(k));
    const monthKeys = o.month && typeof o.month === "object" ? Object.keys(o.month).map((k) => `month.${k}`) : [];
    this.optionsNote.textContent = `Options from ${file.name}${more.length ? `: ${[...more.filter((k) => k !== "month"), ...monthKeys].join(", ")}` : ""}. The fields above override its month and practitioner.`;
  }

  /** The options object: the options file (if any) under the fields. */
  options() {
    const o = structuredClone(this.fileOptions ?? {});
    o.serviceMonth = this.monthIn.value.trim();
    o.billingPractitioner = { ...(o.billingPractitioner && typeof o.billingPractitioner === "object" ? o.billingPractitioner : {}), id: this.npiIn.value.trim() };
    if (this.credIn.value) o.billingPractitioner.credential = this.credIn.value;
    if (this.asOfIn.value) o.asOf = this.asOfIn.value;
    return o;
  }

  async #submit() {
    clear(this.error);
    this.readBtn.disabled = true;
    let err;
    try {
      err = await this.onRead(this.bundle, this.options(), this.name);
    } catch (e) {
      err = { code: "ENGINE_UNAVAILABLE", message: `The FHIR adapter could not load: ${e.message}`, issues: [] };
    }
    this.readBtn.disabled = false;
    if (!err) {
      this.dialog.close();
      return;
    }
    const fieldFor = { "options.serviceMonth": this.monthIn, "options.billingPractitioner.id": this.npiIn, "options.asOf": this.asOfIn };
    add(this.error, 
      h("p", {}, h("strong", { text: "The Bundle could not be read: " }), err.message ?? "", " ", h("span", { class: "err-code", text: err.code ?? "" })),
      (err.issues ?? []).length ? h("ul", { class: "issues" }, err.issues.map((i) => h("li", {}, i.path ? h("code", { class: "path", text: i.path }) : null, i.path ? ": " : null, i.message))) : null,
    );
    for (const [path, el] of Object.entries(fieldFor)) el.toggleAttribute("aria-invalid", (err.issues ?? []).some((i) => i.path === path));
    ((err.issues ?? []).map((i) => fieldFor[i.path]).find(Boolean) ?? this.monthIn).focus();
  }
}

const SEVERITY = { error: "Error", warning: "Warning", info: "Note" };

/** The words of a source: a resource (`Condition/c1`, `Claim/x#item[0]`), or the import options. */
export const sourceWords = (from) => (from === "options" ? "the import options" : from);

/**
 * The panel above the form after an import: the Bundle's name, the mapping problems with their
 * FHIR paths and severities, and a table of where each field came from. `onHide` removes it (and
 * the markers); the month stays.
 */
export function renderFhirPanel(el, { name, month, sources, problems }, { onHide }) {
  clear(el);
  el.hidden = false;
  const titleId = el.getAttribute("aria-labelledby");
  const entries = Object.entries(sources);
  const resources = new Set(entries.map(([, v]) => v.replace(/#.*$/, "")).filter((v) => v !== "options"));
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...problems].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
  add(el, 
    h("h2", { id: titleId, text: "Imported from a FHIR Bundle" }),
    h(
      "p",
      { class: "fhir-summary" },
      `The form holds the month read from ${name} for ${month.serviceMonth} and NPI ${month.billingPractitioner?.id ?? "?"}: `,
      `${entries.length} fields from ${resources.size} resources (each marked "Source:" beside it), `,
      problems.length ? `${problems.length} mapping problem${problems.length === 1 ? "" : "s"}.` : "no mapping problems.",
    ),
    problems.length
      ? h(
          "ul",
          { class: "fhir-problems", "aria-label": "Mapping problems" },
          sorted.map((p) =>
            h(
              "li",
              { class: `finding sev-${p.severity === "error" ? "error" : p.severity === "warning" ? "warning" : "info"}`, dataset: { path: p.path, severity: p.severity } },
              h("span", { class: "sev", text: SEVERITY[p.severity] ?? p.severity }),
              " ",
              h("strong", { class: "title", text: p.message }),
              " ",
              h("code", { class: "path", text: p.path }),
            ),
          ),
        )
      : null,
    h(
      "details",
      { class: "fhir-sources" },
      h("summary", { text: `Where each field came from (${entries.length})` }),
      h(
        "table",
        { class: "lines sources" },
        h("caption", { text: "Sources of the month's fields" }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Field" }), h("th", { scope: "col", text: "From" }))),
        h(
          "tbody",
          {},
          entries.map(([path, from]) => h("tr", { dataset: { path } }, h("th", { scope: "row" }, h("code", { text: path })), h("td", {}, from === "options" ? sourceWords(from) : h("code", { text: from })))),
        ),
      ),
    ),
    h("p", {}, h("button", { type: "button", class: "small", text: "Hide import details", onclick: onHide })),
  );
}

/**
 * Anchors for the sources, so a marker follows its row when rows above it are removed: an object
 * (a condition, the consent) is anchored on itself, a plain value (`patient.lastVisitDate`) on the
 * object holding it and its key.
 */
export function sourceAnchors(state, sources) {
  const out = [];
  for (const [path, from] of Object.entries(sources)) {
    const parts = parsePath(path);
    let cur = state;
    for (const p of parts) cur = cur === null || typeof cur !== "object" ? undefined : cur[p];
    if (cur !== null && typeof cur === "object") out.push({ obj: cur, key: null, from });
    else {
      const parent = parts.length > 1 ? parsePath(parentPath(path)).reduce((v, k) => (v === null || typeof v !== "object" ? undefined : v[k]), state) : state;
      if (parent !== null && typeof parent === "object") out.push({ obj: parent, key: parts[parts.length - 1], from });
    }
  }
  return out;
}

/** Every object of `state` by its path now (`conditions[1]`), the root as "". */
function pathsOf(state) {
  const map = new Map();
  const walk = (v, path, depth) => {
    if (v === null || typeof v !== "object" || depth > 6) return;
    map.set(v, path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    else for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, depth + 1);
  };
  walk(state, "", 0);
  return map;
}

/** The "Source: …" markers for the form's messages (showMessages items), at today's paths. */
export function sourceItems(state, anchors) {
  const paths = pathsOf(state);
  const items = [];
  for (const a of anchors) {
    const at = paths.get(a.obj);
    if (at === undefined) continue;
    if (a.key !== null && a.obj[a.key] === undefined) continue;
    const path = a.key === null ? at : typeof a.key === "number" ? `${at}[${a.key}]` : at ? `${at}.${a.key}` : a.key;
    if (!path) continue;
    items.push({
      path,
      severity: "source",
      node: h("p", { class: "source-mark", dataset: { source: a.from, path } }, "Source: ", a.from === "options" ? sourceWords(a.from) : h("code", { text: a.from })),
    });
  }
  return items;
}
