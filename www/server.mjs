#!/usr/bin/env node
// Static server for the page: www/ at /, the wasm package (pkg/web) at /pkg/ and the FHIR adapter's
// module (pkg/fhir/web, loaded by the page only when a Bundle is imported or a claim prepared) at
// /pkg/fhir/. Node built-ins only.
// Binds 127.0.0.1 only. Every response carries a strict Content-Security-Policy; .wasm is served as
// application/wasm (needed for streaming compilation). Nothing is logged about request contents.
//
//   node www/server.mjs [--port 8080] [--root www] [--pkg pkg/web] [--fhir-pkg pkg/fhir/web]
//   --port 0 picks a free port. Prints one line "ccm-engine page: http://127.0.0.1:PORT/" when ready.
import { createServer } from "node:http";
import { createReadStream, statSync, realpathSync } from "node:fs";
import { dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The policy of every response; the pages repeat it (minus frame-ancestors) in a meta tag. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'self'",
].join("; ");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".gz": "application/gzip",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

// Files of www/ that are not part of the page.
const PRIVATE = new Set(["/server.mjs"]);

function parseArgs(argv) {
  const opts = { port: 8080, root: HERE, pkg: resolve(HERE, "..", "pkg", "web"), fhirPkg: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--port") opts.port = Number(next());
    else if (a === "--root") opts.root = resolve(next());
    else if (a === "--pkg") opts.pkg = resolve(next());
    else if (a === "--fhir-pkg") opts.fhirPkg = resolve(next());
    else if (a === "--help" || a === "-h") {
      console.log("usage: node www/server.mjs [--port N] [--root DIR] [--pkg DIR] [--fhir-pkg DIR]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error("--port must be 0..65535");
  // The FHIR module sits beside the core's build: pkg/web → pkg/fhir/web.
  opts.fhirPkg ??= resolve(opts.pkg, "..", "fhir", "web");
  return opts;
}

function securityHeaders(res) {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
  res.setHeader("Cache-Control", "no-cache");
}

/** Maps a URL path to a file under root (or the pkg dirs for /pkg/fhir/ and /pkg/), refusing anything outside. */
function resolveFile(urlPath, opts) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes("\0") || PRIVATE.has(p)) return null;
  if (p.endsWith("/")) p += "index.html";
  let base = opts.root;
  let rel = p;
  if (p.startsWith("/pkg/fhir/") && opts.fhirPkg) {
    base = opts.fhirPkg;
    rel = p.slice("/pkg/fhir".length);
  } else if (p.startsWith("/pkg/")) {
    base = opts.pkg;
    rel = p.slice("/pkg".length);
  }
  const file = resolve(base, "." + rel);
  if (file !== base && !file.startsWith(base + sep)) return null;
  try {
    const real = realpathSync(file);
    const realBase = realpathSync(base);
    if (!real.startsWith(realBase + sep)) return null;
    const st = statSync(real);
    if (!st.isFile()) return null;
    return { file: real, size: st.size, mtime: st.mtime };
  } catch {
    return null;
  }
}

export function startServer(opts) {
  const server = createServer((req, res) => {
    securityHeaders(res);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    const url = new URL(req.url, "http://127.0.0.1");
    const found = resolveFile(url.pathname, opts);
    const type = found && MIME[extname(found.file).toLowerCase()];
    if (!found || !type) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(url.pathname.startsWith("/pkg/") ? "not found (build the wasm: bash scripts/build-wasm.sh)\n" : "not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": type,
      "Content-Length": found.size,
      "Last-Modified": found.mtime.toUTCString(),
    });
    if (req.method === "HEAD") return res.end();
    createReadStream(found.file).on("error", () => res.destroy()).pipe(res);
  });
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolveListen(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`server: ${e.message}`);
    process.exit(2);
  }
  const server = await startServer(opts).catch((e) => {
    console.error(`server: cannot listen on 127.0.0.1:${opts.port}: ${e.message}`);
    process.exit(1);
  });
  const { port } = server.address();
  console.log(`ccm-engine page: http://127.0.0.1:${port}/`);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
