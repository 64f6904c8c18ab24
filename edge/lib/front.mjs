// The self-hosted edge server: a small Node HTTP front on 127.0.0.1:PORT that supervises the
// worker's runtime (workerd or deno) on a private loopback port and forwards requests to it.
//
//   node edge/lib/front.mjs RUNTIME PORT        (what edge/serve.sh runs)
//
// Neither runtime, served bare, protects itself: both kept idle and half-sent connections open
// until they ran out of file descriptors and died, and both answered requests their HTTP layer
// rejects (unknown methods, a 100 KB URL, a bad Content-Length) in text/plain. The front is where
// that is handled, with Node's HTTP server limits:
// - header timeout, whole-request (body) timeout, idle keep-alive timeout, inactivity timeout;
// - a connection cap: connections beyond it are refused (closed at once, counted in the log)
//   instead of taking the process down; the front's own descriptors stay bounded (at most
//   `upstreamSockets` connections to the runtime, whatever the number of clients);
// - requests the HTTP layer rejects, CONNECT, and an unreachable runtime are answered in the
//   API's JSON error shape with the API's headers;
// - the runtime is restarted when it exits (after 0.5 s, doubling to 10 s while it keeps failing
//   within a minute of its start).
// A supervisor (systemd, a container's restart policy) keeps the front itself running; see
// edge/README.md. Nothing is logged about a request but its kind of failure: no bodies, no URLs.
import http from "node:http";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { command, freePort, ROOT } from "./runtimes.mjs";
import { SECURITY_HEADERS } from "../src/app.mjs";

/** The front's limits; each can be set from the environment (CCM_EDGE_<NAME>, milliseconds or a count). */
export const DEFAULTS = Object.freeze({
  maxConnections: 1000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 15_000,
  upstreamSockets: 64,
});

const ENV_NAMES = {
  maxConnections: "CCM_EDGE_MAX_CONNECTIONS",
  headersTimeoutMs: "CCM_EDGE_HEADERS_TIMEOUT_MS",
  requestTimeoutMs: "CCM_EDGE_REQUEST_TIMEOUT_MS",
  keepAliveTimeoutMs: "CCM_EDGE_KEEPALIVE_TIMEOUT_MS",
  idleTimeoutMs: "CCM_EDGE_IDLE_TIMEOUT_MS",
  upstreamSockets: "CCM_EDGE_UPSTREAM_SOCKETS",
};

/** The limits from the environment over the defaults; a value that is not a positive integer is refused. */
export function limitsFrom(env) {
  const out = { ...DEFAULTS };
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    if (env[name] === undefined || env[name] === "") continue;
    const n = Number(env[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
    out[key] = n;
  }
  return out;
}

const ERROR_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  ...SECURITY_HEADERS,
};

function errorBody(code, message) {
  return JSON.stringify({ ok: false, error: { code, message } });
}

/** A complete HTTP/1.1 error answer as bytes, for sockets the HTTP server no longer handles. */
function rawAnswer(status, reason, code, message, extra = {}) {
  const body = errorBody(code, message);
  const headers = { ...ERROR_HEADERS, ...extra, "content-length": Buffer.byteLength(body), connection: "close" };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n");
  return `HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`;
}

/** What the HTTP layer rejected, as the API would say it: [status, reason, code, message]. */
export function clientErrorAnswer(err) {
  switch (err && err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "Request Timeout", "REQUEST_TIMEOUT", "the request was not received in time"];
    case "HPE_HEADER_OVERFLOW":
      return [431, "Request Header Fields Too Large", "HEADERS_TOO_LARGE", "the request line or headers are too large"];
    case "HPE_INVALID_METHOD":
      return [501, "Not Implemented", "METHOD_NOT_ALLOWED", "the method is not supported"];
    case "HPE_INVALID_CONTENT_LENGTH":
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return [400, "Bad Request", "BAD_REQUEST", "the Content-Length header is not valid"];
    default:
      return [400, "Bad Request", "BAD_REQUEST", "the request is not valid HTTP/1.1"];
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps the runtime running on `port`: starts it, and restarts it whenever it exits until stop().
 * `log` receives one line per event.
 */
function supervise(runtime, port, log) {
  const cmd = command(runtime, port);
  let child = null;
  let stopping = false;
  let backoff = 500;
  const start = () => {
    const startedAt = Date.now();
    child = spawn(cmd.file, cmd.args, { cwd: ROOT, env: { ...process.env, ...cmd.env }, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", (err) => log(`could not start ${runtime}: ${err.code ?? err.name}`));
    child.on("exit", (code, signal) => {
      child = null;
      if (stopping) return;
      backoff = Date.now() - startedAt > 60_000 ? 500 : Math.min(backoff * 2, 10_000);
      log(`${runtime} exited (${signal ?? code}); restarting in ${backoff} ms`);
      setTimeout(() => !stopping && start(), backoff);
    });
  };
  start();
  return {
    get pid() {
      return child ? child.pid : null;
    },
    stop() {
      stopping = true;
      if (child) child.kill("SIGTERM");
    },
  };
}

/**
 * Starts the front on 127.0.0.1:`port` over `runtime`. Resolves when both listen and the runtime
 * answers /v1/health. Returns { port, upstreamPort, runtimePid(), stats, close() }.
 */
export async function startFront(runtime, port, { limits = DEFAULTS, log = (l) => process.stderr.write(`edge/front: ${l}\n`) } = {}) {
  const upstreamPort = await freePort();
  const runtimeProc = supervise(runtime, upstreamPort, log);
  const agent = new http.Agent({ keepAlive: true, maxSockets: limits.upstreamSockets, maxFreeSockets: limits.upstreamSockets });
  const stats = { refused: 0, clientErrors: 0, upstreamErrors: 0 };

  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    // A backstop: the request handler answers a body that is late itself (408, JSON).
    requestTimeout: limits.requestTimeoutMs + 1000,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    maxHeaderSize: 16 * 1024,
  });
  server.maxConnections = limits.maxConnections;
  // Inactivity (no bytes either way) closes a socket: idle and stalled clients cannot hold slots.
  // (A socket with a request in flight is left to that request's own timer, which answers 408.)
  const busy = new WeakSet();
  server.setTimeout(limits.idleTimeoutMs, (socket) => busy.has(socket) || socket.destroy());
  server.on("drop", () => {
    if (stats.refused++ % 1000 === 0) log(`connection cap (${limits.maxConnections}) reached: refusing (${stats.refused} so far)`);
  });
  server.on("error", (err) => log(`server error: ${err.code ?? err.name}`));

  server.on("clientError", (err, socket) => {
    stats.clientErrors++;
    if (err.code === "ECONNRESET" || !socket.writable) return socket.destroy();
    const [status, reason, code, message] = clientErrorAnswer(err);
    socket.end(rawAnswer(status, reason, code, message));
  });
  server.on("connect", (req, socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(rawAnswer(405, "Method Not Allowed", "METHOD_NOT_ALLOWED", "CONNECT is not supported"));
  });

  server.on("request", (req, res) => {
    let timedOut = false;
    // The whole exchange (the body in, the answer out) must finish within requestTimeoutMs of the
    // headers: a client that sends or reads too slowly loses its connection (a 408 if nothing
    // was answered yet).
    const timer = setTimeout(() => {
      timedOut = true;
      upstream.destroy();
      if (res.headersSent) return res.destroy();
      const body = errorBody("REQUEST_TIMEOUT", "the request was not received in time");
      res.writeHead(408, { ...ERROR_HEADERS, connection: "close", "content-length": Buffer.byteLength(body) });
      res.end(body, () => req.socket.destroy());
    }, limits.requestTimeoutMs);
    const socket = req.socket;
    busy.add(socket);
    res.on("close", () => {
      clearTimeout(timer);
      busy.delete(socket);
    });
    const upstream = http.request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on("error", () => res.destroy());
      },
    );
    upstream.on("error", () => {
      if (timedOut) return;
      stats.upstreamErrors++;
      if (res.headersSent) return res.destroy();
      const body = errorBody("UNAVAILABLE", "the engine is restarting; try again");
      res.writeHead(503, { ...ERROR_HEADERS, "retry-after": "1", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    req.on("error", () => upstream.destroy());
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy(); // the client went away
    });
    req.pipe(upstream);
  });

  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${upstreamPort}/v1/health`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      runtimeProc.stop();
      server.close();
      throw new Error(`${runtime} did not answer /v1/health within 30 s`);
    }
    await sleep(25);
  }
  return {
    port: server.address().port,
    upstreamPort,
    runtimePid: () => runtimeProc.pid,
    stats,
    close() {
      runtimeProc.stop();
      agent.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

// ---- command line (serve.sh) ----------------------------------------------------------------------
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [runtime, portText] = process.argv.slice(2);
  try {
    const limits = limitsFrom(process.env);
    const front = await startFront(runtime, Number(portText), { limits });
    process.stderr.write(
      `edge/front: ${runtime} on http://127.0.0.1:${front.port} (GET /v1/health, POST /v1/evaluate); ` +
        `at most ${limits.maxConnections} connections, headers ${limits.headersTimeoutMs} ms, request ${limits.requestTimeoutMs} ms\n`,
    );
    const quit = async () => {
      await front.close();
      process.exit(0);
    };
    process.on("SIGTERM", quit);
    process.on("SIGINT", quit);
  } catch (err) {
    process.stderr.write(`edge/front: ${err.message}\n`);
    process.exit(1);
  }
}
