// Shared by the browser tests: starts www/server.mjs on a free 127.0.0.1 port (stopped by its PID),
// launches Debian's Chromium through playwright-core (never a downloaded browser), and records
// every request a page makes, aborting any that leaves the page's origin.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

export function requirePrereqs() {
  const wasm = join(ROOT, "pkg", "web", "ccm_engine_bg.wasm");
  if (!existsSync(wasm)) throw new Error(`${wasm} missing: run bash scripts/build-wasm.sh`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run bash scripts/setup.sh`);
}

/** Starts the page server on a free loopback port. Returns { origin, pid, stop }. */
export async function startServer() {
  const child = spawn(process.execPath, [join(ROOT, "www", "server.mjs"), "--port", "0", "--root", join(ROOT, "www"), "--pkg", join(ROOT, "pkg", "web")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const origin = await new Promise((resolveOrigin, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 10_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolveOrigin(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${stderr}`));
    });
  });
  const pid = child.pid;
  return {
    origin,
    pid,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        process.kill(pid, "SIGTERM");
        setTimeout(() => {
          if (child.exitCode === null) process.kill(pid, "SIGKILL");
        }, 3000).unref();
      }),
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * A context that records every request and aborts any not to `origin` (the proof that the page
 * sends nothing anywhere). `offOrigin` lists what was attempted; `errors` collects page errors.
 */
export async function newContext(browser, origin, options = {}) {
  const context = await browser.newContext({ locale: "en-US", timezoneId: "America/Chicago", viewport: { width: 1400, height: 1000 }, ...options });
  const requests = [];
  const offOrigin = [];
  const errors = [];
  const allowed = (url) => url.startsWith(`${origin}/`) || url === origin || url.startsWith("blob:") || url.startsWith("data:");
  context.on("request", (req) => {
    requests.push(req.url());
    if (!allowed(req.url())) offOrigin.push(req.url());
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    if (!offOrigin.includes(url)) offOrigin.push(url);
    return route.abort("blockedbyclient");
  });
  context.on("page", (page) => watchPage(page, errors));
  return { context, requests, offOrigin, errors };
}

function watchPage(page, errors) {
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
}

/** Opens `path` and waits until the month check has its engine and first verdict. */
export async function openPage(context, origin, path = "/") {
  const page = await context.newPage();
  await page.goto(`${origin}${path}`);
  return page;
}

export async function waitForEngine(page, selector = "ccm-month-check") {
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.result !== null && el.result !== undefined;
  }, selector);
}

/** ../shared/scenarios/examples.jsonl (override with CCM_EXAMPLES). */
export function loadExamples() {
  const file = process.env.CCM_EXAMPLES ?? resolve(ROOT, "../shared/scenarios/examples.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => ({ line: i + 1, ...JSON.parse(l) }));
}

/** The nodejs build of the engine, to compute expected values independently of the page. */
export async function loadNodeEngine() {
  const { createRequire } = await import("node:module");
  const entry = join(ROOT, "pkg", "nodejs", "ccm_engine.js");
  let type = "commonjs";
  try {
    type = JSON.parse(readFileSync(join(ROOT, "pkg", "nodejs", "package.json"), "utf8")).type ?? "commonjs";
  } catch {}
  if (type === "module") return import(entry);
  return createRequire(import.meta.url)(entry);
}

/**
 * One server and one browser for a test file; `newContext()` gives a fresh recording context
 * (cookies, storage and request log of its own). `close()` stops the browser and the server.
 */
export async function startSuite() {
  requirePrereqs();
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const contexts = [];
  return {
    origin: server.origin,
    server,
    browser,
    async newContext(options) {
      const ctx = await newContext(browser, server.origin, options);
      contexts.push(ctx.context);
      return ctx;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
}

/** Everything the tests share: server + browser + one recording context; `close()` undoes all. */
export async function setup(options) {
  requirePrereqs();
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.stop();
    throw e;
  }
  const ctx = await newContext(browser, server.origin, options);
  return {
    ...ctx,
    origin: server.origin,
    server,
    browser,
    async close() {
      await ctx.context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
}
