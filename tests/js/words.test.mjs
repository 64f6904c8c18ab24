// The page's plain words (www/js/words.js) cover what the engine can say: every finding code of
// the TypeScript contract (src/ts/types.d.ts) has a title and a fix, every APCM service element of
// every built-in pack a label, every program and PCM track a name (CONTRACT §10).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, loadEngine } from "./engine.mjs";

// words.js is a browser module without imports; loaded from its text so Node does not have to
// guess the module type of www/.
const words = await import(`data:text/javascript,${encodeURIComponent(readFileSync(join(ROOT, "www", "js", "words.js"), "utf8"))}`);
const engine = await loadEngine();

/** The string literals of `export type NAME = | "A" | "B" …;` in the contract's declarations. */
function union(name) {
  const src = readFileSync(join(ROOT, "src", "ts", "types.d.ts"), "utf8");
  const start = src.indexOf(`export type ${name} =`);
  assert.ok(start >= 0, `${name} in types.d.ts`);
  const body = src.slice(start, src.indexOf(";", start));
  return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

test("every finding code has plain words: a title and what to do", () => {
  const codes = union("FindingCode");
  assert.ok(codes.includes("APCM_ELEMENTS_NOT_ATTESTED") && codes.includes("CONSENT_MISSING"), codes.join(" "));
  for (const code of codes) {
    const w = words.FINDINGS[code];
    assert.ok(w?.title && w?.fix, `words.js explains ${code}`);
    assert.equal(words.findingWords(code), w);
  }
});

test("programs: every program, PCM track and APCM element of the built-in packs has words", () => {
  for (const id of union("ProgramId")) assert.ok(words.PROGRAMS[id]?.short && words.PROGRAMS[id]?.name, `program ${id}`);
  for (const info of engine.rulePacks()) {
    const pack = engine.rulePack(info.id);
    for (const c of pack.programs.pcm.codes) {
      assert.ok(words.PROGRAM_TRACKS.pcm[c.track], `${info.id}: PCM track ${c.track}`);
      assert.ok(words.CODES[c.code], `${info.id}: code ${c.code}`);
    }
    for (const l of pack.programs.apcm.levels) assert.ok(words.CODES[l.code], `${info.id}: code ${l.code}`);
    const elements = pack.programs.apcm.elements;
    assert.ok(elements.length > 0, `${info.id}: APCM elements`);
    for (const e of elements) assert.ok(words.APCM_ELEMENTS[e], `${info.id}: APCM element ${e} has a label`);
  }
  assert.deepEqual(Object.keys(words.APCM_ELEMENTS), union("ApcmElement"), "the labels follow the contract's element ids, in order");
});
