# workerd config for the ccm-engine edge worker (run by edge/serve.sh and the edge tests).
#   workerd serve edge/workerd.capnp --socket-addr http=127.0.0.1:PORT
# Paths are relative to this file; edge/build.sh must have copied the wasm package to build/engine/.
# Module names mirror the file layout so the worker's relative imports resolve as they do on disk.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "ccm-edge", worker = .ccmEdge) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "ccm-edge") ],
);

const ccmEdge :Workerd.Worker = (
  modules = [
    (name = "src/worker.mjs", esModule = embed "src/worker.mjs"),
    (name = "src/app.mjs", esModule = embed "src/app.mjs"),
    (name = "build/engine/web/ccm_engine.js", esModule = embed "build/engine/web/ccm_engine.js"),
    (name = "build/engine/web/ccm_engine_bg.wasm", wasm = embed "build/engine/web/ccm_engine_bg.wasm"),
    (name = "build/engine/fhir/web/ccm_engine.js", esModule = embed "build/engine/fhir/web/ccm_engine.js"),
    (name = "build/engine/fhir/web/ccm_engine_bg.wasm", wasm = embed "build/engine/fhir/web/ccm_engine_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    # CORS allow-list from the environment of the workerd process (unset or empty: CORS off).
    (name = "CORS_ALLOW_ORIGINS", fromEnvironment = "CORS_ALLOW_ORIGINS"),
  ],
);
