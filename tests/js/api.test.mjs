// The JS API of the wasm build (CONTRACT §1, §4, §7–§9), independent of particular examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { INPUT_ERROR_CODES, PKG, ROOT, loadEngine, loadExamples } from "./engine.mjs";

const engine = await loadEngine();
const cases = loadExamples();
const inputs = cases.map((c) => c.input);

const CCM_CODES = ["99490", "99439", "99487", "99489", "99491", "99437"];

function assertErrorResult(r, what) {
  assert.equal(typeof r, "object", what);
  assert.notEqual(r, null, what);
  assert.equal(r.ok, false, `${what}: ok`);
  assert.ok(INPUT_ERROR_CODES.includes(r.error?.code), `${what}: error.code ${JSON.stringify(r.error?.code)}`);
  assert.equal(typeof r.error.message, "string", `${what}: error.message`);
  assert.ok(Array.isArray(r.error.issues), `${what}: error.issues`);
}

function badValues() {
  const cyclic = { serviceMonth: "2026-03" };
  cyclic.self = cyclic;
  return [
    ["undefined", undefined],
    ["null", null],
    ["42", 42],
    ['"x"', "x"],
    ["[]", []],
    ["a cyclic object", cyclic],
    ["an object with a BigInt", { serviceMonth: "2026-03", n: 10n }],
    ['{serviceMonth:"2026-13"}', { serviceMonth: "2026-13" }],
    ["a function", () => 1],
    ["a symbol", Symbol("s")],
  ];
}

test("evaluate never throws on bad data, and the module keeps working", () => {
  const before = engine.evaluate(inputs[0]);
  for (const [what, value] of badValues()) {
    let r;
    assert.doesNotThrow(() => {
      r = engine.evaluate(value);
    }, what);
    assertErrorResult(r, what);
  }
  assert.deepEqual(engine.evaluate(inputs[0]), before, "same result after the bad inputs");
});

test("an impossible month is INVALID_INPUT naming serviceMonth", () => {
  const r = engine.evaluate({ serviceMonth: "2026-13" });
  assertErrorResult(r, "2026-13");
  assert.equal(r.error.code, "INVALID_INPUT");
  assert.ok(r.error.issues.some((i) => typeof i.path === "string" && i.path.startsWith("serviceMonth")), JSON.stringify(r.error.issues));
});

test("evaluateJson: bad text is an error result, never a throw", () => {
  for (const text of ["", "{", "nul", "[1,", '{"serviceMonth": "2026-03",}', "\u0000", "x".repeat(100)]) {
    let out;
    assert.doesNotThrow(() => {
      out = engine.evaluateJson(text);
    }, JSON.stringify(text));
    const r = JSON.parse(out);
    assertErrorResult(r, JSON.stringify(text));
    assert.equal(r.error.code, "INVALID_JSON", JSON.stringify(text));
  }
  for (const text of ["null", "42", '"x"', "[]"]) {
    assertErrorResult(JSON.parse(engine.evaluateJson(text)), text);
  }
});

test("text that is not ASCII reaches the engine unchanged through every entry point (the patched string copy)", async () => {
  // scripts/build-wasm.sh replaces wasm-bindgen's per-character copy of a string's ASCII prefix
  // with TextEncoder.encodeInto; a consent version is echoed back, so its bytes show what arrived.
  const web = await import(pathToFileURL(join(PKG, "web", "ccm_engine.js")).href);
  web.initSync({ module: readFileSync(join(PKG, "web", "ccm_engine_bg.wasm")) });
  const base = inputs.find((i) => typeof i.consent?.version === "string");
  assert.ok(base, "an example with a consent version");
  const month = (version) => ({ ...base, consent: { ...base.consent, version } });
  const echoed = (result) => result.evaluation?.consent?.version;
  const escapeNonAscii = (text) => text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const versions = ["consentement-é", "é".repeat(40), "😀".repeat(30), "a".repeat(1000) + "é", "é" + "a".repeat(1000), "x😀", "同意书 v1", "Ω≈ç√∫ 2026", "a".repeat(5000)];
  for (const version of versions) {
    const text = JSON.stringify(month(version));
    for (const [door, mod] of [["nodejs", engine], ["web", web]]) {
      const viaText = JSON.parse(mod.evaluateJson(text));
      assert.equal(viaText.ok, true, `${door} ${version.slice(0, 20)}`);
      assert.equal(echoed(viaText), version, `${door} evaluateJson`);
      assert.equal(echoed(mod.evaluate(month(version))), version, `${door} evaluate`);
      // The same text with every non-ASCII character escaped reads the same.
      assert.deepEqual(JSON.parse(mod.evaluateJson(escapeNonAscii(text))), viaText, `${door} escaped`);
    }
  }
  // A lone surrogate is not Unicode text: TextEncoder writes U+FFFD for it, as before the patch.
  const raw = JSON.stringify(month("@@")).replace("@@", "a\ud800b");
  assert.equal(echoed(JSON.parse(engine.evaluateJson(raw))), "a\ufffdb");
  assert.equal(engine.rulePack("medicare-cy2026-é"), null);
  assert.equal(engine.rulePack("é".repeat(100)), null);
});

test("evaluateBatch equals evaluate mapped over the inputs, in order", () => {
  const batch = [...inputs, null, { serviceMonth: "2026-13" }, ...[...inputs].reverse()];
  const got = engine.evaluateBatch(batch);
  assert.ok(Array.isArray(got));
  assert.equal(got.length, batch.length);
  assert.deepEqual(got, batch.map((i) => engine.evaluate(i)));
  assert.deepEqual(engine.evaluateBatch([]), []);
});

test("evaluateBatch never throws on bad data", () => {
  const cyclic = {};
  cyclic.self = cyclic;
  for (const [what, value] of [["undefined", undefined], ["null", null], ["42", 42], ['"x"', "x"], ["an object", {}], ["a cyclic array", [cyclic]], ["a BigInt", [1n]]]) {
    let r;
    assert.doesNotThrow(() => {
      r = engine.evaluateBatch(value);
    }, what);
    assert.ok(Array.isArray(r), `${what}: an array`);
    assert.ok(r.length >= 1, `${what}: at least one result`);
    for (const item of r) assertErrorResult(item, what);
  }
  assert.deepEqual(engine.evaluateBatch([inputs[0]]), [engine.evaluate(inputs[0])], "still works");
});

test("rulePacks lists medicare-cy2025 and medicare-cy2026", () => {
  const packs = engine.rulePacks();
  assert.ok(Array.isArray(packs));
  const ids = packs.map((p) => p.id);
  assert.ok(ids.includes("medicare-cy2025"), ids.join(","));
  assert.ok(ids.includes("medicare-cy2026"), ids.join(","));
  for (const p of packs) {
    assert.equal(typeof p.version, "string", p.id);
    assert.match(p.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/, p.id);
  }
  const cy2026 = packs.find((p) => p.id === "medicare-cy2026");
  assert.equal(cy2026.effectiveFrom, "2026-01-01");
  assert.equal(cy2026.effectiveTo, "2026-12-31");
});

test("rulePack returns the full built-in pack with the six CCM codes, or null", () => {
  for (const id of ["medicare-cy2025", "medicare-cy2026"]) {
    const pack = engine.rulePack(id);
    assert.ok(pack && typeof pack === "object", id);
    assert.equal(pack.id, id);
    const codes = pack.codes.map((c) => c.code);
    for (const code of CCM_CODES) assert.ok(codes.includes(code), `${id} lacks ${code}`);
    for (const c of pack.codes.filter((c) => CCM_CODES.includes(c.code))) {
      assert.ok(["staff", "complex", "practitioner"].includes(c.track), `${c.code}.track`);
      assert.ok(["base", "addon"].includes(c.kind), `${c.code}.kind`);
      if (c.kind === "base") assert.equal(typeof c.thresholdMinutes, "number", `${c.code}.thresholdMinutes`);
      else {
        assert.equal(typeof c.base, "string", `${c.code}.base`);
        assert.equal(typeof c.unitMinutes, "number", `${c.code}.unitMinutes`);
      }
      assert.ok(c.maxUnits === null || typeof c.maxUnits === "number", `${c.code}.maxUnits`);
      for (const k of ["work", "peNonFacility", "peFacility", "mp"]) assert.equal(typeof c.rvu?.[k], "number", `${c.code}.rvu.${k}`);
    }
    const byCode = Object.fromEntries(pack.codes.map((c) => [c.code, c]));
    assert.equal(byCode["99490"].thresholdMinutes, 20);
    assert.equal(byCode["99439"].maxUnits, 2);
    assert.equal(byCode["99489"].maxUnits, null);
    assert.equal(byCode["99491"].thresholdMinutes, 30);
  }
  assert.equal(engine.rulePack("nope"), null);
  assert.equal(engine.rulePack(""), null);
});

test("a built-in pack object passed back as rulePack gives the same result as its id", () => {
  const c = cases.find((c) => c.expect.status === "billable" && (c.expect.ok ?? true));
  if (!c) return;
  const byId = engine.evaluate({ ...c.input, rulePack: "medicare-cy2026" });
  assert.equal(byId.ok, true, JSON.stringify(byId.error));
  const pack = engine.rulePack("medicare-cy2026");
  const byObject = engine.evaluate({ ...c.input, rulePack: pack });
  assert.equal(byObject.ok, true, JSON.stringify(byObject.error));
  assert.deepEqual(byObject.evaluation.lines, byId.evaluation.lines);
  assert.deepEqual(byObject.evaluation.payment, byId.evaluation.payment);
  assert.equal(engine.evaluate({ ...c.input, rulePack: "no-such-pack" }).error?.code, "UNKNOWN_RULE_PACK");
  assert.equal(engine.evaluate({ ...c.input, rulePack: { id: "broken" } }).error?.code, "INVALID_RULE_PACK");
});

test("version is semver and matches engineVersion and the package", () => {
  const v = engine.version();
  assert.match(v, /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/);
  const pkg = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  assert.equal(pkg.version, v);
  const ok = cases.map((c) => engine.evaluate(c.input)).find((r) => r.ok);
  if (ok) assert.equal(ok.evaluation.engineVersion, v);
});

test("consentTemplates: English and Spanish, hashes of the exact text, as in consent/templates.json", () => {
  const templates = engine.consentTemplates();
  assert.ok(Array.isArray(templates));
  const langs = templates.map((t) => t.language);
  assert.ok(langs.includes("en") && langs.includes("es"), langs.join(","));
  for (const t of templates) {
    assert.match(t.textSha256, /^[0-9a-f]{64}$/, t.version);
    assert.equal(createHash("sha256").update(t.text, "utf8").digest("hex"), t.textSha256, t.version);
    assert.deepEqual(t.elements, ["availability", "costSharing", "rightToStop", "onePractitioner"], t.version);
    assert.equal(typeof t.title, "string");
  }
  const versions = templates.map((t) => t.version);
  assert.ok(versions.includes("ccm-consent-en-2026.1") && versions.includes("ccm-consent-es-2026.1"), versions.join(","));
  const file = JSON.parse(readFileSync(join(ROOT, "consent", "templates.json"), "utf8"));
  for (const f of file) assert.deepEqual(templates.find((t) => t.version === f.version), f, f.version);
});

test("a built-in consent version is accepted without listing elements, and the claim pin is checked", () => {
  const c = cases.find((c) => c.expect.status === "billable" && (c.expect.ok ?? true));
  if (!c) return;
  const en = engine.consentTemplates().find((t) => t.version === "ccm-consent-en-2026.1");
  const consent = { ...c.input.consent, version: en.version, textSha256: en.textSha256 };
  delete consent.elements;
  const pinned = engine.evaluate({ ...c.input, consent, claim: { consentVersion: en.version, consentTextSha256: en.textSha256 } });
  assert.equal(pinned.ok, true, JSON.stringify(pinned.error));
  assert.equal(pinned.evaluation.status, "billable", JSON.stringify(pinned.evaluation.findings));
  assert.equal(pinned.evaluation.consent.builtIn, true);
  assert.equal(pinned.evaluation.consent.matchesClaim, true);
  const unpinned = engine.evaluate({ ...c.input, consent, claim: undefined });
  assert.equal(unpinned.evaluation.consent.matchesClaim, null);
  const mismatch = engine.evaluate({ ...c.input, consent, claim: { consentVersion: "ccm-consent-es-2026.1" } });
  assert.equal(mismatch.evaluation.consent.matchesClaim, false);
  assert.ok(mismatch.evaluation.findings.some((f) => f.code === "CONSENT_VERSION_MISMATCH" && f.severity === "error"));
  assert.equal(mismatch.evaluation.status, "blocked");
});

test("whatIf projects a panel with the same rates as evaluate", () => {
  // 99490 alone, 2026 national non-facility rate: 66.13 (the first example's allowed amount).
  const p = engine.whatIf({ serviceMonth: "2026-05", patients: 100, bands: [{ track: "staff", minutes: 25, share: 1 }] });
  assert.equal(p.ok, true, JSON.stringify(p.error));
  assert.equal(p.rulePack.id, "medicare-cy2026");
  assert.equal(p.enrolledPatients, 100);
  assert.equal(p.bands.length, 1);
  const b = p.bands[0];
  assert.deepEqual(b.lines.map((l) => [l.code, l.units]), [["99490", 1]]);
  assert.equal(b.allowedPerPatientMonth, 66.13);
  assert.equal(b.patientMonths, 100);
  assert.ok(Math.abs(b.allowed - 6613) < 0.01, String(b.allowed));
  assert.ok(Math.abs(p.monthly.allowed - 6613) < 0.01, String(p.monthly.allowed));
  assert.ok(Math.abs(p.annual.allowed - 12 * p.monthly.allowed) < 0.12, `${p.annual.allowed} vs 12 × ${p.monthly.allowed}`);
  assert.deepEqual(b.nextUnit, { code: "99439", minutesNeeded: 15 });
  for (const k of ["patientMonths", "allowed", "coinsurance", "staffCost", "margin"]) {
    assert.equal(typeof p.monthly[k], "number", `monthly.${k}`);
    assert.equal(typeof p.annual[k], "number", `annual.${k}`);
  }
  assert.equal(typeof p.monthly.minutesLeftOnTable?.allowed, "number");
  assert.ok(p.apcmComparison === null || typeof p.apcmComparison.perPatientMonth === "number");

  // Shares, enrollment and staff cost.
  const q = engine.whatIf({
    patients: 1000, eligibleShare: 0.5, enrollment: 0.4, staffCostPerHour: 60,
    bands: [{ track: "staff", minutes: 45, share: 0.5 }, { track: "staff", minutes: 10, share: 0.5 }],
  });
  assert.equal(q.ok, true, JSON.stringify(q.error));
  assert.equal(q.enrolledPatients, 200);
  assert.deepEqual(q.bands[0].lines.map((l) => [l.code, l.units]).sort(), [["99439", 1], ["99490", 1]]);
  assert.deepEqual(q.bands[1].lines, []);
  assert.equal(q.bands[0].patientMonths, 100);
  assert.ok(Math.abs(q.bands[0].staffCost - 100 * 45 * 1) < 0.01, String(q.bands[0].staffCost));
  assert.ok(Math.abs(q.monthly.margin - (q.monthly.allowed - q.monthly.staffCost)) < 0.01);
});

test("whatIf never throws on bad data", () => {
  const cyclic = {};
  cyclic.self = cyclic;
  for (const [what, value] of [["undefined", undefined], ["null", null], ["42", 42], ["{}", {}], ["negative panel", { patients: -1, bands: [] }], ["bad track", { patients: 10, bands: [{ track: "nope", minutes: 20, share: 1 }] }], ["shares over 1", { patients: 10, bands: [{ track: "staff", minutes: 20, share: 0.8 }, { track: "staff", minutes: 40, share: 0.8 }] }], ["cyclic", cyclic]]) {
    let r;
    assert.doesNotThrow(() => {
      r = engine.whatIf(value);
    }, what);
    assertErrorResult(r, what);
  }
});

test("the web target works in Node with initSync and agrees with the nodejs target", async () => {
  const web = await import(pathToFileURL(join(PKG, "web", "ccm_engine.js")).href);
  web.initSync({ module: readFileSync(join(PKG, "web", "ccm_engine_bg.wasm")) });
  for (const input of inputs.slice(0, 3)) assert.deepEqual(web.evaluate(input), engine.evaluate(input));
  assert.equal(web.version(), engine.version());
});

test("pkg/package.json exports point at files that exist", () => {
  const pkg = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  assert.equal(pkg.name, "ccm-engine");
  const targets = [];
  const walk = (v) => (typeof v === "string" ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  for (const t of [...targets, pkg.main, pkg.module, pkg.types]) assert.ok(existsSync(join(PKG, t)), t);
  for (const sub of [".", "./web", "./bundler", "./nodejs", "./web/ccm_engine_bg.wasm"]) assert.ok(sub in pkg.exports, sub);
});

test("the wasm module imports nothing beyond wasm-bindgen's own glue", async () => {
  const mod = await WebAssembly.compile(readFileSync(join(PKG, "web", "ccm_engine_bg.wasm")));
  const modules = new Set(WebAssembly.Module.imports(mod).map((i) => i.module));
  for (const m of modules) assert.match(m, /^(\.\/ccm_engine_bg\.js|wbg|__wbindgen_placeholder__)$/, m);
  const names = WebAssembly.Module.imports(mod).map((i) => i.name).join(" ");
  assert.doesNotMatch(names, /fetch|XMLHttpRequest|WebSocket|localStorage|indexedDB|Date_now|performance/i, names);
});
