// The FHIR adapter's module (pkg/fhir/nodejs) in Node, on the worked example Bundle
// (tests/data/fhir/month-bundle.json): load, first call (lazy compilation), and the warm time per
// Bundle of fromFhirJson and evaluateFhirJson against JSON.parse + JSON.stringify of the same text.
//   node bench/fhir.mjs   → one JSON object on stdout (docs/performance.md, *The next phase*)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.CCM_FHIR_ROUNDS ?? 2000);
const bundle = readFileSync(join(ROOT, "tests/data/fhir/month-bundle.json"), "utf8");
const options = readFileSync(join(ROOT, "tests/data/fhir/options.json"), "utf8");
const t0 = performance.now();
const fhir = createRequire(import.meta.url)(join(ROOT, "pkg/fhir/nodejs/ccm_engine.js"));
const t1 = performance.now();
if (!fhir.evaluateFhirJson(bundle, options).startsWith('{"ok":true')) throw new Error("the example Bundle did not evaluate");
const t2 = performance.now();
const perCall = (fn) => {
  const start = performance.now();
  for (let i = 0; i < N; i++) fn();
  return ((performance.now() - start) / N) * 1000;
};
const out = {
  bundleBytes: bundle.length,
  loadMs: t1 - t0,
  firstCallMs: t2 - t1,
  fromFhirJsonUs: perCall(() => fhir.fromFhirJson(bundle, options)),
  evaluateFhirJsonUs: perCall(() => fhir.evaluateFhirJson(bundle, options)),
  floorUs: perCall(() => JSON.stringify(JSON.parse(bundle))),
};
console.log(JSON.stringify(out, null, 1));
