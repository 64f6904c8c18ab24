// The panel's two implementations cannot drift: `ccm panel` (src/bin/ccm/panel.rs) and the page's
// panel (www/js/panel-core.js, run here with the wasm nodejs build as the page's worker runs it,
// with the FHIR module's panelMonthJson plugged in as the worker plugs it in) write the same
// worklist and billing CSV, byte for byte, for the same panel file and options: JSON Lines with
// blank, broken and odd lines, a JSON array, one month, a panel export, a folder, FHIR Bundles.
// Then what the rows mean: pace, days left, what falls due, the billing lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEngine, loadFhirEngine, findCli, ROOT } from "./engine.mjs";
import { makePanel, toJsonl } from "./panel-data.mjs";
import * as core from "../../www/js/panel-core.js";

const engine = await loadEngine();
const fhir = await loadFhirEngine();
core.setFhirAdapter(fhir.panelMonthJson);
const CLI = findCli();
const dir = mkdtempSync(join(tmpdir(), "ccm-panel-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** Runs `ccm panel FILE` with flags; returns { worklist, billing, status }. */
function cli(file, flags = []) {
  const w = join(dir, "w.csv");
  const b = join(dir, "b.csv");
  const r = spawnSync(CLI, ["panel", file, "--worklist", w, "--billing", b, ...flags], { encoding: "utf8" });
  assert.ok(r.status === 0 || r.status === 1, `ccm panel exit ${r.status}: ${r.stderr}`);
  const read = (p) => execFileSync("cat", [p], { encoding: "utf8" });
  return { worklist: read(w), billing: read(b), status: r.status };
}

/** The page's side: the same files, the same options. */
function page(files, options) {
  const rows = core.evaluateFiles(engine, files, options);
  return { rows, worklist: core.worklistCsv(rows), billing: core.billingCsv(rows) };
}

const FLAGS = (o) => [
  ...(o.asOf ? ["--as-of", o.asOf] : []),
  ...(o.pace ? ["--pace", o.pace.join(",")] : []),
  ...(o.dateOfService ? ["--date-of-service", o.dateOfService] : []),
];

const OPTION_SETS = [{}, { asOf: "2026-05-15", pace: [10, 20, 30, 40], dateOfService: "threshold" }, { asOf: "2026-04-28", pace: [0, 0, 0, 20] }];

/** Asserts equal CSV, naming the first line that differs. */
function sameCsv(a, b, what) {
  if (a === b) return;
  const la = a.split("\n");
  const lb = b.split("\n");
  const i = la.findIndex((l, k) => l !== lb[k]);
  assert.fail(`${what}: line ${i + 1} differs\n  cli:  ${la[i]}\n  page: ${lb[i]}`);
}

const months = makePanel(600);
// Odd lines: blank, CRLF, broken JSON, an array on one line, a FHIR Bundle, a month that is not an object.
const odd = [
  "",
  "   ",
  '{"serviceMonth": "2026-05", "billingPractitioner": {"id": "1"}, "patient": {"ref": "crlf"}}\r',
  '{"serviceMonth": "2026-05", broken',
  '[{"serviceMonth": "2026-05"}]',
  '{"resourceType": "Bundle", "type": "collection", "entry": []}',
  "42",
  '{"serviceMonth": "2026-05", "asOf": null, "billingPractitioner": {"id": "1111111111", "credential": "MD"}, "patient": {"ref": "null-as-of"}}',
];
const jsonl = toJsonl(months.slice(0, 300)) + odd.join("\n") + "\n" + toJsonl(months.slice(300));

test("JSON Lines: ccm panel and the page write the same worklist and billing CSV, for every option set", () => {
  const file = join(dir, "panel.jsonl");
  writeFileSync(file, jsonl);
  for (const o of OPTION_SETS) {
    const c = cli(file, FLAGS(o));
    const p = page([{ name: "panel.jsonl", text: jsonl }], o);
    assert.equal(p.rows.length, 600 + odd.filter((l) => l.trim()).length);
    assert.equal(c.status, 1, "invalid lines make the exit 1");
    sameCsv(c.worklist, p.worklist, `worklist ${JSON.stringify(o)}`);
    sameCsv(c.billing, p.billing, `billing ${JSON.stringify(o)}`);
    assert.ok(p.billing.split("\n").length > 100, "many billing lines");
  }
});

test("a JSON array, one pretty-printed month, a panel export and a folder: the same CSV both ways", () => {
  const some = months.slice(0, 120);
  const array = JSON.stringify(some, null, 1);
  const one = JSON.stringify(some[3], null, 2);
  const exported = JSON.stringify({ format: core.EXPORT_FORMAT, options: {}, months: some.slice(0, 40), results: [] });
  const cases = [
    ["panel.json", array],
    ["one.json", one],
    ["export.json", exported],
    ["stdin-like.jsonl", "\n\n" + JSON.stringify(some[0]) + "\n\n"],
    ["bom.jsonl", "\ufeff" + toJsonl(some.slice(0, 5))],
  ];
  for (const [name, text] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text);
    for (const o of OPTION_SETS.slice(0, 2)) {
      const c = cli(file, FLAGS(o));
      const p = page([{ name, text }], o);
      sameCsv(c.worklist, p.worklist, `${name} worklist`);
      sameCsv(c.billing, p.billing, `${name} billing`);
    }
  }
  // Sources name the file and where in it: name#k for list members, name for one month.
  const p = page([{ name: "panel.json", text: array }], {});
  assert.equal(p.rows[0].source, "panel.json#1");
  assert.equal(page([{ name: "one.json", text: one }], {}).rows[0].source, "one.json");
  assert.equal(page([{ name: "x.jsonl", text: "\n" + JSON.stringify(some[0]) + "\n" + JSON.stringify(some[1]) }], {}).rows[1].source, "x.jsonl:3");
  assert.equal(page([{ name: "export.json", text: exported }], {}).rows.length, 40);

  // A folder: files read in path order (the page gets the same list from a folder or a zip).
  const folder = join(dir, "folder");
  mkdirSync(join(folder, "b"), { recursive: true });
  const files = [
    ["a.jsonl", toJsonl(some.slice(0, 10))],
    ["b/c.json", JSON.stringify(some[10])],
    ["b/d.JSON", JSON.stringify(some.slice(11, 14))],
    ["z.ndjson", toJsonl(some.slice(14, 20))],
  ];
  for (const [rel, text] of files) writeFileSync(join(folder, rel), text);
  writeFileSync(join(folder, "notes.txt"), "not a panel file");
  writeFileSync(join(folder, ".hidden.json"), "{}");
  const c = cli(folder);
  const pf = page(files.map(([name, text]) => ({ name, text })), {});
  sameCsv(c.worklist, pf.worklist, "folder worklist");
  sameCsv(c.billing, pf.billing, "folder billing");
  assert.equal(pf.rows.length, 20);
});

test("FHIR Bundles: each becomes its month through the same Rust function, and the CSV is the same both ways", () => {
  const DATA = join(ROOT, "tests", "data", "fhir");
  const read = (f) => readFileSync(join(DATA, f), "utf8");
  const plain = months.slice(0, 6);
  const files = [
    ...["month-bundle.json", "transaction.json", "partial.json", "time-kinds.json", "apcm-conflict.json", "not-a-bundle.json"].map((f) => [f, read(f)]),
    ["months.jsonl", toJsonl(plain.slice(0, 3))],
    // Bundles on lines of JSON Lines, among months: a readable one, a document Bundle, one with an entry that is not a resource.
    ["mixed.jsonl", [JSON.stringify(JSON.parse(read("transaction.json"))), JSON.stringify(plain[3]), '{"resourceType":"Bundle","type":"document"}', '{"resourceType":"Bundle","type":"collection","entry":[{"resource":{}}]}'].join("\n") + "\n"],
    ["z/array.json", JSON.stringify([JSON.parse(read("month-bundle.json")), plain[4]], null, 1)],
    ["z/export.json", JSON.stringify({ format: core.EXPORT_FORMAT, options: {}, months: [JSON.parse(read("searchset.json")), plain[5]], results: [] })],
  ];
  const folder = join(dir, "bundles");
  mkdirSync(join(folder, "z"), { recursive: true });
  for (const [rel, text] of files) writeFileSync(join(folder, rel), text);
  const pageFiles = files.map(([name, text]) => ({ name, text })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const o of [...OPTION_SETS, { asOf: "2026-03-20", dateOfService: "threshold" }]) {
    const c = cli(folder, FLAGS(o));
    const p = page(pageFiles, o);
    assert.equal(c.status, 1);
    sameCsv(c.worklist, p.worklist, `bundles worklist ${JSON.stringify(o)}`);
    sameCsv(c.billing, p.billing, `bundles billing ${JSON.stringify(o)}`);
  }
  // What the rows say (as of 2026-03-31): supervision is not in a Bundle, so a Bundle's month is
  // blocked by it, with what its time supports once attested; a Bundle that does not say its
  // practitioner, or that the adapter refuses, is a row that says why.
  const rows = page(pageFiles, { asOf: "2026-03-31" }).rows;
  const row = (source) => rows.find((r) => r.source === source);
  const brief = (r) => [r.status, r.ref, r.serviceMonth, r.asOf, r.supported.map((l) => `${l.code} x${l.units}`).join("; "), r.supportedAllowed, r.blocking.join(" ")];
  assert.deepEqual(brief(row("month-bundle.json")), ["blocked", "Patient/p1", "2026-03", "2026-03-31", "99490 x1; 99439 x1", 11657, "SUPERVISION_NOT_ATTESTED"]);
  assert.deepEqual(brief(row("z/array.json#1")), brief(row("month-bundle.json")));
  assert.deepEqual(brief(row("transaction.json")), ["blocked", "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a01", "2026-03", "2026-03-31", "99490 x1; 99439 x2", 16701, "SUPERVISION_NOT_ATTESTED"]);
  assert.deepEqual(brief(row("mixed.jsonl:1")), brief(row("transaction.json")));
  assert.deepEqual(brief(row("z/export.json#1")), ["blocked", "Patient/p7", "2026-03", "2026-03-31", "99490 x1", 6613, "SUPERVISION_NOT_ATTESTED"]);
  assert.deepEqual(brief(row("apcm-conflict.json")), ["blocked", "Patient/p1", "2026-03", "2026-03-31", "99490 x1", 6613, "SUPERVISION_NOT_ATTESTED APCM_SAME_MONTH"]);
  assert.deepEqual([row("partial.json").status, row("partial.json").blocking, row("partial.json").blockingWords], ["invalid", ["INVALID_INPUT"], "Some fields are missing or malformed, so the month cannot be checked yet. Fields: billingPractitioner.id."]);
  assert.deepEqual([row("mixed.jsonl:3").blocking, row("mixed.jsonl:3").blockingWords.endsWith("Fields: Bundle.type.")], [["INVALID_INPUT"], true]);
  assert.ok(row("mixed.jsonl:4").blockingWords.endsWith("Fields: Bundle.entry[0].resource.resourceType."), row("mixed.jsonl:4").blockingWords);
  assert.equal(row("not-a-bundle.json").status, "invalid", "a lone Patient is not a Bundle: read as a month, which it is not");
  // The month a Bundle row was decided on is the FHIR module's panelMonth of it, with the as-of date.
  const item = core.panelItems(read("month-bundle.json"), "b.json")[0];
  assert.equal(item.fhir, true);
  const { text, result } = core.evaluateItem(engine, item, 1, core.normalizeOptions({ asOf: "2026-03-31" }), core.packStaleMonths(engine));
  assert.deepEqual(JSON.parse(text), fhir.panelMonth(read("month-bundle.json"), "2026-03-31").month);
  assert.deepEqual(result, engine.evaluate(JSON.parse(text)));
  // Without the FHIR module (a core-only page, or the module failed to load): the row says so.
  core.setFhirAdapter(null);
  try {
    const r = page([{ name: "b.json", text: read("month-bundle.json") }], {}).rows[0];
    assert.deepEqual([r.status, r.blocking, r.blockingWords], ["invalid", ["FHIR_NOT_SUPPORTED"], "A FHIR Bundle: the FHIR adapter's module could not be loaded here, so this entry was not checked."]);
    core.setFhirAdapter(() => {
      throw new Error("trap");
    });
    assert.deepEqual(page([{ name: "b.json", text: read("month-bundle.json") }], {}).rows[0].blocking, ["FHIR_UNREADABLE"]);
  } finally {
    core.setFhirAdapter(fhir.panelMonthJson);
  }
});

test("the CLI streams JSON Lines and refuses bad options with exit 2", () => {
  const file = join(dir, "s.jsonl");
  writeFileSync(file, toJsonl(months.slice(0, 3)));
  const out = execFileSync(CLI, ["panel", file], { encoding: "utf8" });
  assert.equal(out.split("\n")[0], core.WORKLIST_COLUMNS.join(","));
  assert.equal(out.trim().split("\n").length, 4);
  const viaStdin = execFileSync(CLI, ["panel", "-", "--billing", "-"], { encoding: "utf8", input: toJsonl(months.slice(0, 3)) });
  assert.equal(viaStdin.split("\n")[0], core.BILLING_COLUMNS.join(","));
  for (const bad of [["--pace", "5,10,15"], ["--pace", "10,5,15,20"], ["--as-of", "2026-02-30"], ["--date-of-service", "soon"], ["--worklist", "-", "--billing", "-"], ["--nope"]]) {
    const r = spawnSync(CLI, ["panel", file, ...bad], { encoding: "utf8" });
    assert.equal(r.status, 2, `${bad.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^ccm: panel: /);
  }
  assert.throws(() => core.normalizeOptions({ pace: [5, 10, 15] }), /pace targets/);
  assert.throws(() => core.normalizeOptions({ asOf: "2026-02-30" }), /as-of/);
  assert.deepEqual(core.parsePace(" 5, 10,15 ,20"), [5, 10, 15, 20]);
});

test("rows: days left as the engine counts them, pace by weekly checkpoints, the program shown", () => {
  const rows = page([{ name: "p.jsonl", text: toJsonl(months) }], {}).rows;
  const results = months.map((m) => engine.evaluate(m));
  let checked = 0;
  rows.forEach((r, i) => {
    const res = results[i];
    if (!res.ok) return assert.equal(r.status, "invalid");
    const e = res.evaluation;
    if (r.program === "ccm") {
      assert.equal(r.status, e.status);
      if (e.time.nextUnit) {
        assert.equal(r.daysLeft, e.time.nextUnit.daysLeft, `row ${r.n}: daysLeft as the engine's`);
        assert.equal(r.minutesToNext, e.time.nextUnit.minutesNeeded);
        checked++;
      }
      assert.deepEqual(r.blocking, [...new Set(e.findings.filter((f) => f.severity === "error").map((f) => f.code))]);
    } else {
      assert.equal(r.program, e.recommended.program, "a month comparing programs shows the recommended one");
    }
    assert.equal(r.allowed, r.billing.reduce((a, b) => a + b.allowed, 0), "billing lines add up to the row");
    if (r.status === "blocked") assert.ok(r.blocking.length && r.blockingWords.length > 10, `row ${r.n}: why, in words`);
  });
  assert.ok(checked > 300, `${checked} rows checked against nextUnit`);
  // Pace: 5/10/15/20 by days 7, 14, 21 and the last day.
  const target = (d) => core.paceTarget(`2026-05-${String(d).padStart(2, "0")}`, "2026-05", [5, 10, 15, 20]);
  assert.deepEqual([1, 6, 7, 13, 14, 20, 21, 30, 31].map(target), [0, 0, 5, 5, 10, 10, 15, 15, 20]);
  assert.equal(core.paceTarget("2026-04-30", "2026-05", [5, 10, 15, 20]), 0);
  assert.equal(core.paceTarget("2026-06-02", "2026-05", [5, 10, 15, 20]), 20);
  assert.equal(core.daysLeft("2026-04-30", "2026-05"), 31);
  assert.equal(core.daysLeft("2026-06-02", "2026-05"), 0);
});

test("rows: what falls due in 30 days, and the billing report's date of service", () => {
  const base = makePanel(1)[0]; // a billable May 2026 month, care plan reviewed 2026-05-02
  const row = (m, o = {}) => page([{ name: "x.json", text: JSON.stringify(m) }], o).rows[0];
  const r = row({ ...base, asOf: "2026-05-10" });
  assert.equal(r.status, "billable");
  assert.deepEqual(r.due, []);
  assert.equal(r.pace, "met");
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", consent: undefined }).due, [{ item: "consent" }]);
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", consent: { ...base.consent, status: "declined" } }).due, [{ item: "consent" }]);
  // Last review 2025-06-05 + 12 months = 2026-06-05, within 30 days of 2026-05-10; 2025-06-15 → 2026-06-15 is not.
  const cp = (lastReviewed) => ({ ...base.carePlan, lastReviewed, established: "2025-01-01", revisedOn: [] });
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", carePlan: cp("2025-06-05") }).due, [{ item: "care plan review", date: "2026-06-05" }]);
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", carePlan: cp("2025-06-15") }).due, []);
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", carePlan: { ...cp("2025-06-15"), revisedOn: ["2025-03-01"] } }).due, []);
  assert.deepEqual(row({ ...base, asOf: "2026-05-10", carePlan: undefined }).due, [{ item: "care plan" }]);
  const visit = row({ ...base, asOf: "2026-05-10", patient: { ...base.patient, newPatient: true }, initiatingVisit: undefined });
  assert.deepEqual(visit.due, [{ item: "initiating visit" }]);
  assert.equal(visit.status, "blocked");
  assert.match(visit.blockingWords, /initiating visit/i);
  // Pace from asOf: 16 minutes are on pace by day 15 (10 expected) and day 22 (15), behind at month end (20).
  const short = { ...base, timeEntries: base.timeEntries.slice(0, 1) };
  assert.equal(row({ ...short, asOf: "2026-05-15" }).minutes, 16);
  assert.equal(row({ ...short, asOf: "2026-05-15" }).pace, "on pace");
  assert.equal(row({ ...short, asOf: "2026-05-22" }).paceTarget, 15);
  assert.equal(row({ ...short, asOf: "2026-05-22" }).pace, "on pace");
  assert.equal(row({ ...short, asOf: "2026-05-31" }).pace, "behind");
  assert.equal(row({ ...short, asOf: "2026-05-22" }, { pace: [10, 20, 30, 40] }).pace, "behind");
  assert.equal(row({ ...short, asOf: "2026-05-22" }, { pace: [2, 4, 6, 8] }).pace, "met");
  // The options' as-of date goes to months without their own.
  const noAsOf = { ...base };
  delete noAsOf.asOf;
  assert.equal(row(noAsOf, { asOf: "2026-05-03" }).asOf, "2026-05-03");
  assert.equal(row(noAsOf).asOf, "2026-05-31");
  assert.equal(row({ ...base, asOf: "2026-05-20" }, { asOf: "2026-05-03" }).asOf, "2026-05-20");
  // Billing: month end by default, the day the threshold was met on request; the rendering practitioner.
  const two = row({ ...base, asOf: "2026-05-31" });
  assert.deepEqual(two.billing.map((b) => [b.code, b.dateOfService, b.practitioner]), [["99490", "2026-05-31", "1111111111"]]);
  assert.deepEqual(row(base, { dateOfService: "threshold" }).billing.map((b) => b.dateOfService), ["2026-05-04"]);
});

test("CSV: quoted where needed, formulas defused, header as documented", () => {
  assert.equal(core.csvLine(["a,b", "=1+1", 'say "hi"', "-x,y", "plain", "two\nlines"]), "\"a,b\",'=1+1,\"say \"\"hi\"\"\",\"'-x,y\",plain,\"two\nlines\"\n");
  const rows = page([{ name: "p.jsonl", text: toJsonl(makePanel(600)) }], {}).rows;
  const odd = rows.filter((r) => !/^p-\d{5}$/.test(r.ref));
  assert.ok(odd.length >= 6, `odd references: ${odd.map((r) => r.ref).join(" | ")}`);
  const csv = core.worklistCsv(odd);
  assert.match(csv, /"smith, ""jo"""/);
  assert.match(csv, /,'=HYPERLINK\(1\),/);
  assert.match(csv, /,'-42,/);
});
