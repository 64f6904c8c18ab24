// The panel's rows and reports, without DOM or engine of its own: used by the panel's Web Worker
// (www/js/panel-worker.js) and by the Node tests. `ccm panel` (src/bin/ccm/panel.rs) implements
// the same rules in Rust; tests/js/panel.test.mjs holds the two to the same CSV, byte for byte,
// so change both together (docs/page.md, "6. The panel").
//
//   items = panelItems(text, name)                   a panel file → the months in it, in order
//   { row } = evaluateItem(engine, item, n, options, staleMonthsOf)
//   worklistCsv(rows), billingCsv(rows)              the two reports
import { FINDINGS, INPUT_ERRORS, PANEL_ERRORS } from "./words.js";

/** Defaults a care manager can change (the page's panel options, `ccm panel`'s flags). */
export const DEFAULT_OPTIONS = Object.freeze({
  /** YYYY-MM-DD given to months without their own `asOf` ("" = the engine's default, the month's last day). */
  asOf: "",
  /** Minutes expected by the end of day 7, 14, 21 and the month's last day. */
  pace: Object.freeze([5, 10, 15, 20]),
  /** "month-end" (the last day of the service month) or "threshold" (the day the line's time was reached). */
  dateOfService: "month-end",
});

/** The export file's `format` (the page's *Export panel*); a panel file in this format is read back. */
export const EXPORT_FORMAT = "ccm-panel-export/1";

export const WORKLIST_COLUMNS = [
  "n", "source", "ref", "serviceMonth", "asOf", "status", "program", "track", "codes", "allowed",
  "supportedCodes", "supportedAllowed", "staffMinutes", "practitionerMinutes", "minutes", "nextCode",
  "minutesToNext", "daysLeft", "paceTarget", "pace", "blocking", "blockingWords", "dueIn30Days",
];

export const BILLING_COLUMNS = [
  "n", "source", "ref", "serviceMonth", "program", "code", "units", "allowed", "coinsurance",
  "dateOfService", "renderingPractitioner",
];

/** Checks and completes options; throws an Error naming the option at fault. */
export function normalizeOptions(o = {}) {
  const asOf = o.asOf ?? "";
  if (asOf !== "" && !validDate(asOf)) throw new Error(`as-of date: expected YYYY-MM-DD, got ${JSON.stringify(asOf)}`);
  const pace = o.pace ?? DEFAULT_OPTIONS.pace;
  if (!Array.isArray(pace) || pace.length !== 4 || !pace.every((x) => Number.isInteger(x) && x >= 0 && x <= 10000)) {
    throw new Error("pace targets: expected four whole numbers of minutes (end of weeks 1, 2, 3 and month end)");
  }
  for (let i = 1; i < 4; i++) if (pace[i] < pace[i - 1]) throw new Error("pace targets: each must be at least the one before");
  const dateOfService = o.dateOfService ?? DEFAULT_OPTIONS.dateOfService;
  if (dateOfService !== "month-end" && dateOfService !== "threshold") throw new Error('date of service: "month-end" or "threshold"');
  return { asOf, pace: [...pace], dateOfService };
}

/** "5,10,15,20" → [5, 10, 15, 20] (what the page's field and `ccm panel --pace` take). */
export function parsePace(text) {
  const parts = String(text).split(",").map((s) => s.trim());
  if (parts.length !== 4 || !parts.every((s) => /^\d{1,5}$/.test(s))) throw new Error("pace targets: four whole numbers separated by commas, e.g. 5,10,15,20");
  return parts.map(Number);
}

// ---- reading a panel file -----------------------------------------------------------------------

let fhirAdapter = null;

/**
 * Plugs in the FHIR Bundle reader: `fn(bundleText, asOf)` is the FHIR module's `panelMonthJson`
 * (pkg/fhir: Rust's `fhir::panel_month`, which `ccm panel` calls too), answering the Bundle's
 * month as JSON text (`{ ok: true, month, sources, problems }`) or the adapter's error Result;
 * `asOf` is the panel's as-of date ("" for none). The worker plugs it in when a panel file holds
 * a Bundle. Without it (the FHIR module could not be loaded, or a caller of this module uses the
 * core engine alone), a Bundle is a row that says so (FHIR_NOT_SUPPORTED).
 */
export function setFhirAdapter(fn) {
  fhirAdapter = typeof fn === "function" ? fn : null;
}

/** Whether a FHIR Bundle reader is plugged in. */
export const hasFhirAdapter = () => fhirAdapter !== null;

/**
 * The months of one panel file, in order: `{ source, text, value, fhir? }` with the month's JSON
 * text as the engine gets it, its parsed value (undefined if it is not JSON), and `fhir: true` for
 * a FHIR Bundle (its text is the Bundle's, read into its month by the adapter when the item is
 * evaluated, with the as-of date of that run). The file is, in this order of trying:
 * - one JSON document: an array of months (each element one month, `name#k`), a panel export
 *   (its `months`, `name#k`), a FHIR Bundle (one month), or one month (`name`);
 * - otherwise JSON Lines: each non-blank line one month (`name:LINE`), read the same way.
 */
export function panelItems(text, name) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (isBlank(text)) return [];
  let doc;
  let whole = true;
  try {
    doc = JSON.parse(text);
  } catch {
    whole = false;
  }
  if (whole) {
    if (Array.isArray(doc)) {
      const raws = arrayElements(text);
      return raws.flatMap((raw, k) => expand(doc[k], raw, `${name}#${k + 1}`));
    }
    return expand(doc, jsonTrim(text), name);
  }
  const out = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (isBlank(line)) continue;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      out.push({ source: `${name}:${i + 1}`, text: line, value: undefined });
      continue;
    }
    out.push(...expand(value, line, `${name}:${i + 1}`));
  }
  return out;
}

/** JSON's whitespace only (space, tab, CR, LF), as the Rust side trims. */
const isBlank = (s) => /^[ \t\r\n]*$/.test(s);
const jsonTrim = (s) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");

function expand(value, raw, source) {
  if (isObj(value) && value.format === EXPORT_FORMAT && Array.isArray(value.months)) {
    return value.months.flatMap((m, k) => expand(m, JSON.stringify(m), `${source}#${k + 1}`));
  }
  if (isObj(value) && value.resourceType === "Bundle") return [{ source, text: raw, value, fhir: true }];
  return [{ source, text: raw, value }];
}

/**
 * A Bundle item read into its month with the adapter: `{ text, value }` of the month, or
 * `{ resultText }`, the Result that says why it cannot be (the adapter's error; FHIR_NOT_SUPPORTED
 * without an adapter; FHIR_UNREADABLE if the adapter threw, which it is built never to do).
 */
function readBundle(item, asOf) {
  const refuse = (code) => ({ resultText: JSON.stringify({ ok: false, error: { code, message: PANEL_ERRORS[code] ?? code, issues: [] } }) });
  if (!fhirAdapter) return refuse("FHIR_NOT_SUPPORTED");
  let answer;
  try {
    answer = fhirAdapter(item.text, asOf);
    const mapped = JSON.parse(answer);
    if (mapped.ok === true && isObj(mapped.month)) return { text: JSON.stringify(mapped.month), value: mapped.month };
    if (mapped.ok === false && isObj(mapped.error)) return { resultText: answer };
  } catch {}
  return refuse("FHIR_UNREADABLE");
}

/**
 * The panel files of a folder or an archive, in the order they are read: `*.json`, `*.jsonl`,
 * `*.ndjson` (any case), none hidden (a path part starting with "." or `__MACOSX`), sorted by
 * path. `names` are paths with "/", relative to the folder (as `ccm panel DIR` names them).
 */
export function panelFileOrder(names) {
  return names
    .filter((n) => /\.(json|jsonl|ndjson)$/i.test(n) && !n.split("/").some((part) => part.startsWith(".") || part === "__MACOSX"))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Paths relative to their common top folder ("panel/a.json", "panel/b/c.json" → "a.json", "b/c.json"). */
export function stripTopFolder(names) {
  const top = names.length && names.every((n) => n.includes("/")) ? names[0].slice(0, names[0].indexOf("/") + 1) : "";
  return top && names.every((n) => n.startsWith(top)) ? names.map((n) => n.slice(top.length)) : names;
}

/** The raw text of each element of a JSON array (the text is known to be a valid JSON array). */
export function arrayElements(text) {
  const out = [];
  let i = text.indexOf("[") + 1;
  let depth = 0;
  let start = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      if (start < 0) start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (start < 0) start = i;
      depth++;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth === 0) {
        if (start >= 0) out.push(jsonTrim(text.slice(start, i)));
        break;
      }
      depth--;
    } else if (c === 0x2c && depth === 0) {
      out.push(jsonTrim(text.slice(start, i)));
      start = -1;
    } else if (start < 0 && !(c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
      start = i;
    }
  }
  return out;
}

/** The month's text with `asOf` added (last key wins, so an `"asOf": null` earlier loses). */
export function withAsOf(text, value, asOf) {
  const t = jsonTrim(text);
  const close = t.lastIndexOf("}");
  const body = t.slice(0, close);
  const empty = Object.keys(value).length === 0;
  return `${body}${empty ? "" : ","}"asOf":"${asOf}"}`;
}

/** `staleMonthsOf` for evaluateItem: built-in packs' carePlanStaleMonths, read once per pack. */
export function packStaleMonths(engine) {
  const cache = new Map();
  return (id) => {
    if (!cache.has(id)) {
      let v = null;
      try {
        v = engine.rulePack(id)?.policies?.carePlanStaleMonths ?? null;
      } catch {}
      cache.set(id, v);
    }
    return cache.get(id);
  };
}

/** Every month of `files` ([{ name, text }], in order) evaluated: the rows (what the worker does in chunks). */
export function evaluateFiles(engine, files, options) {
  const o = normalizeOptions(options);
  const stale = packStaleMonths(engine);
  const rows = [];
  for (const f of files) for (const item of panelItems(f.text, f.name)) rows.push(evaluateItem(engine, item, rows.length + 1, o, stale).row);
  return rows;
}

// ---- one month → one row ------------------------------------------------------------------------

/**
 * Evaluates one item and makes its row. `staleMonthsOf(packId)` gives the built-in pack's
 * `policies.carePlanStaleMonths`. Returns `{ text, resultText, result, row }`: the text the
 * engine read (with the options' asOf where it applied) and the Result as text and as an object.
 */
export function evaluateItem(engine, item, n, options, staleMonthsOf) {
  let { text, value } = item;
  let resultText = null;
  if (item.fhir) ({ text = item.text, value = item.value, resultText = null } = readBundle(item, options.asOf));
  if (resultText === null && options.asOf && isObj(value) && value.asOf == null) text = withAsOf(text, value, options.asOf);
  resultText ??= engine.evaluateJson(text);
  const result = JSON.parse(resultText);
  return { text, resultText, result, row: makeRow(n, item.source, isObj(value) ? value : null, result, options, staleMonthsOf) };
}

/**
 * The worklist row of one evaluated month. The program shown is the recommended one when the
 * month compares programs (CONTRACT §10), else CCM.
 */
export function makeRow(n, source, month, result, options, staleMonthsOf) {
  const ref = typeof month?.patient?.ref === "string" ? month.patient.ref : "";
  const serviceMonth = typeof month?.serviceMonth === "string" ? month.serviceMonth : "";
  const row = {
    n, source, ref, serviceMonth, asOf: "", status: "invalid", program: "", track: "", lines: [], allowed: 0,
    supported: [], supportedAllowed: 0, staffMinutes: null, practitionerMinutes: null, minutes: null,
    nextCode: "", minutesToNext: null, daysLeft: null, paceTarget: null, pace: "", blocking: [], blockingWords: "",
    due: [], billing: [],
  };
  if (!result.ok) {
    const err = result.error ?? {};
    row.blocking = [err.code ?? "INVALID_INPUT"];
    const paths = (err.issues ?? []).map((i) => i.path).filter((p) => p);
    row.blockingWords = (INPUT_ERRORS[err.code] ?? PANEL_ERRORS[err.code] ?? words(err.code ?? "")) + (paths.length ? ` Fields: ${paths.join(", ")}.` : "");
    return row;
  }
  const e = result.evaluation;
  month ??= {};
  row.serviceMonth = e.serviceMonth;
  const asOf = typeof month.asOf === "string" ? month.asOf : options.asOf || lastDay(e.serviceMonth);
  row.asOf = asOf;
  const rec = e.recommended?.program ?? "ccm";
  const p = rec === "ccm" ? null : (e.programs ?? []).find((x) => x.program === rec);
  row.program = p ? p.program : "ccm";
  row.status = p ? p.status : e.status;
  row.track = (p ? p.track : e.track) ?? "";
  row.lines = (p ? p.lines : e.lines).map(lineOf);
  row.allowed = sum(row.lines);
  row.supported = ((p ? p.supportedLines : e.supportedLines) ?? []).map(lineOf);
  row.supportedAllowed = sum(row.supported);
  row.staffMinutes = e.time.staffMinutes;
  row.practitionerMinutes = e.time.practitionerMinutes;
  row.minutes = row.track === "practitioner" ? e.time.practitionerMinutes : e.time.staffMinutes;
  const next = p ? p.nextUnit : e.time.nextUnit;
  row.nextCode = next?.code ?? "";
  row.minutesToNext = next ? next.minutesNeeded : null;
  row.daysLeft = daysLeft(asOf, e.serviceMonth);
  if (row.program !== "apcm") {
    row.paceTarget = paceTarget(asOf, e.serviceMonth, options.pace);
    row.pace = row.minutes >= options.pace[3] ? "met" : row.minutes >= row.paceTarget ? "on pace" : "behind";
  }
  row.blocking = p ? [...p.blockedBy] : unique(e.findings.filter((f) => f.severity === "error").map((f) => f.code));
  row.blockingWords = row.blocking.map(words).join(" ");
  row.due = dueIn30Days(month, e, asOf, staleMonths(month, e, staleMonthsOf));
  if (row.status === "billable") {
    const practitioner = typeof month.billingPractitioner?.id === "string" ? month.billingPractitioner.id : "";
    const end = lastDay(e.serviceMonth);
    row.billing = row.lines.map((l) => ({
      code: l.code, units: l.units, allowed: l.allowed, coinsurance: l.coinsurance, practitioner,
      dateOfService: options.dateOfService === "threshold" && l.thresholdMetOn ? l.thresholdMetOn : end,
    }));
  }
  return row;
}

const lineOf = (l) => ({ code: l.code, units: l.units, allowed: cents(l.allowed), coinsurance: cents(l.coinsurance), thresholdMetOn: l.thresholdMetOn ?? "" });
const sum = (lines) => lines.reduce((a, l) => a + l.allowed, 0);
const cents = (x) => (typeof x === "number" && Number.isFinite(x) ? Math.round(x * 100) : 0);
const unique = (xs) => xs.filter((x, i) => xs.indexOf(x) === i);
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** A finding code's plain title (www/js/words.js), or the code in lower-case words. */
function words(code) {
  return FINDINGS[code]?.title ?? code.replaceAll("_", " ").toLowerCase();
}

function staleMonths(month, e, staleMonthsOf) {
  const own = isObj(month.rulePack) ? month.rulePack.policies?.carePlanStaleMonths : staleMonthsOf?.(e.rulePack?.id);
  return Number.isInteger(own) && own >= 0 ? own : 12;
}

/**
 * What falls due within 30 days after `asOf` (inclusive), in this order: consent (none, or not
 * accepted, or revoked), the initiating visit (the engine says one is required and missing or too
 * old), the care plan (none), its review (the latest of established, lastReviewed and revisedOn,
 * plus the pack's carePlanStaleMonths, on or before asOf + 30 days).
 */
function dueIn30Days(month, e, asOf, stale) {
  const due = [];
  const c = month.consent;
  if (!isObj(c) || c.status !== "accepted" || (typeof c.revokedOn === "string" && c.revokedOn)) due.push({ item: "consent" });
  if (e.findings.some((f) => f.code === "INITIATING_VISIT_REQUIRED" || f.code === "INITIATING_VISIT_TOO_OLD")) due.push({ item: "initiating visit" });
  const cp = month.carePlan;
  if (!isObj(cp)) due.push({ item: "care plan" });
  else {
    const dates = [cp.established, cp.lastReviewed, ...(Array.isArray(cp.revisedOn) ? cp.revisedOn : [])].filter(isDate);
    if (!dates.length) due.push({ item: "care plan review" });
    else {
      const last = dates.reduce((a, b) => (b > a ? b : a));
      const when = addMonths(last, stale);
      if (when <= addDays(asOf, 30)) due.push({ item: "care plan review", date: when });
    }
  }
  return due;
}

// ---- dates (ISO strings; plain calendar arithmetic) ---------------------------------------------

export const isDate = (s) => typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s);
const pad = (x, n = 2) => String(x).padStart(n, "0");
/** A real calendar date: YYYY-MM-DD, month 1–12, day within the month. */
export const validDate = (s) => isDate(s) && Number(s.slice(5, 7)) >= 1 && Number(s.slice(5, 7)) <= 12 && Number(s.slice(8, 10)) >= 1 && Number(s.slice(8, 10)) <= daysIn(Number(s.slice(0, 4)), Number(s.slice(5, 7)));
const leap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y, m) => (m === 2 ? (leap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** "2026-02" → "2026-02-28" */
export function lastDay(month) {
  return `${month.slice(0, 7)}-${pad(daysIn(Number(month.slice(0, 4)), Number(month.slice(5, 7))))}`;
}

/** Calendar months later, the day clamped to the month's length (2025-01-31 + 1 → 2025-02-28). */
export function addMonths(date, months) {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return `${pad(y, 4)}-${pad(m)}-${pad(Math.min(Number(date.slice(8, 10)), daysIn(y, m)))}`;
}

/** `days` calendar days later (days ≥ 0), day by day across month ends: no Date, no time zone. */
export function addDays(date, days) {
  let y = Number(date.slice(0, 4));
  let m = Number(date.slice(5, 7));
  let d = Number(date.slice(8, 10)) + days;
  while (d > daysIn(y, m)) {
    d -= daysIn(y, m);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The day of the month `asOf` stands on: 0 before the month, its last day after it. */
function dayOf(asOf, month) {
  const end = lastDay(month);
  if (asOf < `${month}-01`) return 0;
  if (asOf > end) return Number(end.slice(8));
  return Number(asOf.slice(8, 10));
}

/** CONTRACT §3's daysLeft: calendar days from asOf (or the day before the month) to month end. */
export function daysLeft(asOf, month) {
  return Number(lastDay(month).slice(8)) - dayOf(asOf, month);
}

/** Minutes expected by asOf: the target of the last checkpoint passed (day 7, 14, 21, month end). */
export function paceTarget(asOf, month, pace) {
  const day = dayOf(asOf, month);
  if (day >= Number(lastDay(month).slice(8))) return pace[3];
  if (day >= 21) return pace[2];
  if (day >= 14) return pace[1];
  if (day >= 7) return pace[0];
  return 0;
}

// ---- CSV ----------------------------------------------------------------------------------------

const money = (c) => `${Math.trunc(c / 100)}.${pad(c % 100)}`;
const num = (x) => (x === null || x === undefined ? "" : String(x));
const codes = (lines) => lines.map((l) => `${l.code} x${l.units}`).join("; ");
const dueText = (due) => due.map((d) => (d.date ? `${d.item} ${d.date}` : d.item)).join("; ");

/** The worklist's cells of a row, as text, in WORKLIST_COLUMNS order. */
export function worklistCells(r) {
  const ok = r.status !== "invalid";
  return [
    String(r.n), r.source, r.ref, r.serviceMonth, r.asOf, r.status, r.program, r.track, codes(r.lines),
    ok ? money(r.allowed) : "", codes(r.supported), ok ? money(r.supportedAllowed) : "", num(r.staffMinutes),
    num(r.practitionerMinutes), num(r.minutes), r.nextCode, num(r.minutesToNext), num(r.daysLeft), num(r.paceTarget),
    r.pace, r.blocking.join("; "), r.blockingWords, dueText(r.due),
  ];
}

/** The billing report's lines of a row (none unless billable), in BILLING_COLUMNS order. */
export function billingCells(r) {
  return r.billing.map((b) => [String(r.n), r.source, r.ref, r.serviceMonth, r.program, b.code, String(b.units), money(b.allowed), money(b.coinsurance), b.dateOfService, b.practitioner]);
}

/**
 * One CSV field: quoted when it holds a comma, quote, CR or LF; a field a spreadsheet would read
 * as a formula (starting with = + - @ tab or CR) is prefixed with an apostrophe.
 */
export function csvField(s) {
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export const csvLine = (cells) => cells.map(csvField).join(",") + "\n";

export function worklistCsv(rows) {
  return csvLine(WORKLIST_COLUMNS) + rows.map((r) => csvLine(worklistCells(r))).join("");
}

export function billingCsv(rows) {
  return csvLine(BILLING_COLUMNS) + rows.flatMap((r) => billingCells(r).map(csvLine)).join("");
}
