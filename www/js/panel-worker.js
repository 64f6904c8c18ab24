// The panel's Web Worker: reads the panel's files (text, JSON Lines, folders, ZIP archives),
// evaluates every month with the engine (WebAssembly, loaded here from the page's own origin) and
// sends the rows back in batches, so the page never waits on the engine while someone types.
// A panel file that holds a FHIR Bundle loads the FHIR adapter's module too (pkg/fhir, the same
// origin's /pkg/fhir/), only then, and each Bundle becomes its month through it.
// It keeps the months and Results; the page asks for one when it opens a row or prints an audit.
// Nothing is stored or sent anywhere.
//
// page → worker: { type: "warm" }  loads the engine ahead of the first panel
//                { type: "load", id, files: [{ name, file | text }], options, fromFolder }
//                { type: "options", id, options }  re-evaluates every month with new options
//                { type: "update", req, index, text }  a month edited in the month check
//                { type: "get", req, index }  → { month text, Result }
//                { type: "csv", req, kind: "worklist" | "billing" }   { type: "export", req }
// worker → page: { type: "progress", id, done, total }, { type: "rows", id, start, rows },
//                { type: "done", id, total, ms, notes }, { type: "failed", id, message },
//                { type: "reply", req, ... }
import { loadEngine, loadFhir } from "./engine.js";
import * as core from "./panel-core.js";
import { isZip, unzip } from "./zip.js";

let engine = null;
let stale = null;
let current = 0; // the id of the latest load or options run: older runs stop
let options = core.normalizeOptions({});
/** The panel: `items` as read (source, text, value), `texts` as evaluated, `results` (JSON text), `rows`. */
let panel = { items: [], texts: [], results: [], rows: [], edited: new Set() };

const post = (m) => self.postMessage(m);
const tick = () => new Promise((r) => setTimeout(r, 0));

async function ready() {
  if (!engine) {
    engine = await loadEngine();
    stale = core.packStaleMonths(engine);
  }
  return engine;
}

/**
 * The FHIR adapter for the panel's Bundles (issue 16): the FHIR module's `panelMonthJson`, the
 * same Rust function `ccm panel` calls, so both read a Bundle into the same month. Loaded once,
 * and only for a panel that holds a Bundle. If it cannot be loaded, a note says so and each
 * Bundle's row says FHIR_NOT_SUPPORTED.
 */
async function readyFhir(notes) {
  if (core.hasFhirAdapter()) return;
  try {
    const fhir = await loadFhir();
    core.setFhirAdapter(fhir.panelMonthJson);
  } catch (e) {
    notes.push(`the FHIR adapter's module could not be loaded (${e?.message ?? e}), so FHIR Bundles were not read`);
  }
}

/** The files to read: a ZIP's entries (under its common top folder) or the picked files, as text. */
async function readFiles(files, fromFolder) {
  const out = [];
  const notes = [];
  const decoder = new TextDecoder("utf-8");
  for (const f of files) {
    if (typeof f.text === "string") {
      out.push({ name: f.name, text: f.text });
      continue;
    }
    const bytes = new Uint8Array(await f.file.arrayBuffer());
    if (isZip(bytes)) {
      const entries = await unzip(bytes);
      const byName = new Map(entries.map((e) => [e.name, e]));
      const order = core.panelFileOrder(entries.map((e) => e.name));
      const names = core.stripTopFolder(order);
      if (!order.length) notes.push(`${f.name}: no .json, .jsonl or .ndjson file in the archive`);
      order.forEach((n, i) => out.push({ name: names[i], text: decoder.decode(byName.get(n).bytes) }));
    } else out.push({ name: f.name, text: decoder.decode(bytes) });
  }
  if (fromFolder) {
    const order = core.panelFileOrder(out.map((f) => f.name));
    const byName = new Map(out.map((f) => [f.name, f]));
    if (out.length && !order.length) notes.push("the folder has no .json, .jsonl or .ndjson file");
    return { files: order.map((n) => byName.get(n)), notes };
  }
  return { files: out, notes };
}

/** Evaluates every item, sending rows in batches: a small first batch, then about every 40 ms. */
async function evaluateAll(id, t0, notes) {
  const { items } = panel;
  const total = items.length;
  panel.texts = new Array(total);
  panel.results = new Array(total);
  panel.rows = new Array(total);
  post({ type: "progress", id, done: 0, total });
  let start = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < total; i++) {
    const { text, resultText, row } = evaluate(items[i], i);
    panel.texts[i] = text;
    panel.results[i] = resultText;
    panel.rows[i] = row;
    const now = performance.now();
    if (i + 1 === total || (start === 0 && i + 1 >= 50) || now - sliceStart > 40) {
      post({ type: "rows", id, start, rows: panel.rows.slice(start, i + 1) });
      post({ type: "progress", id, done: i + 1, total });
      start = i + 1;
      await tick();
      if (id !== current) return;
      sliceStart = performance.now();
    }
  }
  post({ type: "done", id, total, ms: performance.now() - t0, notes });
}

function evaluate(item, i) {
  const { text, resultText, row } = core.evaluateItem(engine, item, i + 1, options, stale);
  row.edited = panel.edited.has(i);
  return { text, resultText, row };
}


async function load({ id, files, options: o, fromFolder }) {
  current = id;
  const t0 = performance.now();
  try {
    options = core.normalizeOptions(o);
    await ready();
    const { files: texts, notes } = await readFiles(files, fromFolder);
    if (id !== current) return;
    const items = [];
    for (const f of texts) items.push(...core.panelItems(f.text, f.name));
    if (items.some((i) => i.fhir)) await readyFhir(notes);
    if (id !== current) return;
    panel = { items, texts: [], results: [], rows: [], edited: new Set() };
    await evaluateAll(id, t0, notes);
  } catch (e) {
    if (id === current) post({ type: "failed", id, message: e?.message ?? String(e) });
  }
}

async function rerun({ id, options: o }) {
  current = id;
  try {
    options = core.normalizeOptions(o);
    await ready();
    await evaluateAll(id, performance.now(), []);
  } catch (e) {
    if (id === current) post({ type: "failed", id, message: e?.message ?? String(e) });
  }
}

function reply(req, body) {
  post({ type: "reply", req, ...body });
}

self.onmessage = async (ev) => {
  const m = ev.data;
  switch (m.type) {
    case "warm":
      return ready().catch(() => {});
    case "load":
      return load(m);
    case "options":
      return rerun(m);
    case "get": {
      const i = m.index;
      return reply(m.req, { index: i, text: panel.texts[i], result: JSON.parse(panel.results[i]), row: panel.rows[i] });
    }
    case "update": {
      await ready();
      const i = m.index;
      let value;
      try {
        value = JSON.parse(m.text);
      } catch {}
      panel.items[i] = { source: panel.items[i].source, text: m.text, value };
      panel.edited.add(i);
      const { text, resultText, row } = evaluate(panel.items[i], i);
      panel.texts[i] = text;
      panel.results[i] = resultText;
      panel.rows[i] = row;
      return reply(m.req, { index: i, row });
    }
    case "csv":
      return reply(m.req, { text: m.kind === "billing" ? core.billingCsv(panel.rows) : core.worklistCsv(panel.rows) });
    case "export": {
      // The months as evaluated (with the panel's as-of date where it applied) and their Results.
      const months = panel.texts.map((t) => safeParse(t));
      const results = panel.results.map((t) => JSON.parse(t));
      const sources = panel.rows.map((r) => r.source);
      return reply(m.req, { text: JSON.stringify({ format: core.EXPORT_FORMAT, options, engineVersion: engine?.version?.() ?? "", sources, edited: [...panel.edited].sort((a, b) => a - b).map((i) => i + 1), months, results }) + "\n" });
    }
    default:
      return undefined;
  }
};

function safeParse(t) {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}
