// Shared helpers of the Node tests: paths, the nodejs build of the wasm package, the examples,
// and the native CLI.
import { createRequire } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PKG = join(ROOT, "pkg");

/** The nodejs build (CommonJS with wasm-bindgen 0.2.130; ESM handled too). */
export async function loadEngine() {
  const entry = join(PKG, "nodejs", "ccm_engine.js");
  if (!existsSync(entry)) throw new Error(`${entry} missing: run scripts/build-wasm.sh`);
  let type = "commonjs";
  try {
    type = JSON.parse(readFileSync(join(PKG, "nodejs", "package.json"), "utf8")).type ?? "commonjs";
  } catch {}
  if (type === "module") return import(pathToFileURL(entry).href);
  return createRequire(import.meta.url)(entry);
}

/** The nodejs build of the FHIR module (pkg/fhir/nodejs: the engine and the FHIR adapter). */
export async function loadFhirEngine() {
  const entry = join(PKG, "fhir", "nodejs", "ccm_engine.js");
  if (!existsSync(entry)) throw new Error(`${entry} missing: run scripts/build-wasm.sh`);
  let type = "commonjs";
  try {
    type = JSON.parse(readFileSync(join(PKG, "fhir", "nodejs", "package.json"), "utf8")).type ?? "commonjs";
  } catch {}
  if (type === "module") return import(pathToFileURL(entry).href);
  return createRequire(import.meta.url)(entry);
}

/** ../shared/scenarios/examples.jsonl (override with CCM_EXAMPLES). */
export function loadExamples() {
  const file = process.env.CCM_EXAMPLES ?? resolve(ROOT, "../shared/scenarios/examples.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      const c = JSON.parse(l);
      return { line: i + 1, name: c.name ?? `line ${i + 1}`, input: c.input, expect: c.expect ?? {} };
    });
}

/** The native `ccm` binary: the most recently built of target/{debug,release}/ccm. */
export function findCli() {
  const target = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
  const found = ["debug", "release"]
    .map((p) => join(target, p, process.platform === "win32" ? "ccm.exe" : "ccm"))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) throw new Error(`no ccm binary under ${target}/{debug,release}: run cargo build --bin ccm`);
  return found[0];
}

export const INPUT_ERROR_CODES = [
  "INVALID_JSON",
  "INVALID_INPUT",
  "INPUT_TOO_LARGE",
  "UNKNOWN_RULE_PACK",
  "NO_RULE_PACK_FOR_MONTH",
  "INVALID_RULE_PACK",
];
