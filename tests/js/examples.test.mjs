// ../shared/scenarios/examples.jsonl through the wasm build (nodejs target) and the native CLI:
// every case satisfies its `expect`, evaluate and evaluateJson agree, and the CLI prints exactly
// what evaluateJson returns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { checkExpect } from "./expect.mjs";
import { findCli, loadEngine, loadExamples } from "./engine.mjs";

const engine = await loadEngine();
const cases = loadExamples();

test("examples.jsonl is not empty", () => {
  assert.ok(cases.length > 0);
});

for (const c of cases) {
  test(`example ${c.line}: ${c.name}`, async (t) => {
    const result = engine.evaluate(c.input);

    await t.test("evaluate satisfies expect", () => {
      const failures = checkExpect(c.expect, result);
      assert.deepEqual(failures, [], `${c.name}:\n  ${failures.join("\n  ")}`);
    });

    await t.test("evaluateJson gives the same result, deterministically", () => {
      const text = engine.evaluateJson(JSON.stringify(c.input));
      assert.equal(typeof text, "string");
      assert.deepEqual(JSON.parse(text), result);
      assert.equal(engine.evaluateJson(JSON.stringify(c.input)), text, "same input, same bytes");
      assert.deepEqual(engine.evaluate(c.input), result);
    });
  });
}

test("CLI `ccm evaluate --jsonl -` prints exactly evaluateJson's text, one line per input", () => {
  // The examples, then a few inputs that cannot be evaluated (each must still get its line).
  const texts = [
    ...cases.map((c) => JSON.stringify(c.input)),
    "{",
    "null",
    "42",
    '"x"',
    "[]",
    JSON.stringify({ serviceMonth: "2026-13" }),
  ];
  const cli = findCli();
  const run = spawnSync(cli, ["evaluate", "--jsonl", "-"], { input: texts.join("\n") + "\n", encoding: "utf8", maxBuffer: 256 << 20 });
  assert.equal(run.error, undefined, `could not run ${cli}: ${run.error}`);
  const lines = run.stdout.split("\n");
  assert.equal(lines.pop(), "", "output ends with a newline");
  assert.equal(lines.length, texts.length, `one output line per input line\nstderr: ${run.stderr}`);
  texts.forEach((text, i) => {
    assert.equal(lines[i], engine.evaluateJson(text), `line ${i + 1} (${i < cases.length ? cases[i].name : text}) differs from evaluateJson`);
  });
  // Some inputs are invalid: exit code 1 (CONTRACT §1), and the rest are still printed.
  assert.equal(run.status, 1, `exit code (stderr: ${run.stderr})`);
});

test("CLI `ccm evaluate -` (one object) matches evaluateJson", () => {
  const cli = findCli();
  for (const c of cases.slice(0, 3)) {
    const text = JSON.stringify(c.input);
    const run = spawnSync(cli, ["evaluate", "-"], { input: text, encoding: "utf8" });
    assert.equal(run.error, undefined);
    const want = engine.evaluateJson(text);
    assert.equal(run.stdout.trimEnd(), want, c.name);
    assert.equal(run.status, JSON.parse(want).ok ? 0 : 1, `exit code for ${c.name}`);
  }
});
