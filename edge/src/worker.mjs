// Module worker for workerd and Cloudflare Workers (`export default { fetch }`).
//
// The runtime hands the imported .wasm to us as an already compiled WebAssembly.Module (workerd
// config: a `wasm` module; wrangler: its default CompiledWasm rule). It is instantiated here, once,
// when the isolate loads this module; no request ever compiles or instantiates wasm.
// The engine files under ../build/engine/web/ are a copy of pkg/web/ made by edge/build.sh, and
// those under ../build/engine/fhir/web/ a copy of pkg/fhir/web/ (the FHIR adapter's module, for
// POST /v1/fhir/evaluate), instantiated the same way.
import wasmModule from "../build/engine/web/ccm_engine_bg.wasm";
import * as engine from "../build/engine/web/ccm_engine.js";
import fhirWasmModule from "../build/engine/fhir/web/ccm_engine_bg.wasm";
import * as fhir from "../build/engine/fhir/web/ccm_engine.js";
import { createApp, warmUp, warmUpFhir } from "./app.mjs";

engine.initSync({ module: wasmModule });
warmUp(engine);
fhir.initSync({ module: fhirWasmModule });
warmUpFhir(fhir);

let app = null;

export default {
  /**
   * @param {Request} request
   * @param {{ CORS_ALLOW_ORIGINS?: string }} env  CORS allow-list (see README); empty: CORS off.
   */
  fetch(request, env) {
    if (app === null) {
      app = createApp(engine, { runtime: "workerd", corsAllowOrigins: env && env.CORS_ALLOW_ORIGINS, fhir });
    }
    return app.fetch(request);
  },
};
