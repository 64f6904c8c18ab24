// The edge worker on real runtimes: workerd and deno, each started on its own loopback port and
// stopped by its PID. Every check compares with the native `ccm` CLI (target/{debug,release}/ccm).
//   node --test edge/tests/edge.test.mjs          (edge/test.sh prepares edge/build first)
// CCM_EDGE_RUNTIMES=workerd (or deno) limits the runtimes; CCM_EXAMPLES overrides the examples file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { EDGE, ROOT, RUNTIMES, startRuntime } from "../lib/runtimes.mjs";

const MiB = 1024 * 1024;
const runtimes = (process.env.CCM_EDGE_RUNTIMES ?? RUNTIMES.join(",")).split(",").filter(Boolean);
const ALLOWED_ORIGIN = "https://portal.example.test";

// ---- reference: the CLI ---------------------------------------------------------------------------

function loadExamples() {
  const file = process.env.CCM_EXAMPLES ?? resolve(ROOT, "../shared/scenarios/examples.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      const c = JSON.parse(l);
      return { name: c.name ?? `line ${i + 1}`, input: c.input, body: JSON.stringify(c.input) };
    });
}

function findCli() {
  const target = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
  const found = ["debug", "release"]
    .map((p) => join(target, p, process.platform === "win32" ? "ccm.exe" : "ccm"))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) throw new Error(`no ccm binary under ${target}/{debug,release}: run cargo build --bin ccm`);
  return found[0];
}

const tmp = mkdtempSync(join(tmpdir(), "ccm-edge-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cliCache = new Map();
let tmpN = 0;

/** What `ccm evaluate FILE` prints for this exact body text (trailing newline removed). */
function cliEvaluate(text) {
  let out = cliCache.get(text);
  if (out !== undefined) return out;
  const file = join(tmp, `input-${tmpN++}.json`);
  writeFileSync(file, text);
  const run = spawnSync(findCli(), ["evaluate", file], { encoding: "utf8", maxBuffer: 64 * MiB });
  assert.equal(run.error, undefined, `could not run the CLI: ${run.error}`);
  assert.ok(run.status === 0 || run.status === 1, `ccm evaluate exit ${run.status}: ${run.stderr}`);
  out = run.stdout.replace(/\n$/, "");
  cliCache.set(text, out);
  return out;
}

function cliJson(args) {
  const run = spawnSync(findCli(), args, { encoding: "utf8", maxBuffer: 64 * MiB });
  assert.equal(run.error, undefined);
  assert.equal(run.status, 0, `ccm ${args.join(" ")}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The status the worker must give a Result. */
function statusFor(result) {
  if (result.ok) return 200;
  return { INVALID_JSON: 400, INPUT_TOO_LARGE: 413 }[result.error.code] ?? 422;
}

const examples = loadExamples();

// The FHIR test Bundles (tests/data/fhir/) and what `ccm evaluate --fhir FILE --options FILE` prints.
const FHIR_DATA = join(ROOT, "tests", "data", "fhir");
const FHIR_OPTIONS = join(FHIR_DATA, "options.json");
const FHIR_BUNDLES = ["month-bundle.json", "partial.json", "wrong-codings.json", "time-kinds.json", "searchset.json", "transaction.json", "apcm-conflict.json", "two-patients.json", "not-a-bundle.json"];
function cliFhir(bundleFile) {
  const run = spawnSync(findCli(), ["evaluate", "--fhir", bundleFile, "--options", FHIR_OPTIONS], { encoding: "utf8", maxBuffer: 64 * MiB });
  assert.equal(run.error, undefined, `could not run the CLI: ${run.error}`);
  assert.ok(run.status === 0 || run.status === 1, `ccm evaluate --fhir exit ${run.status}: ${run.stderr}`);
  return run.stdout.replace(/\n$/, "");
}
const SENTINEL = "Zq7-SENTINEL-Pat1ent-Name";

// ---- helpers ----------------------------------------------------------------------------------------

async function post(base, path, body, headers = { "content-type": "application/json" }) {
  const res = await fetch(base + path, { method: "POST", headers, body });
  return { res, text: await res.text() };
}

async function expectError(res, text, status, code) {
  assert.equal(res.status, status, `status (body: ${text.slice(0, 300)})`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = JSON.parse(text);
  assert.equal(body.ok, false);
  assert.equal(typeof body.error, "object");
  assert.equal(body.error.code, code, `code (body: ${text.slice(0, 300)})`);
  assert.equal(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
  return body;
}

/** POST /v1/evaluate must answer exactly what the CLI prints for the same text. */
async function expectLikeCli(base, text, label) {
  const want = cliEvaluate(text);
  const wantJson = JSON.parse(want);
  const { res, text: got } = await post(base, "/v1/evaluate", text);
  assert.equal(res.status, statusFor(wantJson), `${label}: status (body: ${got.slice(0, 300)})`);
  assert.deepEqual(JSON.parse(got), wantJson, `${label}: Result differs from the CLI's`);
  assert.equal(got, want, `${label}: not byte-identical to the CLI output`);
  assert.equal(res.headers.get("cache-control"), "no-store", `${label}: Cache-Control`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  return wantJson;
}

/** A body that streams `bytes` bytes without a Content-Length (chunked). */
function streamedBody(bytes, chunk = 64 * 1024) {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(chunk, bytes - sent);
      controller.enqueue(new Uint8Array(n).fill(0x20));
      sent += n;
    },
  });
}

// ---- static checks ------------------------------------------------------------------------------------

test("the worker never compiles wasm at request time (instantiated once per isolate)", () => {
  for (const f of ["worker.mjs", "deno.mjs", "app.mjs"]) {
    const src = readFileSync(join(EDGE, "src", f), "utf8").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(src, /WebAssembly\.(compile|instantiate)|new WebAssembly\.Module/, f);
  }
  const worker = readFileSync(join(EDGE, "src", "worker.mjs"), "utf8");
  assert.match(worker, /^engine\.initSync\(\{ module: wasmModule \}\);$/m, "initSync at module top level");
  assert.match(worker, /^fhir\.initSync\(\{ module: fhirWasmModule \}\);$/m, "the FHIR module too");
});

test("examples.jsonl is not empty", () => assert.ok(examples.length > 0));

test("edge/build/deno-deploy/ is self-contained and serves the same answers", { skip: !runtimes.includes("deno") }, async () => {
  // A copy outside the repository: nothing may be imported from beyond the directory.
  const dir = join(tmp, "deno-deploy");
  cpSync(join(EDGE, "build", "deno-deploy"), dir, { recursive: true });
  const srv = await startRuntime("deno", { entry: join(dir, "main.js"), config: join(dir, "deno.json") });
  try {
    assert.equal(srv.health.runtime, "deno");
    for (const c of [examples[0], examples[examples.length - 1]]) await expectLikeCli(srv.base, c.body, `${c.name} (deno-deploy)`);
    const bundle = readFileSync(join(FHIR_DATA, "month-bundle.json"), "utf8");
    const fhir = await post(srv.base, "/v1/fhir/evaluate", `{"bundle":${bundle},"options":${readFileSync(FHIR_OPTIONS, "utf8")}}`);
    assert.equal(fhir.text, cliFhir(join(FHIR_DATA, "month-bundle.json")), "POST /v1/fhir/evaluate (deno-deploy)");
  } finally {
    await srv.stop();
  }
});

// ---- per runtime ------------------------------------------------------------------------------------

for (const runtime of runtimes) {
  describe(`edge worker on ${runtime}`, () => {
    let srv;
    let base;
    before(async () => {
      srv = await startRuntime(runtime, { env: { CORS_ALLOW_ORIGINS: "" } });
      base = srv.base;
    });
    after(async () => {
      if (srv) {
        await srv.stop();
        if (process.env.CCM_EDGE_SHOW_LOG) console.log(srv.output());
      }
    });

    test("GET /v1/health: engine version and pack ids", async () => {
      const res = await fetch(`${base}/v1/health`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      const h = await res.json();
      assert.equal(h.ok, true);
      assert.equal(h.runtime, runtime);
      const firstOk = examples.map((c) => JSON.parse(cliEvaluate(c.body))).find((r) => r.ok);
      assert.ok(firstOk, "some example evaluates");
      assert.equal(h.engineVersion, firstOk.evaluation.engineVersion);
      assert.ok(h.packs.includes("medicare-cy2025") && h.packs.includes("medicare-cy2026"), JSON.stringify(h.packs));
      const head = await fetch(`${base}/v1/health`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    });

    test("every example gives exactly the CLI's Result", async () => {
      for (const c of examples) await expectLikeCli(base, c.body, c.name);
    });

    test("POST /v1/evaluate-batch equals N single calls, in order", async () => {
      const items = [...examples.map((c) => c.input), null, { serviceMonth: "2026-13" }, [], 7, { serviceMonth: "2026-03" }];
      const { res, text } = await post(base, "/v1/evaluate-batch", JSON.stringify(items));
      assert.equal(res.status, 200, text.slice(0, 300));
      assert.equal(res.headers.get("cache-control"), "no-store");
      const got = JSON.parse(text);
      assert.ok(Array.isArray(got));
      assert.equal(got.length, items.length);
      for (let i = 0; i < items.length; i++) {
        const one = JSON.stringify(items[i]);
        const single = await post(base, "/v1/evaluate", one);
        assert.deepEqual(got[i], JSON.parse(single.text), `item ${i}: batch differs from the single call`);
        assert.deepEqual(got[i], JSON.parse(cliEvaluate(one)), `item ${i}: batch differs from the CLI`);
      }
      // Month texts JSON.parse would change (duplicate keys, a number out of range, digits past
      // double precision, escapes, layout): each batch result is still the single call's, byte for byte.
      const first = examples[0].body;
      const raw = [
        first.replace(/^\{/, '{"serviceMonth":"1999-01",'),
        first.replace(/^\{/, '{"supervisionAttested":1e400,'),
        first.replace(/^\{/, '{"patient":{"ref":"12345678901234567890123"},"asOf":12345678901234567890123,'),
        first.replace(/^\{/, '{ "patient" : { "ref" : "a\\"b\\u005d,]\\\\" } ,\n\t'),
        JSON.stringify(examples[examples.length - 1].input, null, 2),
      ];
      const batch = await post(base, "/v1/evaluate-batch", `[ ${raw.join(" ,\n")} ]`);
      assert.equal(batch.res.status, 200, batch.text.slice(0, 300));
      const singles = [];
      for (let i = 0; i < raw.length; i++) {
        const single = await post(base, "/v1/evaluate", raw[i]);
        assert.equal(single.text, cliEvaluate(raw[i]), `raw item ${i}: differs from the CLI`);
        singles.push(single.text);
      }
      assert.equal(batch.text, `[${singles.join(",")}]`, "the batch is the single calls' results, in order");
      const empty = await post(base, "/v1/evaluate-batch", "[]");
      assert.equal(empty.res.status, 200);
      assert.deepEqual(JSON.parse(empty.text), []);
    });

    test("a batch of exactly 500 months is accepted", async () => {
      const items = Array.from({ length: 500 }, (_, i) => examples[i % examples.length].input);
      const { res, text } = await post(base, "/v1/evaluate-batch", JSON.stringify(items));
      assert.equal(res.status, 200, text.slice(0, 300));
      const got = JSON.parse(text);
      assert.equal(got.length, 500);
      got.forEach((r, i) => assert.deepEqual(r, JSON.parse(cliEvaluate(examples[i % examples.length].body)), `item ${i}`));
    });

    test("inputs that cannot be evaluated: 400 / 422 / 413 with the CLI's Result", async () => {
      const cases = [
        ["malformed JSON", '{"serviceMonth": "2026-03",', 400, "INVALID_JSON"],
        ["empty body", "", 400, "INVALID_JSON"],
        ["not an object", "42", 422, "INVALID_INPUT"],
        ["bad month", JSON.stringify({ serviceMonth: "2026-13", billingPractitioner: { id: "1" } }), 422, "INVALID_INPUT"],
        ["unknown rule pack", JSON.stringify({ ...examples[0].input, rulePack: "no-such-pack" }), 422, "UNKNOWN_RULE_PACK"],
        [
          "2,001 time entries (engine bound)",
          JSON.stringify({
            ...examples[0].input,
            timeEntries: Array.from({ length: 2001 }, (_, i) => ({ id: `t${i}`, performer: { role: "rn" }, date: "2026-03-02", minutes: 1 })),
          }),
          413,
          "INPUT_TOO_LARGE",
        ],
      ];
      for (const [label, text, status, code] of cases) {
        const want = await expectLikeCli(base, text, label);
        assert.equal(want.ok, false, label);
        assert.equal(want.error.code, code, `${label}: the CLI's code`);
        assert.equal(statusFor(want), status, label);
      }
    });

    test("payers and places: a locality, an RHC, a QMB patient and a payer's pack give the CLI's amounts to the cent", async () => {
      const billable = examples.find((c) => { const r = JSON.parse(cliEvaluate(c.body)); return r.ok && r.evaluation.status === "billable"; }).input;
      const amounts = (r) => ({ payment: r.evaluation.payment, lines: r.evaluation.lines.map((l) => [l.code, l.units, l.allowed, l.coinsurance]) });
      const national = JSON.parse(cliEvaluate(JSON.stringify(billable)));
      const months = {
        locality: { ...billable, payment: { locality: "01112-09" } },
        rhc: { ...billable, payment: { setting: "rhc", locality: "01112-09" } },
        fqhc2025: { ...billable, serviceMonth: "2025-06", asOf: undefined, payment: { setting: "fqhc" } },
        qmb: { ...billable, patient: { ...billable.patient, qmb: true }, payment: { locality: "01182-18" } },
        payer: { ...billable, rulePack: JSON.parse(readFileSync(join(ROOT, "packs", "examples", "example-medicare-advantage-2026.json"), "utf8")) },
      };
      const got = {};
      for (const [label, month] of Object.entries(months)) {
        const want = await expectLikeCli(base, JSON.stringify(month), label); // byte for byte, so every amount
        assert.equal(want.ok, true, `${label}: ${JSON.stringify(want.error)}`);
        const { res, text } = await post(base, "/v1/evaluate", JSON.stringify(month));
        assert.equal(res.status, 200);
        got[label] = JSON.parse(text);
        assert.deepEqual(amounts(got[label]), amounts(want), `${label}: amounts`);
      }
      const codes = (r) => r.evaluation.findings.map((f) => f.code);
      // The locality changes the amount and is echoed; the RHC is paid the national amount whatever the locality.
      assert.equal(got.locality.evaluation.payment.locality, "01112-09");
      assert.ok(codes(got.locality).includes("LOCALITY_GPCI"));
      assert.notEqual(got.locality.evaluation.payment.allowed, national.evaluation.payment.allowed);
      assert.equal(got.rhc.evaluation.payment.setting, "rhc");
      assert.equal(got.rhc.evaluation.payment.allowed, national.evaluation.payment.allowed);
      assert.ok(codes(got.rhc).includes("RHC_FQHC_NATIONAL_RATE"));
      assert.ok(codes(got.fqhc2025).includes("RHC_FQHC_G0511_PERIOD"));
      assert.equal(got.qmb.evaluation.payment.coinsurance, 0);
      assert.ok(codes(got.qmb).includes("QMB_NO_COINSURANCE"));
      assert.equal(got.payer.evaluation.rulePack.id, "example-ma-plan-2026");
      // A locality that is not in the table: 422 INVALID_INPUT naming payment.locality, as the CLI says.
      for (const locality of ["99999-99", "01112", 7]) {
        const text = JSON.stringify({ ...billable, payment: { locality } });
        const want = await expectLikeCli(base, text, `locality ${locality}`);
        const { res, text: body } = await post(base, "/v1/evaluate", text);
        const r = await expectError(res, body, 422, "INVALID_INPUT");
        assert.deepEqual(r, want);
        assert.deepEqual(r.error.issues.map((i) => i.path), ["payment.locality"], JSON.stringify(r.error.issues));
      }
    });

    test("programs (CONTRACT §10): PCM and APCM beside CCM, and the recommendation, as the CLI gives them", async () => {
      const billable = examples.find((c) => { const r = JSON.parse(cliEvaluate(c.body)); return r.ok && r.evaluation.status === "billable"; }).input;
      const id = JSON.parse(cliEvaluate(JSON.stringify(billable))).evaluation.rulePack.id;
      const pack = cliJson(["packs", "--show", id]);
      const month = {
        ...billable,
        programs: ["ccm", "pcm", "apcm"],
        conditions: billable.conditions.map((c, i) => (i === 0 ? { ...c, pcmFocus: true } : c)),
        carePlan: { ...billable.carePlan, diseaseSpecific: true },
        apcm: { responsibleForPrimaryCare: true, elementsAttested: pack.programs.apcm.elements },
      };
      const want = await expectLikeCli(base, JSON.stringify(month), "programs"); // byte for byte
      assert.equal(want.ok, true, JSON.stringify(want.error));
      const ids = want.evaluation.programs.map((p) => p.program);
      assert.deepEqual(ids, ["ccm", "pcm", "apcm"]);
      assert.equal(want.evaluation.programs[2].status, "billable", JSON.stringify(want.evaluation.programs[2]));
      assert.ok(want.evaluation.recommended && ids.includes(want.evaluation.recommended.program));
      // Without programs: no programs key (the v1 answer).
      const plain = await expectLikeCli(base, JSON.stringify(billable), "no programs");
      assert.equal(plain.evaluation.programs, undefined);
    });

    test("POST /v1/fhir/evaluate: each test Bundle gives exactly what `ccm evaluate --fhir` prints", async () => {
      const optionsText = readFileSync(FHIR_OPTIONS, "utf8");
      for (const file of FHIR_BUNDLES) {
        const bundleText = readFileSync(join(FHIR_DATA, file), "utf8");
        const want = cliFhir(join(FHIR_DATA, file));
        // The member texts as in the files (layout, order, numbers as written).
        const { res, text } = await post(base, "/v1/fhir/evaluate", `{"bundle": ${bundleText}, "options": ${optionsText}}`);
        assert.equal(text, want, `${file}: not byte-identical to the CLI output`);
        assert.equal(res.status, statusFor(JSON.parse(want)), file);
        assert.equal(res.headers.get("cache-control"), "no-store");
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
        assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      }
      // The worked example: billable, 99490 + 99439, $116.57, with the mapping beside it.
      const r = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: JSON.parse(readFileSync(join(FHIR_DATA, "month-bundle.json"), "utf8")), options: JSON.parse(optionsText) }));
      assert.equal(r.res.status, 200);
      const got = JSON.parse(r.text);
      assert.equal(got.evaluation.status, "billable");
      assert.deepEqual(got.evaluation.lines.map((l) => [l.code, l.units, l.allowed]), [["99490", 1, 66.13], ["99439", 1, 50.44]]);
      assert.equal(got.evaluation.payment.allowed, 116.57);
      assert.equal(got.fhir.sources["timeEntries[2]"], "Task/task1");
      assert.deepEqual(got, JSON.parse(cliFhir(join(FHIR_DATA, "month-bundle.json"))));
      // The Bundle as JSON text in a string member is read as the same Bundle.
      const asText = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: readFileSync(join(FHIR_DATA, "month-bundle.json"), "utf8"), options: JSON.parse(optionsText) }));
      assert.equal(asText.text, r.text);
    });

    test("POST /v1/fhir/evaluate: a bad Bundle or body → 422, malformed → 400, too large → 413", async () => {
      const options = JSON.parse(readFileSync(FHIR_OPTIONS, "utf8"));
      // Not a Bundle: the adapter's INVALID_INPUT, as the CLI prints it.
      const notBundle = readFileSync(join(FHIR_DATA, "not-a-bundle.json"), "utf8");
      let r = await post(base, "/v1/fhir/evaluate", `{"bundle":${notBundle},"options":${JSON.stringify(options)}}`);
      let body = await expectError(r.res, r.text, 422, "INVALID_INPUT");
      assert.deepEqual(body.error.issues.map((i) => i.path), ["Bundle.resourceType"]);
      assert.equal(r.text, cliFhir(join(FHIR_DATA, "not-a-bundle.json")));
      // A Bundle of the wrong type, options without a month: 422 with the paths.
      r = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: { resourceType: "Bundle", type: "document" }, options }));
      body = await expectError(r.res, r.text, 422, "INVALID_INPUT");
      assert.deepEqual(body.error.issues.map((i) => i.path), ["Bundle.type"]);
      r = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: { resourceType: "Bundle", type: "collection" } }));
      body = await expectError(r.res, r.text, 422, "INVALID_INPUT");
      assert.deepEqual(body.error.issues.map((i) => i.path), ["options.serviceMonth", "options.billingPractitioner.id"]);
      // The body's own shape.
      for (const [text, path] of [["[]", ""], ["{}", "bundle"], ['{"options":{}}', "bundle"], ['{"bundle":null}', "bundle"]]) {
        r = await post(base, "/v1/fhir/evaluate", text);
        body = await expectError(r.res, r.text, 422, "INVALID_INPUT");
        assert.deepEqual(body.error.issues.map((i) => i.path), [path], text);
      }
      r = await post(base, "/v1/fhir/evaluate", '{"bundle":');
      await expectError(r.res, r.text, 400, "INVALID_JSON");
      r = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: "{", options }));
      await expectError(r.res, r.text, 400, "INVALID_JSON");
      // A Bundle over the adapter's 8 MiB inside a body the worker accepts: the adapter's 413.
      const big = JSON.parse(readFileSync(join(FHIR_DATA, "month-bundle.json"), "utf8"));
      big.entry.push({ resource: { resourceType: "Basic", id: "pad", code: { text: "x".repeat(8 * MiB) } } });
      r = await post(base, "/v1/fhir/evaluate", JSON.stringify({ bundle: big, options }));
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      // A body over the route's limit: 413 before parsing, declared or streamed.
      r = await post(base, "/v1/fhir/evaluate", " ".repeat(9 * MiB));
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      assert.equal(r.res.headers.get("cache-control"), "no-store");
      const res = await fetch(`${base}/v1/fhir/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: streamedBody(9 * MiB), duplex: "half" });
      await expectError(res, await res.text(), 413, "INPUT_TOO_LARGE");
      // Wrong method and content type, as the other routes.
      const get = await fetch(`${base}/v1/fhir/evaluate`);
      await expectError(get, await get.text(), 405, "METHOD_NOT_ALLOWED");
      assert.equal(get.headers.get("allow"), "POST, OPTIONS");
      r = await post(base, "/v1/fhir/evaluate", "{}", { "content-type": "text/plain" });
      await expectError(r.res, r.text, 415, "UNSUPPORTED_MEDIA_TYPE");
      // Still answering correctly afterwards.
      r = await post(base, "/v1/fhir/evaluate", `{"bundle":${readFileSync(join(FHIR_DATA, "month-bundle.json"), "utf8")},"options":${JSON.stringify(options)}}`);
      assert.equal(r.res.status, 200);
      assert.equal(r.text, cliFhir(join(FHIR_DATA, "month-bundle.json")));
    });

    test("a leading byte-order mark is judged as the CLI judges it", async () => {
      await expectLikeCli(base, "\ufeff" + examples[0].body, "BOM + example");
      await expectLikeCli(base, "\ufeff", "BOM alone");
    });

    test("a body of exactly 2 MiB reaches the engine (no 413 from the worker)", async () => {
      const body = examples[0].body;
      const text = body + " ".repeat(2 * MiB - Buffer.byteLength(body));
      assert.equal(Buffer.byteLength(text), 2 * MiB);
      await expectLikeCli(base, text, "2 MiB");
    });

    test("bodies over the limits: 413 before parsing", async () => {
      const over = " ".repeat(2 * MiB + 1);
      let r = await post(base, "/v1/evaluate", over);
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      assert.equal(r.res.headers.get("cache-control"), "no-store");
      // Not JSON at all, but too large: the size decides first.
      r = await post(base, "/v1/evaluate", "{".repeat(2 * MiB + 1));
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      // Without Content-Length (chunked): cut off while streaming.
      let res = await fetch(`${base}/v1/evaluate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamedBody(3 * MiB),
        duplex: "half",
      });
      await expectError(res, await res.text(), 413, "INPUT_TOO_LARGE");
      // Batch: 16 MiB.
      r = await post(base, "/v1/evaluate-batch", "[" + " ".repeat(16 * MiB) + "]");
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      res = await fetch(`${base}/v1/evaluate-batch`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamedBody(16 * MiB + 1),
        duplex: "half",
      });
      await expectError(res, await res.text(), 413, "INPUT_TOO_LARGE");
      // A batch body between 2 and 16 MiB is fine.
      r = await post(base, "/v1/evaluate-batch", "[" + " ".repeat(3 * MiB) + "{}]");
      assert.equal(r.res.status, 200, r.text.slice(0, 300));
      assert.deepEqual(JSON.parse(r.text), [JSON.parse(cliEvaluate("{}"))]);
    });

    test("batch errors: 501 months → 413, not an array → 422, malformed → 400", async () => {
      let r = await post(base, "/v1/evaluate-batch", JSON.stringify(Array.from({ length: 501 }, () => ({}))));
      await expectError(r.res, r.text, 413, "INPUT_TOO_LARGE");
      r = await post(base, "/v1/evaluate-batch", JSON.stringify(examples[0].input));
      await expectError(r.res, r.text, 422, "INVALID_INPUT");
      r = await post(base, "/v1/evaluate-batch", "[{},");
      await expectError(r.res, r.text, 400, "INVALID_JSON");
      r = await post(base, "/v1/evaluate-batch", "");
      await expectError(r.res, r.text, 400, "INVALID_JSON");
    });

    test("invalid UTF-8 → 400 INVALID_JSON", async () => {
      const bytes = Buffer.concat([Buffer.from('{"serviceMonth":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const r = await post(base, "/v1/evaluate", bytes);
      await expectError(r.res, r.text, 400, "INVALID_JSON");
    });

    test("wrong method → 405 with Allow", async () => {
      const cases = [
        ["GET", "/v1/evaluate", "POST"],
        ["PUT", "/v1/evaluate", "POST"],
        ["GET", "/v1/evaluate-batch", "POST"],
        ["DELETE", "/v1/evaluate-batch", "POST"],
        ["POST", "/v1/packs", "GET"],
        ["POST", "/v1/packs/medicare-cy2026", "GET"],
        ["PUT", "/v1/consent-templates", "GET"],
        ["POST", "/v1/health", "GET"],
      ];
      for (const [method, path, allowed] of cases) {
        const res = await fetch(base + path, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "GET" ? undefined : "{}",
        });
        const text = await res.text();
        await expectError(res, text, 405, "METHOD_NOT_ALLOWED");
        const allow = (res.headers.get("allow") ?? "").split(",").map((s) => s.trim());
        assert.ok(allow.includes(allowed), `${method} ${path}: Allow is ${res.headers.get("allow")}`);
        assert.ok(!allow.includes(method), `${method} ${path}: Allow lists the rejected method`);
      }
    });

    test("unknown path → 404", async () => {
      for (const path of ["/", "/v1", "/v1/", "/v1/evaluate/", "/v2/evaluate", "/v1/nope", "/v1/packs/a/b", "/v1/packs/%ZZ"]) {
        const res = await fetch(base + path);
        await expectError(res, await res.text(), 404, "NOT_FOUND");
      }
      const r = await post(base, "/v1/evaluates", "{}");
      await expectError(r.res, r.text, 404, "NOT_FOUND");
      const res = await fetch(`${base}/v1/packs/no-such-pack`);
      await expectError(res, await res.text(), 404, "UNKNOWN_RULE_PACK");
    });

    test("wrong content type → 415", async () => {
      const types = ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx", null];
      for (const path of ["/v1/evaluate", "/v1/evaluate-batch"]) {
        for (const type of types) {
          const headers = type === null ? {} : { "content-type": type };
          // fetch adds text/plain to a string body; a byte body goes without any Content-Type.
          const body = type === null ? Buffer.from(examples[0].body) : examples[0].body;
          const r = await post(base, path, body, headers);
          await expectError(r.res, r.text, 415, "UNSUPPORTED_MEDIA_TYPE");
        }
      }
      // A large body with the wrong type or method still gets its JSON answer.
      const big = " ".repeat(8 * MiB);
      let r = await post(base, "/v1/evaluate-batch", big, { "content-type": "text/plain" });
      await expectError(r.res, r.text, 415, "UNSUPPORTED_MEDIA_TYPE");
      const res = await fetch(`${base}/v1/health`, { method: "PUT", headers: { "content-type": "application/json" }, body: big });
      await expectError(res, await res.text(), 405, "METHOD_NOT_ALLOWED");
      r = await post(base, "/v1/nope", big);
      await expectError(r.res, r.text, 404, "NOT_FOUND");
      // Parameters and case are fine.
      r = await post(base, "/v1/evaluate", examples[0].body, { "content-type": "Application/JSON; charset=UTF-8" });
      assert.equal(r.text, cliEvaluate(examples[0].body));
    });

    test("error messages never echo the input", async () => {
      const texts = [
        `{"serviceMonth": "${SENTINEL}"}`,
        `{"serviceMonth": "2026-03", ${SENTINEL}}`,
        JSON.stringify({ ...examples[0].input, track: SENTINEL }),
        JSON.stringify({ ...examples[0].input, rulePack: SENTINEL }),
        JSON.stringify({ ...examples[0].input, conditions: SENTINEL }),
        JSON.stringify({ ...examples[0].input, timeEntries: [{ id: "t", performer: { name: SENTINEL, role: SENTINEL }, date: "2026-03-02", minutes: SENTINEL }] }),
        JSON.stringify({ ...examples[0].input, consent: { status: SENTINEL } }),
      ];
      for (const text of texts) {
        for (const path of ["/v1/evaluate", "/v1/evaluate-batch"]) {
          const body = path === "/v1/evaluate" ? text : `[${text}]`;
          const r = await post(base, path, body);
          assert.ok(!r.text.includes(SENTINEL), `${path} echoed input text: ${r.text.slice(0, 500)}`);
          assert.ok(!r.text.includes("Pat1ent"), `${path} echoed part of the input: ${r.text.slice(0, 500)}`);
        }
        const r = await post(base, "/v1/evaluate", text, { "content-type": "text/plain" });
        assert.ok(!r.text.includes(SENTINEL));
      }
      const res = await fetch(`${base}/v1/packs/${SENTINEL}`);
      assert.ok(!(await res.text()).includes(SENTINEL));
    });

    test("GET /v1/packs and /v1/packs/{id}: the built-in packs, as the CLI shows them", async () => {
      const res = await fetch(`${base}/v1/packs`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.ok, true);
      assert.ok(Array.isArray(body.packs) && body.packs.length >= 2);
      const health = await (await fetch(`${base}/v1/health`)).json();
      assert.deepEqual(body.packs.map((p) => p.id), health.packs);
      for (const info of body.packs) {
        const r = await fetch(`${base}/v1/packs/${encodeURIComponent(info.id)}`);
        assert.equal(r.status, 200);
        const one = await r.json();
        assert.equal(one.ok, true);
        assert.equal(one.pack.id, info.id);
        assert.ok(Array.isArray(one.pack.codes) && one.pack.codes.length > 0);
        assert.deepEqual(one.pack, cliJson(["packs", "--show", info.id]), `${info.id}: differs from ccm packs --show`);
      }
    });

    test("GET /v1/consent-templates: versioned texts with their SHA-256", async () => {
      const res = await fetch(`${base}/v1/consent-templates`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.ok, true);
      assert.ok(body.templates.length >= 2);
      const langs = new Set(body.templates.map((t) => t.language));
      assert.ok(langs.has("en") && langs.has("es"), [...langs].join(","));
      for (const t of body.templates) {
        assert.equal(createHash("sha256").update(t.text, "utf8").digest("hex"), t.textSha256, t.version);
      }
    });

    test("200 concurrent requests all succeed with correct results", async () => {
      const jobs = Array.from({ length: 200 }, (_, i) => examples[i % examples.length]);
      const results = await Promise.all(
        jobs.map((c) =>
          fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: c.body }).then(
            async (res) => ({ status: res.status, text: await res.text() }),
          ),
        ),
      );
      results.forEach((r, i) => {
        const want = cliEvaluate(jobs[i].body);
        assert.equal(r.status, statusFor(JSON.parse(want)), `request ${i}`);
        assert.equal(r.text, want, `request ${i} (${jobs[i].name})`);
      });
    });

    test("keeps answering correctly after rejected requests", async () => {
      const good = examples[0];
      const rejects = [
        () => post(base, "/v1/evaluate", " ".repeat(2 * MiB + 1)),
        () =>
          fetch(`${base}/v1/evaluate`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: streamedBody(3 * MiB),
            duplex: "half",
          }).then((res) => res.text()),
        () => post(base, "/v1/evaluate", '{"serviceMonth": "2026-13"}'),
        () => post(base, "/v1/evaluate", "{{{"),
        () => post(base, "/v1/evaluate", JSON.stringify({ ...good.input, timeEntries: [{ start: "2026-03-04T10:00:00", minutes: 3 }] })),
        () => post(base, "/v1/evaluate-batch", JSON.stringify(Array.from({ length: 501 }, () => ({})))),
        () => post(base, "/v1/evaluate", good.body, { "content-type": "text/plain" }),
      ];
      for (const reject of rejects) {
        await reject();
        for (const c of [good, examples[examples.length - 1]]) await expectLikeCli(base, c.body, `${c.name} after a rejection`);
      }
    });

    test("CORS is off by default", async () => {
      const res = await fetch(`${base}/v1/evaluate`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ALLOWED_ORIGIN },
        body: examples[0].body,
      });
      await res.text();
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      const pre = await fetch(`${base}/v1/evaluate`, {
        method: "OPTIONS",
        headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      await pre.text();
      assert.equal(pre.headers.get("access-control-allow-origin"), null);
    });
  });

  describe(`edge worker on ${runtime} with a CORS allow-list`, () => {
    let srv;
    before(async () => {
      srv = await startRuntime(runtime, { env: { CORS_ALLOW_ORIGINS: `${ALLOWED_ORIGIN}, https://other.example.test` } });
    });
    after(async () => {
      if (srv) await srv.stop();
    });

    test("allowed origins get Access-Control-Allow-Origin, others do not", async () => {
      const base = srv.base;
      const body = examples[0].body;
      let res = await fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json", origin: ALLOWED_ORIGIN }, body });
      assert.equal(await res.text(), cliEvaluate(body));
      assert.equal(res.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
      assert.match(res.headers.get("vary") ?? "", /origin/i);
      res = await fetch(`${base}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example.test" }, body });
      await res.text();
      assert.equal(res.headers.get("access-control-allow-origin"), null);
      res = await fetch(`${base}/v1/evaluate`, {
        method: "OPTIONS",
        headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      await res.text();
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
      assert.match(res.headers.get("access-control-allow-headers") ?? "", /content-type/i);
      res = await fetch(`${base}/v1/nope`, { headers: { origin: ALLOWED_ORIGIN } });
      await expectError(res, await res.text(), 404, "NOT_FOUND");
      assert.equal(res.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN, "errors are readable by allowed origins too");
    });
  });
}
