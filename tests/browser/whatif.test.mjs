// The what-if calculator: every total, band and the APCM comparison on the page equal what the
// engine's own `whatIf` gives for the scenario the test typed (computed here, in Node, from the
// nodejs build), for the default numbers and after changing every kind of input.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSuite, loadNodeEngine, ROOT } from "./harness.mjs";

let suite;
let engine;
before(async () => {
  suite = await startSuite();
  engine = await loadNodeEngine();
});
after(async () => suite?.close());

const usd = (x) => x.toLocaleString("en-US", { style: "currency", currency: "USD" });
const TOTALS = ["allowed", "coinsurance", "staffCost", "margin", "minutesLeftOnTable.allowed"];
const COUNTS = ["patientMonths", "minutesLeftOnTable.patientMonths"];
const get = (o, path) => path.split(".").reduce((x, k) => x?.[k], o);

async function readProjection(page) {
  return page.locator("#view-whatif .whatif-results").evaluate((out) => ({
    ok: out.dataset.ok,
    totals: Object.fromEntries(
      [...out.querySelectorAll(".totals tr[data-total]")].map((tr) => [
        tr.dataset.total,
        Object.fromEntries([...tr.querySelectorAll("td[data-period]")].map((td) => [td.dataset.period, { value: Number(td.dataset.value), text: td.textContent }])),
      ]),
    ),
    bands: [...out.querySelectorAll(".bands-out tbody tr")].map((tr) => ({ allowed: Number(tr.dataset.allowed), cells: [...tr.children].map((c) => c.textContent) })),
    apcm: out.querySelector(".apcm") ? { ...out.querySelector(".apcm").dataset, text: out.querySelector(".apcm").textContent } : null,
    charts: [...out.querySelectorAll("svg.chart")].map((s) => ({ role: s.getAttribute("role"), bars: s.querySelectorAll("rect.bar").length, title: s.querySelector("title")?.textContent })),
    summary: out.querySelector(".summary")?.textContent ?? "",
    text: out.textContent,
  }));
}

function compare(shown, want) {
  assert.equal(shown.ok, "true");
  for (const key of [...TOTALS, ...COUNTS]) {
    for (const period of ["monthly", "annual"]) {
      const cell = shown.totals[key]?.[period];
      const w = get(want[period], key);
      assert.ok(cell, `${key} ${period} shown`);
      assert.equal(cell.value, w, `${key} ${period}`);
      if (TOTALS.includes(key)) assert.equal(cell.text, usd(w), `${key} ${period} as shown`);
    }
  }
  assert.equal(shown.bands.length, want.bands.length);
  want.bands.forEach((b, i) => {
    assert.equal(shown.bands[i].allowed, b.allowed, `band ${i} allowed`);
    assert.equal(shown.bands[i].cells[4], usd(b.allowed));
    assert.equal(shown.bands[i].cells[2], b.lines.length ? b.lines.map((l) => `${l.code} ×${l.units}`).join(" + ") : "none");
  });
  assert.equal(Number(shown.apcm.monthly), want.apcmComparison.monthly);
  assert.equal(Number(shown.apcm.annual), want.apcmComparison.annual);
  assert.equal(shown.apcm.code, want.apcmComparison.code);
  assert.ok(shown.summary.includes(`${usd(want.monthly.allowed)} a month, ${usd(want.annual.allowed)} a year`), shown.summary);
  // Two inline SVG charts: bands (allowed + cost per band) and CCM vs APCM level 2.
  assert.equal(shown.charts.length, 2);
  assert.ok(shown.charts.every((c) => c.role === "img" && c.title));
  assert.equal(shown.charts[0].bars, want.bands.length * 2 + 2 /* legend */);
}

test("what-if totals, bands and the APCM comparison equal the engine's, for defaults and edits", { timeout: 180_000 }, async () => {
  const ctx = await suite.newContext();
  const page = await ctx.context.newPage();
  await page.goto(`${suite.origin}/`);
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "What-if revenue" }).click();
  const view = page.locator("#view-whatif");
  await view.locator('.whatif-results[data-ok="true"]').waitFor();

  // 1. The defaults on the page.
  const defaults = {
    rulePack: "medicare-cy2026",
    patients: 1000,
    eligibleShare: 0.6,
    enrollment: 0.5,
    staffCostPerHour: 40,
    payment: { setting: "nonFacility", qualifyingApmParticipant: false },
    bands: [
      { track: "staff", minutes: 12, share: 0.15 },
      { track: "staff", minutes: 17, share: 0.1 },
      { track: "staff", minutes: 25, share: 0.35 },
      { track: "staff", minutes: 37, share: 0.1 },
      { track: "staff", minutes: 45, share: 0.1 },
      { track: "complex", minutes: 70, share: 0.05 },
      { track: "practitioner", minutes: 35, share: 0.05 },
    ],
  };
  compare(await readProjection(page), engine.whatIf(defaults));
  // Months at 15–19 and 35–39 minutes are "left on the table".
  const near = await view.locator(".bands-out tr.near-miss th").allTextContents();
  assert.deepEqual(near, ["Staff 17 min (10%)", "Staff 37 min (10%)"]);

  // 2. Change every kind of input, as a person would.
  const form = view.getByRole("form", { name: "Your practice" });
  await form.getByLabel("Rule pack").selectOption("medicare-cy2025");
  await form.getByLabel("Panel size (patients)").fill("1250");
  await form.getByLabel("Eligible for CCM (%)").fill("55");
  await form.getByLabel("Of those, enrolled (%)").fill("40");
  await form.getByLabel("Staff cost per hour ($)").fill("38.5");
  await form.getByLabel("Setting").selectOption("facility");
  await form.getByLabel("Qualifying APM participant").check();
  const gpci = JSON.parse(readFileSync(join(ROOT, "www", "data", "gpci-2025.json"), "utf8"));
  const loc = gpci.localities.find((l) => l.name === "MANHATTAN");
  await form.getByLabel("Medicare locality (2025 table)").selectOption({ label: `${loc.name} (2025: ${loc.work.toFixed(3)} / ${loc.pe.toFixed(3)} / ${loc.mp.toFixed(3)})` });
  // The locality goes to the engine as payment.locality; its GPCIs are shown, not copied.
  assert.equal(await form.getByLabel("Work GPCI").inputValue(), "");
  assert.equal(await form.getByLabel("Work GPCI").getAttribute("placeholder"), String(loc.work));
  assert.equal(await form.getByLabel("PE GPCI").getAttribute("placeholder"), String(loc.pe));
  await form.getByLabel("Band 1 minutes").fill("19");
  await form.getByLabel("Band 4 share of months, percent").fill("12.5");
  await form.getByRole("button", { name: "Remove band 7" }).click();
  await form.getByRole("button", { name: "Add band" }).click();
  await form.getByLabel("Band 7 kind of CCM").selectOption("complex");
  await form.getByLabel("Band 7 minutes").fill("95");
  await form.getByLabel("Band 7 share of months, percent").fill("5");
  await form.getByLabel("MP GPCI").fill("1.7");

  const edited = {
    rulePack: "medicare-cy2025",
    patients: 1250,
    eligibleShare: 0.55,
    enrollment: 0.4,
    staffCostPerHour: 38.5,
    payment: { setting: "facility", qualifyingApmParticipant: true, locality: `${loc.mac}-${loc.locality}`, gpci: { mp: 1.7 } },
    bands: [
      { track: "staff", minutes: 19, share: 0.15 },
      { track: "staff", minutes: 17, share: 0.1 },
      { track: "staff", minutes: 25, share: 0.35 },
      { track: "staff", minutes: 37, share: 0.125 },
      { track: "staff", minutes: 45, share: 0.1 },
      { track: "complex", minutes: 70, share: 0.05 },
      { track: "complex", minutes: 95, share: 0.05 },
    ],
  };
  const want = engine.whatIf(edited);
  assert.equal(want.ok, true);
  assert.notEqual(want.monthly.allowed, engine.whatIf(defaults).monthly.allowed);
  compare(await readProjection(page), want);
  assert.match(await view.locator(".meta").textContent(), /medicare-cy2025/);

  // 3. The scenario the page exports is exactly the one checked here.
  const dl = page.waitForEvent("download");
  await form.getByRole("button", { name: "Export scenario" }).click();
  const chunks = [];
  for await (const c of await (await dl).createReadStream()) chunks.push(c);
  const exported = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  assert.deepEqual(engine.whatIf(exported), want);

  // 4. A blank number is reported, not guessed.
  await form.getByLabel("Panel size (patients)").fill("");
  const bad = await readProjection(page);
  assert.equal(bad.ok, "false");
  assert.match(bad.text, /Check the numbers/);
  assert.match(bad.text, /patients/);
  assert.deepEqual(ctx.errors, []);
  assert.deepEqual(ctx.offOrigin, []);
});
