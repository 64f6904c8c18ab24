// Starting and stopping the edge worker on its runtimes (workerd, deno): shared by edge/serve.sh,
// the edge tests and edge/bench.mjs, so all three run exactly the same command.
//
//   node edge/lib/runtimes.mjs argv RUNTIME PORT   prints the command, NUL-separated (serve.sh)
//   node edge/lib/runtimes.mjs which RUNTIME       prints the runtime binary's path
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const EDGE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = dirname(EDGE);
export const RUNTIMES = ["workerd", "deno"];

const platform = `${process.platform}-${process.arch}`;

/**
 * The runtime's own executable from node_modules (npm `workerd` / `deno`), not the npm `.bin`
 * wrapper: the process we start is the server itself, so its PID is the one to stop, and no
 * wrapper adds to start-up time. The npm packages' postinstall scripts are not needed for this.
 */
export function findBinary(runtime) {
  const nm = join(ROOT, "node_modules");
  const candidates = {
    workerd: {
      "linux-x64": ["@cloudflare/workerd-linux-64/bin/workerd"],
      "linux-arm64": ["@cloudflare/workerd-linux-arm64/bin/workerd"],
      "darwin-x64": ["@cloudflare/workerd-darwin-64/bin/workerd"],
      "darwin-arm64": ["@cloudflare/workerd-darwin-arm64/bin/workerd"],
      "win32-x64": ["@cloudflare/workerd-windows-64/bin/workerd.exe"],
    },
    deno: {
      "linux-x64": ["@deno/linux-x64-glibc/deno"],
      "linux-arm64": ["@deno/linux-arm64-glibc/deno"],
      "darwin-x64": ["@deno/darwin-x64/deno"],
      "darwin-arm64": ["@deno/darwin-arm64/deno"],
      "win32-x64": ["@deno/win32-x64/deno.exe"],
    },
  }[runtime];
  if (!candidates) throw new Error(`unknown runtime ${runtime} (expected ${RUNTIMES.join(" or ")})`);
  for (const rel of candidates[platform] ?? []) {
    const p = join(nm, rel);
    if (existsSync(p)) return p;
  }
  const shim = join(nm, ".bin", runtime);
  if (existsSync(shim)) return shim;
  throw new Error(`${runtime} not found under ${nm}: run npm install (or scripts/setup.sh)`);
}

/**
 * The command serving the worker on 127.0.0.1:port: { file, args, env }.
 * deno: `entry` and `config` replace edge/src/deno.mjs and edge/deno.json (the tests serve
 * edge/build/deno-deploy/ this way); workerd: `config` replaces edge/workerd.capnp (its socket must
 * be named "http"; the bench's baseline worker).
 */
export function command(runtime, port, { entry, config } = {}) {
  const file = findBinary(runtime);
  if (runtime === "workerd") {
    return {
      file,
      args: ["serve", config ?? join(EDGE, "workerd.capnp"), "--socket-addr", `http=127.0.0.1:${port}`],
      env: {},
    };
  }
  return {
    file,
    args: [
      "serve",
      "--host", "127.0.0.1",
      "--port", String(port),
      "--allow-env=CORS_ALLOW_ORIGINS",
      "--no-prompt",
      "--no-remote",
      "--no-npm",
      "--config", config ?? join(EDGE, "deno.json"),
      entry ?? join(EDGE, "src", "deno.mjs"),
    ],
    // No update check, no package.json / node_modules resolution: nothing reaches the network.
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1" },
  };
}

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {}
  }
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the worker on `runtime` and waits until GET /v1/health answers 200.
 * Options: port (default: a free one), env (added to the environment), timeoutMs, wrap (a prefix
 * command that execs the runtime, such as taskset), entry and config (deno: see command()).
 * Returns { runtime, port, base, pid, health, startMs, output(), stop() }; stop() ends it by its PID.
 */
export async function startRuntime(runtime, { port, env = {}, timeoutMs = 30000, wrap = [], entry, config } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const p = port ?? (await freePort());
    try {
      return await startOnce(runtime, p, env, timeoutMs, wrap, { entry, config });
    } catch (err) {
      lastError = err;
      if (port !== undefined || !err.exitedEarly) break; // retry only a lost race for a free port
    }
  }
  throw lastError;
}

async function startOnce(runtime, port, env, timeoutMs, wrap, where) {
  const cmd = command(runtime, port, where);
  const t0 = performance.now();
  // `wrap` (e.g. ["taskset", "-c", "0"]) must exec the runtime, so the PID stays the server's.
  const argv = [...wrap, cmd.file, ...cmd.args];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: ROOT,
    env: { ...process.env, ...cmd.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  const keep = (d) => {
    out += d;
    if (out.length > 65536) out = out.slice(-65536);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  let exited = null;
  const exitedP = new Promise((r) =>
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      r();
    }),
  );
  child.on("error", (err) => keep(`spawn error: ${err.message}\n`));

  const base = `http://127.0.0.1:${port}`;
  const handle = {
    runtime,
    port,
    base,
    pid: child.pid,
    output: () => out,
    async stop() {
      if (exited) return exited;
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {}
      const done = await Promise.race([exitedP.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {}
        await exitedP;
      }
      return exited;
    },
  };

  const deadline = t0 + timeoutMs;
  for (;;) {
    if (exited) {
      const err = new Error(`${runtime} exited during start-up (${JSON.stringify(exited)}):\n${out}`);
      err.exitedEarly = true;
      throw err;
    }
    try {
      const res = await fetch(`${base}/v1/health`);
      const text = await res.text();
      if (res.status === 200) {
        handle.health = JSON.parse(text);
        handle.startMs = performance.now() - t0;
        return handle;
      }
    } catch {}
    if (performance.now() > deadline) {
      await handle.stop();
      throw new Error(`${runtime} did not answer /v1/health on ${base} within ${timeoutMs} ms:\n${out}`);
    }
    await sleep(25);
  }
}

// ---- command line (serve.sh) ----------------------------------------------------------------------
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [what, runtime, port] = process.argv.slice(2);
  try {
    if (what === "which") process.stdout.write(findBinary(runtime) + "\n");
    else if (what === "argv") {
      const c = command(runtime, port);
      const envArgs = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
      const argv = envArgs.length ? ["env", ...envArgs, c.file, ...c.args] : [c.file, ...c.args];
      process.stdout.write(argv.map((a) => a + "\0").join(""));
    } else throw new Error("usage: runtimes.mjs argv RUNTIME PORT | which RUNTIME");
  } catch (err) {
    process.stderr.write(`edge: ${err.message}\n`);
    process.exit(1);
  }
}
