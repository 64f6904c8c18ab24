// Writes the committed seed corpora of the fuzz targets from the example scenarios
// (../shared/scenarios/examples.jsonl). Run from anywhere: node fuzz/make-seeds.mjs
//   corpus/json_text/  each example's input as JSON text, all of them as one batch, what-if scenarios
//   corpus/month/      one byte k: example k unchanged (fuzz/src/gen.rs seeded_month)
//   corpus/rule_pack/  one byte k: example k with the unmutated built-in pack of its year
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const examples = fs.readFileSync(path.join(here, "../../shared/scenarios/examples.jsonl"), "utf8")
  .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40);
const write = (dir, name, data) => {
  fs.mkdirSync(path.join(here, "corpus", dir), { recursive: true });
  fs.writeFileSync(path.join(here, "corpus", dir, name), data);
};

examples.forEach((ex, k) => {
  const id = `ex${String(k).padStart(2, "0")}-${slug(ex.name)}`;
  write("json_text", `${id}.json`, JSON.stringify(ex.input));
  write("month", id, Buffer.from([k]));
  write("rule_pack", id, Buffer.from([k]));
});
write("json_text", "batch-all-examples.json", JSON.stringify(examples.map((ex) => ex.input)));
write("json_text", "what-if-simple.json", JSON.stringify({ serviceMonth: "2026-05", patients: 100, bands: [{ track: "staff", minutes: 25, share: 1 }] }));
write("json_text", "what-if-panel.json", JSON.stringify({
  rulePack: "medicare-cy2026", payment: { setting: "facility", gpci: { work: 1.02, pe: 0.98, mp: 1.1 } },
  patients: 1000, eligibleShare: 0.5, enrollment: 0.4, staffCostPerHour: 60,
  bands: [{ track: "staff", minutes: 45, share: 0.5 }, { track: "complex", minutes: 95, share: 0.2 }, { track: "practitioner", minutes: 65, share: 0.3 }],
}));
console.log(`make-seeds: ${examples.length} examples → fuzz/corpus/{json_text,month,rule_pack}`);
