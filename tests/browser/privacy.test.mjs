// Privacy and security, tested: while a full month is entered field by field (with the ICD
// autocomplete), evaluated, exported, a FHIR Bundle imported and its claim downloaded, consent
// captured and a what-if run, and while a panel holding FHIR Bundles is checked in the panel's
// worker (which then loads the FHIR module) and its reports downloaded, every request the page
// makes is recorded and none may leave the page's origin. Every response carries the CSP; the
// CSP itself refuses an off-origin fetch; nothing is left in cookies or storage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSuite, ROOT } from "./harness.mjs";
import { openCheck, checkEl, region, enterMonthByFields, exportFile, storageKept } from "./page.mjs";

let suite;
before(async () => (suite = await startSuite()));
after(async () => suite?.close());

function parseCsp(header) {
  return Object.fromEntries(
    header
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([k, ...v]) => [k, v]),
  );
}

function assertStrictCsp(header, where) {
  assert.ok(header, `${where}: Content-Security-Policy present`);
  const csp = parseCsp(header);
  assert.deepEqual(csp["default-src"], ["'none'"], where);
  assert.deepEqual(csp["script-src"], ["'self'", "'wasm-unsafe-eval'"], `${where}: scripts and wasm from the page's origin only`);
  assert.deepEqual(csp["style-src"], ["'self'"], where);
  assert.deepEqual(csp["connect-src"], ["'self'"], `${where}: connect-src 'self'`);
  for (const [k, v] of Object.entries(csp)) {
    for (const src of v) assert.ok(["'self'", "'none'", "'wasm-unsafe-eval'"].includes(src), `${where}: ${k} allows only the page's origin (found ${src})`);
  }
}

/**
 * Every request went to this origin (or a blob:), each of `fetched` among them, every response
 * was 200 with the strict policy, and nothing is kept: no cookies, Web Storage, IndexedDB or
 * Cache Storage; no page error.
 */
async function assertOnlyThisOriginAndNothingKept(ctx, page, responses, fetched) {
  for (const url of ctx.requests) assert.ok(url.startsWith(`${suite.origin}/`) || url.startsWith("blob:"), url);
  const paths = new Set(ctx.requests.filter((u) => u.startsWith(suite.origin)).map((u) => new URL(u).pathname));
  for (const p of fetched) assert.ok(paths.has(p), `${p} fetched (have ${[...paths].join(" ")})`);
  for (const r of responses.filter((r) => r.url.startsWith(suite.origin))) {
    assert.equal(r.status, 200, r.url);
    assertStrictCsp(r.csp, r.url);
  }
  assert.deepEqual(await ctx.context.cookies(), []);
  assert.deepEqual(await storageKept(page), [0, 0, 0, 0, ""]);
  assert.deepEqual(ctx.errors, []);
}

test("no request leaves the page's origin while a full month is entered and evaluated", { timeout: 240_000 }, async () => {
  const ctx = await suite.newContext();
  const responses = [];
  ctx.context.on("response", (r) => responses.push({ url: r.url(), status: r.status(), csp: r.headers()["content-security-policy"], type: r.request().resourceType() }));
  const page = await openCheck(ctx, suite.origin);

  await enterMonthByFields(page);
  // A locality picked (the table is the page's own file) and a rule-pack file read from disk.
  const pay = region(page, "Payment");
  await pay.getByLabel("State (for the locality)").selectOption("CA");
  await pay.getByLabel("Medicare locality", { exact: true }).selectOption("01112-09");
  const chooser = page.waitForEvent("filechooser");
  await region(page, "Month").getByRole("button", { name: "Load pack file…" }).click();
  await (await chooser).setFiles({ name: "payer.json", mimeType: "application/json", buffer: readFileSync(join(ROOT, "packs", "examples", "example-medicare-advantage-2026.json")) });
  await page.waitForFunction(() => document.querySelector("ccm-month-check").value.rulePack?.id === "example-ma-plan-2026");
  await exportFile(page);
  // A FHIR Bundle imported (the adapter's module is this origin's /pkg/fhir/), with an options
  // file, and the claim downloaded as CSV and as a FHIR Claim.
  const fhirFile = (name) => ({ name, mimeType: "application/json", buffer: readFileSync(join(ROOT, "tests", "data", "fhir", name)) });
  const pickBundle = page.waitForEvent("filechooser");
  await checkEl(page).getByRole("button", { name: "Import file…" }).click();
  await (await pickBundle).setFiles(fhirFile("month-bundle.json"));
  const fhirDialog = checkEl(page).getByRole("dialog", { name: "Read a FHIR Bundle" });
  const pickOptions = page.waitForEvent("filechooser");
  await fhirDialog.getByRole("button", { name: "Options file…" }).click();
  await (await pickOptions).setFiles(fhirFile("options.json"));
  await fhirDialog.getByText("Options from options.json").waitFor();
  await fhirDialog.getByRole("button", { name: "Read Bundle" }).click();
  await checkEl(page).getByText("Ready to send.").waitFor();
  for (const name of ["Download lines (CSV)", "Download FHIR Claim (JSON)"]) {
    const dl = page.waitForEvent("download");
    await checkEl(page).getByRole("button", { name }).click();
    await (await dl).path();
  }
  // The other views too: consent scripts and the what-if (which loads the 2025 locality table).
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Capture consent" }).click();
  await page.locator("#view-consent .verify[data-ok]").waitFor();
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "What-if revenue" }).click();
  await page.locator('#view-whatif .whatif-results[data-ok="true"]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#wi-locality option").length > 50);
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Embed in a portal" }).click();
  await page.waitForFunction(() => document.querySelector("#demo-verdict")?.result);

  assert.deepEqual(ctx.offOrigin, [], "requests off the page's origin");
  assert.ok(ctx.requests.length > 10, `${ctx.requests.length} requests recorded`);
  // What was fetched: the page, its modules, the engine's wasm, the ICD table, the GPCI table.
  await assertOnlyThisOriginAndNothingKept(ctx, page, responses, ["/", "/pkg/ccm_engine_bg.wasm", "/pkg/fhir/ccm_engine_bg.wasm", "/data/icd10cm-fy2026.tsv.gz", "/data/gpci-2025.json", "/js/icd-worker.js", "/embed.html"]);
});

test("every page and asset carries the CSP; the policy blocks an off-origin fetch and inline code", { timeout: 120_000 }, async () => {
  // Headers straight from the server, for each kind of file it serves.
  for (const path of ["/", "/index.html", "/embed.html", "/ccm-month-check.js", "/js/app.js", "/css/page.css", "/data/gpci-2025.json", "/data/icd10cm-fy2026.tsv.gz", "/pkg/ccm_engine.js", "/pkg/ccm_engine_bg.wasm", "/icon.svg", "/no-such-file"]) {
    const res = await fetch(`${suite.origin}${path}`);
    assertStrictCsp(res.headers.get("content-security-policy"), path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    if (path.endsWith(".wasm")) assert.equal(res.headers.get("content-type"), "application/wasm");
    await res.arrayBuffer();
  }
  assert.equal((await fetch(`${suite.origin}/server.mjs`)).status, 404, "the server's own source is not served");
  assert.equal((await fetch(`${suite.origin}/pkg/../../Cargo.toml`)).status, 404);
  // Both HTML pages repeat the policy in a meta tag.
  for (const path of ["/index.html", "/embed.html"]) {
    const html = await (await fetch(`${suite.origin}${path}`)).text();
    const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/);
    assert.ok(meta, `${path}: CSP meta tag`);
    assertStrictCsp(meta[1], `${path} meta`);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${path}: no inline script`);
    assert.doesNotMatch(html, /\sstyle="/, `${path}: no inline style`);
    assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1)/, `${path}: no absolute URL to elsewhere`);
  }

  // In the browser: the policy itself refuses an off-origin fetch (before any request is made),
  // an inline script and a third-party script tag.
  const ctx = await suite.newContext();
  const page = await openCheck(ctx, suite.origin);
  const outcome = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    const fetched = await fetch("https://example.com/collect?x=1").then(
      () => "sent",
      () => "refused",
    );
    const s = document.createElement("script");
    s.textContent = "window.__inline = true";
    document.head.appendChild(s);
    const ext = document.createElement("script");
    ext.src = "https://cdn.example.com/lib.js";
    document.head.appendChild(ext);
    await new Promise((r) => setTimeout(r, 300));
    return { fetched, inline: window.__inline === true, violations };
  });
  assert.equal(outcome.fetched, "refused");
  assert.equal(outcome.inline, false);
  assert.ok(outcome.violations.some((v) => v.startsWith("connect-src https://example.com")), outcome.violations.join("; "));
  assert.ok(outcome.violations.some((v) => v.startsWith("script-src-elem inline")), outcome.violations.join("; "));
  assert.ok(outcome.violations.some((v) => v.startsWith("script-src-elem https://cdn.example.com")), outcome.violations.join("; "));
  // The fetch was refused inside the page, before any request existed. (Chromium still reports
  // the CSP-blocked script element to the test as a request; the violation above shows the policy
  // refused it, and the test's own route would have aborted it anyway.)
  assert.ok(!ctx.offOrigin.some((u) => u.includes("example.com/collect")), ctx.offOrigin.join(" "));
  await page.close();
});

test("a panel with FHIR Bundles: the worker reads them with this origin's FHIR module; nothing leaves, nothing is stored", { timeout: 120_000 }, async () => {
  const ctx = await suite.newContext();
  const responses = [];
  ctx.context.on("response", (r) => responses.push({ url: r.url(), status: r.status(), csp: r.headers()["content-security-policy"] }));
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/#panel`);
  const panel = page.locator("ccm-panel");
  await panel.getByRole("button", { name: "Open panel file…" }).waitFor();
  // A JSON array of two Bundles (one the adapter maps, one that names no practitioner) and a month.
  const bundle = (name) => JSON.parse(readFileSync(join(ROOT, "tests", "data", "fhir", name), "utf8"));
  const month = JSON.parse(readFileSync(join(ROOT, "tests", "data", "typical.json"), "utf8"));
  const text = JSON.stringify([bundle("month-bundle.json"), bundle("partial.json"), month]);
  const chooser = page.waitForEvent("filechooser");
  await panel.getByRole("button", { name: "Open panel file…" }).click();
  await (await chooser).setFiles({ name: "panel.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelector("ccm-panel").dataset.state === "done" && document.querySelector("ccm-panel").rows.length === 3, null, { timeout: 60_000 });
  const rows = await page.evaluate(() => document.querySelector("ccm-panel").rows.map((r) => [r.source, r.status, r.blocking.join(" ")]));
  assert.deepEqual(rows, [["panel.json#1", "blocked", "SUPERVISION_NOT_ATTESTED"], ["panel.json#2", "invalid", "INVALID_INPUT"], ["panel.json#3", "billable", ""]]);
  for (const name of ["Worklist CSV", "Billing CSV", "Export panel"]) {
    const dl = page.waitForEvent("download");
    await panel.getByRole("button", { name, exact: true }).click();
    await (await dl).path();
  }

  assert.deepEqual(ctx.offOrigin, [], "requests off the page's origin");
  await assertOnlyThisOriginAndNothingKept(ctx, page, responses, ["/js/panel-worker.js", "/pkg/ccm_engine_bg.wasm", "/pkg/fhir/ccm_engine.js", "/pkg/fhir/ccm_engine_bg.wasm"]);
  await page.close();
});
