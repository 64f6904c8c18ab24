// Loads the engine (wasm-bindgen `web` target, served from this origin at /pkg/) once.
// The module imports nothing that reaches the network or storage; only its own .wasm is fetched.
const PKG = new URL("../pkg/ccm_engine.js", import.meta.url);

let loading = null;

/** @returns {Promise<typeof import("../pkg/ccm_engine.js")>} the initialised engine module. */
export function loadEngine() {
  loading ??= (async () => {
    const mod = await import(PKG.href);
    await mod.default({ module_or_path: new URL("ccm_engine_bg.wasm", PKG) });
    return mod;
  })();
  return loading;
}

// The FHIR adapter's module (ccm-engine/fhir: the engine plus fromFhir, evaluateFhir, claim), served
// at /pkg/fhir/. About 560 KB, so it is loaded only when a person imports a FHIR Bundle or prepares
// a claim, never with the page.
const FHIR_PKG = new URL("../pkg/fhir/ccm_engine.js", import.meta.url);
let loadingFhir = null;

/** @returns {Promise<typeof import("../pkg/fhir/ccm_engine.js")>} the initialised FHIR module. */
export function loadFhir() {
  loadingFhir ??= (async () => {
    const mod = await import(FHIR_PKG.href);
    await mod.default({ module_or_path: new URL("ccm_engine_bg.wasm", FHIR_PKG) });
    return mod;
  })().catch((err) => {
    loadingFhir = null; // a later try may succeed (the build was missing, say)
    throw err;
  });
  return loadingFhir;
}
