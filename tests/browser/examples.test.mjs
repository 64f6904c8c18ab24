// Every input of ../shared/scenarios/examples.jsonl, imported on the page the way a person does
// it (the paste dialog; the first one also through the file chooser), shows its expected status
// and codes; the element's Result satisfies the whole `expect` and equals the engine's own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSuite, loadExamples, loadNodeEngine } from "./harness.mjs";
import { checkExpect } from "../js/expect.mjs";
import { openCheck, readVerdict, currentResult, pasteMonth, importFile, STATUS_WORDS } from "./page.mjs";

const examples = loadExamples();
let suite;
let engine;
let ctx;
let page;
before(async () => {
  suite = await startSuite();
  engine = await loadNodeEngine();
  ctx = await suite.newContext();
  page = await openCheck(ctx, suite.origin);
});
after(async () => suite?.close());

const sorted = (pairs) => pairs.map(([c, u]) => `${c}x${u}`).sort();

test("examples.jsonl has cases", () => assert.ok(examples.length > 0));

for (const [i, ex] of examples.entries()) {
  test(`example ${ex.line}: ${ex.name}`, { timeout: 60_000 }, async () => {
    if (i === 0) await importFile(page, `example-${ex.line}.json`, JSON.stringify(ex.input));
    else await pasteMonth(page, ex.input);
    const want = ex.expect;
    const v = await readVerdict(page);
    if (want.ok === false) {
      assert.equal(v.status, "error");
      assert.equal(v.badge, "Cannot check yet");
      if (want.errorCode) assert.equal(v.errorShown, want.errorCode);
    } else {
      if (want.status) {
        assert.equal(v.status, want.status, `shown: ${v.badge} ${v.summary}`);
        assert.equal(v.badge, STATUS_WORDS[want.status]);
      }
      if (want.lines) assert.deepEqual(sorted(v.lines), sorted(want.lines), `codes shown: ${JSON.stringify(v.lines)}`);
      if (want.supportedLines) assert.deepEqual(sorted(v.supportedLines), sorted(want.supportedLines));
      for (const code of want.findings ?? []) assert.ok(v.findings.includes(code), `finding ${code} shown (have ${v.findings})`);
      if (want.time?.staffMinutes !== undefined) assert.equal(v.staff, `${want.time.staffMinutes} min`);
      if (want.nextUnit) assert.match(v.nextUnit ?? "", new RegExp(`^${want.nextUnit.minutesNeeded} minutes? to ${want.nextUnit.code}`));
      if (want.allowed !== undefined && want.status === "billable") assert.match(v.summary, new RegExp(`\\$${want.allowed.toFixed(2).replace(".", "\\.")} allowed`));
    }
    const result = await currentResult(page);
    assert.deepEqual(checkExpect(want, result), []);
    assert.deepEqual(result, engine.evaluate(ex.input), "the page's result equals the engine's");
    assert.deepEqual(ctx.errors, []);
    assert.deepEqual(ctx.offOrigin, []);
  });
}
