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
