// Deno entry: `deno serve edge/src/deno.mjs` (also the Deno Deploy entrypoint).
//
// Deno imports the wasm package's `bundler` build unchanged: its `import * as wasm from
// "./ccm_engine_bg.wasm"` is compiled and instantiated by Deno's module loader, once per isolate,
// before the first request. The files under ../build/engine/bundler/ are a copy of pkg/bundler/
// made by edge/build.sh, and ../build/engine/fhir/bundler/ of pkg/fhir/bundler/ (the FHIR
// adapter's module, for POST /v1/fhir/evaluate).
import * as engine from "../build/engine/bundler/ccm_engine.js";
import * as fhir from "../build/engine/fhir/bundler/ccm_engine.js";
import { createApp, warmUp, warmUpFhir } from "./app.mjs";

function setting(name) {
  try {
    return Deno.env.get(name) ?? "";
  } catch {
    return ""; // no --allow-env for it: the default (CORS off)
  }
}

warmUp(engine);
warmUpFhir(fhir);
const app = createApp(engine, { runtime: "deno", corsAllowOrigins: setting("CORS_ALLOW_ORIGINS"), fhir });

export default {
  fetch(request) {
    return app.fetch(request);
  },
};
