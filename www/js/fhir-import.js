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
const HCPCS = ["https://bluebutton.cms.gov/resources/codesystem/hcpcs", "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"];
const BASE = "http://ccm-engine.example/fhir/CodeSystem/";
/**
 * The adapter's default time codes (src/fhir/options.rs `TIME`, docs/fhir.md §2): CPT codes under
 * CPT's system, G codes under either HCPCS system, and the adapter's own service codes.
 */
const TIME_CODES = new Set(["99490", "99439", "99487", "99489", "99491", "99437", "99424", "99425", "99426", "99427", "99495", "99496", "99457", "99458", "98980", "98981", "99484", "99492", "99493", "99494", "G0019", "G0022", "G0023", "G0024", "G0140", "G0146", "G0556", "G0557", "G0558"]);
const SERVICES = new Set(["ccm", "tcm", "pcm", "rpm", "rtm", "bhi", "chi", "pin", "em", "apcm", "other"]);
const CREDENTIALS = ["MD", "DO", "NP", "PA", "CNS", "CNM"];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** HL7 v2 table 0360, the code system of Practitioner.qualification.code (a `|2.7` version suffix too). */
const QUALIFICATION = "http://terminology.hl7.org/CodeSystem/v2-0360";

/** A FHIR resource (a Bundle, or any other resource someone picked by mistake), not a month. */
export const isFhirResource = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.resourceType === "string";

/** The Bundle's resources with their entry's position and fullUrl. */
const resourcesOf = (bundle) => (Array.isArray(bundle?.entry) ? bundle.entry.map((e, index) => ({ index, fullUrl: e?.fullUrl, r: e?.resource })).filter((e) => isFhirResource(e.r)) : []);

/** The entry a Reference names: `Type/id`, a fullUrl, or an absolute URL ending in `Type/id`. */
function resolve(entries, ref) {
  const text = ref?.reference;
  if (typeof text !== "string") return null;
  const byUrl = entries.find((e) => e.fullUrl === text);
  if (byUrl) return byUrl;
  const [id, type] = text.split("/").reverse();
  return entries.find((e) => e.r.resourceType === type && e.r.id === id) ?? null;
}

const npiOfResource = (r) => {
  const npi = Array.isArray(r?.identifier) ? r.identifier.find((i) => i?.system === NPI)?.value : null;
  return typeof npi === "string" && npi ? npi : null;
};

/** The NPI a Reference names: its Practitioner's (directly or through a PractitionerRole), else its own NPI identifier. */
function npiOf(entries, ref) {
  let e = resolve(entries, ref);
  if (e?.r.resourceType === "PractitionerRole") e = resolve(entries, e.r.practitioner);
  const fromResource = e?.r.resourceType === "Practitioner" ? npiOfResource(e.r) : null;
  const fromIdentifier = ref?.identifier?.system === NPI ? ref.identifier.value : null;
  const npi = fromResource ?? fromIdentifier;
  return typeof npi === "string" && npi ? npi : null;
}

/** The date part of a FHIR date or dateTime, when it is a real calendar date. */
function dateOf(v) {
  const d = typeof v === "string" ? v.slice(0, 10) : "";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return null;
  const [y, m, day] = [Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8))];
  const days = m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return m >= 1 && m <= 12 && day >= 1 && day <= days ? d : null;
}

const codingsOf = (cc) => [cc].flat().flatMap((c) => (Array.isArray(c?.coding) ? c.coding : [])).filter((x) => typeof x?.system === "string" && typeof x?.code === "string");
const isTimeCoding = ({ system, code }) =>
  (system === CPT && TIME_CODES.has(code) && !code.startsWith("G")) || (HCPCS.includes(system) && TIME_CODES.has(code) && code.startsWith("G")) || (system === `${BASE}care-management-service` && SERVICES.has(code));

/** What may be care-management time, as the adapter reads it: its codes, start date, whether done. */
function timed(r) {
  const day = (period) => dateOf(period?.start) ?? dateOf(r.performedDateTime);
  const done = (ok) => ok.includes(r.status);
  if (r.resourceType === "Procedure") return { codes: codingsOf(r.code), day: day(r.performedPeriod), done: done(["completed", "in-progress"]) };
  if (r.resourceType === "Task") return { codes: codingsOf(r.code), day: day(r.executionPeriod), done: done(["completed", "in-progress"]) };
  if (r.resourceType === "Encounter") return { codes: [...codingsOf(r.type), ...codingsOf(r.serviceType)], day: day(r.period), done: done(["finished", "in-progress"]) };
  return null;
}

/** The CarePlan the adapter reads: the latest active one, else the latest (entered-in-error and revoked left aside; a tie goes to the later). */
function carePlanOf(entries) {
  let best = null;
  let bestKey = null;
  for (const e of entries) {
    if (e.r.resourceType !== "CarePlan" || e.r.status === "entered-in-error" || e.r.status === "revoked") continue;
    const key = [e.r.status === "active" ? 1 : 0, dateOf(e.r.period?.start) ?? dateOf(e.r.created) ?? ""];
    if (!bestKey || key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] >= bestKey[1])) [best, bestKey] = [e, key];
  }
  return best;
}

/** The care-management Consent the adapter reads: the last one marked so, else the Bundle's only one. */
function consentOf(entries) {
  const all = entries.filter((e) => e.r.resourceType === "Consent" && e.r.status !== "entered-in-error");
  const tagged = all.filter((e) => codingsOf(e.r.category).some((c) => c.system === `${BASE}consent-category` && c.code === "care-management"));
  return tagged.at(-1) ?? (all.length === 1 ? all[0] : null);
}

/** A credential as the engine reads it: upper case, without dots or spaces, without a trailing "-C". */
const normalizeCredential = (s) => {
  const t = s.replace(/[.\s]/g, "").replace(/[a-z]/g, (c) => c.toUpperCase());
  return t.endsWith("-C") && t.length > 2 ? t.slice(0, -2) : t;
};

/** The credential of the Bundle's (first) Practitioner with this NPI: its first v2-0360 qualification the contract accepts. */
function credentialOf(entries, npi) {
  const p = entries.find((e) => e.r.resourceType === "Practitioner" && npiOfResource(e.r) === npi);
  const codings = (Array.isArray(p?.r.qualification) ? p.r.qualification : []).flatMap((q) => (Array.isArray(q?.code?.coding) ? q.code.coding : []));
  const coded = codings.filter((c) => typeof c?.system === "string" && typeof c?.code === "string");
  const code = coded.filter((c) => c.system === QUALIFICATION || c.system.startsWith(`${QUALIFICATION}|`)).map((c) => normalizeCredential(c.code)).find((c) => CREDENTIALS.includes(c));
  return code ? { credential: code, from: p } : null;
}

/**
 * What the dialog starts with: the service month, the billing practitioner's NPI and credential,
 * where each came from (in words, `from`; as resources, `sources`, keyed as the options' paths).
 * The rules are the adapter's own (src/fhir/derive.rs, the FHIR module's `deriveFhirOptions`;
 * tests/js/fhir-derive.test.mjs holds the two equal), here in JavaScript so the dialog opens
 * before the FHIR module is loaded: the latest month of the Bundle's care-management time; the
 * author of the CarePlan the adapter reads, the practitioner of its Consent, or the Bundle's only
 * Practitioner NPI; that Practitioner's qualification when the contract accepts it. Where the
 * Bundle does not say, the form's month, NPI and credential (`month`).
 */
export function deriveOptions(bundle, month) {
  const entries = resourcesOf(bundle);
  const from = {};
  const sources = {};
  let serviceMonth = null;
  let latest = "";
  for (const e of entries) {
    const t = timed(e.r);
    if (t?.done && t.day && t.day > latest && t.codes.some(isTimeCoding)) [latest, serviceMonth, sources.serviceMonth] = [t.day, t.day.slice(0, 7), label(e)];
  }
  if (serviceMonth) from.serviceMonth = "the latest care-management time in the Bundle";
  else if (MONTH.test(month?.serviceMonth ?? "")) {
    serviceMonth = month.serviceMonth;
    from.serviceMonth = "the month on the form";
  }
  let npi = null;
  const plan = carePlanOf(entries);
  if (plan && (npi = npiOf(entries, plan.r.author))) [from.npi, sources["billingPractitioner.id"]] = [`the author of ${label(plan)}`, label(plan)];
  const consent = npi ? null : consentOf(entries);
  if (consent) {
    const actors = [...(Array.isArray(consent.r.provision?.actor) ? consent.r.provision.actor.map((a) => a?.reference) : []), ...(Array.isArray(consent.r.performer) ? consent.r.performer : [])];
    for (const a of actors) npi ??= npiOf(entries, a);
    if (npi) [from.npi, sources["billingPractitioner.id"]] = [`the practitioner of ${label(consent)}`, label(consent)];
  }
  if (!npi) {
    const practitioners = entries.filter((e) => e.r.resourceType === "Practitioner" && npiOfResource(e.r));
    if (practitioners.length && practitioners.every((e) => npiOfResource(e.r) === npiOfResource(practitioners[0].r))) {
      npi = npiOfResource(practitioners[0].r);
      [from.npi, sources["billingPractitioner.id"]] = ["the Bundle's only Practitioner with an NPI", label(practitioners[0])];
    }
  }
  const fromBundle = npi ? credentialOf(entries, npi) : null;
  if (fromBundle) [from.credential, sources["billingPractitioner.credential"]] = [`the qualification of ${label(fromBundle.from)}`, label(fromBundle.from)];
  if (!npi && month?.billingPractitioner?.id) {
    npi = String(month.billingPractitioner.id);
    from.npi = "the form";
  }
  const formCredential = typeof month?.billingPractitioner?.credential === "string" ? month.billingPractitioner.credential : "";
  return { serviceMonth: serviceMonth ?? "", npi: npi ?? "", credential: fromBundle?.credential ?? formCredential, from, sources, resources: entries.length };
}

/** How the adapter names a resource: `Type/id`, else its entry's fullUrl, else its position. */
const label = (e) => (typeof e.r.id === "string" && e.r.id ? `${e.r.resourceType}/${e.r.id}` : typeof e.fullUrl === "string" && e.fullUrl ? e.fullUrl : `${e.r.resourceType} (Bundle.entry[${e.index}])`);

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
    this.credIn = h("select", { id: ids.cred, "aria-describedby": `${ids.cred}-from` }, h("option", { value: "", text: "(not given)" }), CREDENTIALS.map((c) => h("option", { value: c, text: c })));
    this.asOfIn = h("input", { type: "date", id: ids.asOf });
    this.monthFrom = h("span", { class: "hint", id: `${ids.month}-from` });
    this.npiFrom = h("span", { class: "hint", id: `${ids.npi}-from` });
    this.credFrom = h("span", { class: "hint", id: `${ids.cred}-from` });
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
          h("div", { class: "field" }, h("label", { for: ids.cred, text: "Credential" }), this.credIn, this.credFrom),
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
    this.credFrom.textContent = derived.from.credential && this.credIn.value ? `From ${derived.from.credential}.` : "";
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
    this.monthFrom.textContent = this.npiFrom.textContent = this.credFrom.textContent = "";
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
