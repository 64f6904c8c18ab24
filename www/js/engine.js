// Loads the engine's wasm-bindgen `web` modules, served from this origin, each once. The modules
// import nothing that reaches the network or storage; only their own .wasm is fetched.

/**
 * A loader of the wasm-bindgen module at `pkg` (its .wasm beside it): the initialised module,
 * loaded on the first call and shared by later ones; after a failure a later call tries again
 * (the build was missing, say).
 */
function loaderOf(pkg) {
  let loading = null;
  return () => {
    loading ??= (async () => {
      const mod = await import(pkg.href);
      await mod.default({ module_or_path: new URL("ccm_engine_bg.wasm", pkg) });
      return mod;
    })().catch((err) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}

/** @type {() => Promise<typeof import("../pkg/ccm_engine.js")>} the engine, at /pkg/. */
export const loadEngine = loaderOf(new URL("../pkg/ccm_engine.js", import.meta.url));

/**
 * The FHIR adapter's module (ccm-engine/fhir: the engine plus fromFhir, evaluateFhir, claim), at
 * /pkg/fhir/. About 560 KB, so it is loaded only when a person imports a FHIR Bundle, prepares a
 * claim or opens a panel holding a Bundle, never with the page.
 * @type {() => Promise<typeof import("../pkg/fhir/ccm_engine.js")>}
 */
export const loadFhir = loaderOf(new URL("../pkg/fhir/ccm_engine.js", import.meta.url));
