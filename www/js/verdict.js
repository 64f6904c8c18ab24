// The verdict panel: status, codes and units, amount, minutes per pool, the next unit, findings in
// plain words (engine message, rule and source one click away), the documentation checklist and
// why other tracks were not chosen; with `programs` (CONTRACT §10), CCM, PCM and APCM side by side.
import { h, add, clear, uid } from "./dom.js";
import { APCM_ELEMENTS, CHECKLIST, CODES, INPUT_ERRORS, PAYMENT_SETTINGS, PROGRAMS, PROGRAM_TRACKS, SEVERITY, STATUS, TRACKS, findingWords, money } from "./words.js";

const SEV_ORDER = { error: 0, warning: 1, info: 2 };

const programName = (p) => PROGRAMS[p]?.short ?? String(p).toUpperCase();

/**
 * One finding, as a block: severity, plain title, what to do, then the engine's own words.
 * `programs`: the programs whose own finding it is (PCM's, APCM's), named before the title.
 */
export function findingNode(f, { compact = false, onJump = null, programs = null } = {}) {
  const w = findingWords(f.code);
  const sev = SEVERITY[f.severity] ?? { label: f.severity };
  return h(
    "div",
    { class: `finding sev-${f.severity}`, dataset: programs?.length ? { code: f.code, severity: f.severity, programs: programs.join(" ") } : { code: f.code, severity: f.severity } },
    h("span", { class: "sev", text: sev.label }),
    " ",
    programs?.length ? h("span", { class: "program-tag", text: `${programs.map(programName).join(", ")}:` }) : null,
    programs?.length ? " " : null,
    h("strong", { class: "title", text: w.title }),
    compact || !w.fix ? null : h("span", { class: "fix", text: ` ${w.fix}` }),
    h(
      "details",
      { class: "why" },
      h("summary", {}, f.rule ? `Rule ${f.rule}` : "Details", h("span", { class: "code", text: ` · ${f.code}` })),
      compact && w.fix ? h("p", { class: "fix", text: w.fix }) : null,
      h("p", { class: "engine-msg", text: f.message }),
      f.path ? h("p", { class: "path" }, "Field: ", h("code", { text: f.path })) : null,
      f.source ? h("p", { class: "source" }, "Source: ", h("cite", { text: f.source })) : null,
    ),
    onJump && f.path ? h("button", { type: "button", class: "small jump", onclick: () => onJump(f.path), text: "Go to field", "aria-label": `Go to field: ${w.title}` }) : null,
  );
}

/** An input issue (§4) next to its field. */
export function issueNode(issue, code) {
  return h(
    "div",
    { class: "finding sev-error issue", dataset: { code, path: issue.path } },
    h("span", { class: "sev", text: "Fix to check" }),
    " ",
    h("strong", { class: "title", text: issue.message }),
  );
}

function linesTable(lines, caption, cls) {
  return h(
    "table",
    { class: `lines ${cls ?? ""}` },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, ["Code", "Units", "Allowed", "Patient pays", "Reached on"].map((t) => h("th", { scope: "col", text: t })))),
    h(
      "tbody",
      {},
      lines.map((l) =>
        h(
          "tr",
          { dataset: { code: l.code, units: String(l.units) } },
          h("th", { scope: "row", class: "code" }, l.code, CODES[l.code] ? h("span", { class: "code-words", text: CODES[l.code] }) : null),
          h("td", { class: "num units", text: String(l.units) }),
          h("td", { class: "num", text: money(l.allowed) }),
          h("td", { class: "num", text: money(l.coinsurance) }),
          h("td", { text: l.thresholdMetOn ?? "" }),
        ),
      ),
    ),
  );
}

const pairs = (lines) => lines.map((l) => `${l.code}x${l.units}`).join(" ");

/** How the amounts were priced: the setting, and the Medicare locality when one priced the month. */
function pricingNode(e, localityName) {
  const p = e.payment ?? {};
  const setting = PAYMENT_SETTINGS[p.setting] ?? p.setting ?? "";
  const name = p.locality ? localityName?.(p.locality) : null;
  return h(
    "p",
    { class: "pricing", dataset: { setting: p.setting ?? "", locality: p.locality ?? "" } },
    `Priced for: ${setting}`,
    p.locality ? [" in Medicare locality ", h("code", { text: p.locality }), name ? ` (${name})` : ""] : "",
    e.rulePack?.payer && e.rulePack.payer !== "Medicare Part B" ? ` · payer: ${e.rulePack.payer}` : "",
    ".",
  );
}

/**
 * CCM, PCM and APCM decided on the same month (CONTRACT §10): one card per program with its
 * status, codes, amounts and patient share, what it lacks (`blockedBy` in words) or needs
 * (`nextUnit`), the engine's summary and the program's own findings; the recommendation with the
 * engine's reason (and the practice-election note when APCM is recommended). A blocked program
 * still shows what it would pay (`supportedLines`).
 */
function programsNode(e, { onJump, apcmMissing }) {
  const rec = e.recommended ?? null;
  const titleId = uid("programs");
  const election = rec?.program === "apcm" ? e.programs.find((p) => p.program === "apcm")?.findings?.find((f) => f.code === "APCM_PRACTICE_ELECTION") : null;
  return h(
    "section",
    { class: "programs-compared", "aria-labelledby": titleId, dataset: { recommended: rec?.program ?? "" } },
    h("h3", { id: titleId, text: "Programs compared" }),
    h("p", { class: "hint", text: "Each program decided on this month's data. Only one is billed: the same practitioner cannot bill CCM and PCM together, and APCM includes both." }),
    rec
      ? h("p", { class: "recommended", dataset: { program: rec.program, allowed: String(rec.allowed) } }, h("strong", { text: `Recommended: ${programName(rec.program)}` }), ` (${PROGRAMS[rec.program]?.name ?? rec.program}). `, rec.reason, ".")
      : h("p", { class: "recommended none", text: "Recommended: none. No program is billable this month yet; see what each lacks or needs." }),
    election ? findingNode(election, {}) : null,
    h("ul", { class: "program-list" }, e.programs.map((p) => programCard(p, rec, { onJump, apcmMissing }))),
  );
}

function programCard(p, rec, { onJump, apcmMissing }) {
  const name = programName(p.program);
  const recommended = rec?.program === p.program;
  const headId = uid("prog");
  const track = p.track ? PROGRAM_TRACKS[p.program]?.[p.track] ?? p.track : null;
  const lacks = p.blockedBy.map((code) => {
    const title = findingWords(code).title;
    if (code === "APCM_ELEMENTS_NOT_ATTESTED" && apcmMissing?.length)
      return h("li", { dataset: { code } }, title, " Missing: ", h("span", { class: "missing-elements", text: apcmMissing.map((x) => APCM_ELEMENTS[x] ?? x).join("; ") }), ".");
    return h("li", { dataset: { code }, text: title });
  });
  const next = p.nextUnit;
  const findings = p.findings ?? null;
  return h(
    "li",
    { class: `program${recommended ? " is-recommended" : ""}`, "aria-labelledby": headId, dataset: { program: p.program, status: p.status, allowed: String(p.allowed), coinsurance: String(p.coinsurance), lines: pairs(p.lines), recommended: String(recommended) } },
    h("h4", { id: headId }, `${name}: ${PROGRAMS[p.program]?.name ?? p.program}`, recommended ? h("span", { class: "rec-mark", text: " — recommended" }) : null),
    h("p", { class: `program-status status-${p.status}` }, h("span", { class: "badge", text: STATUS[p.status] ?? p.status }), track ? h("span", { class: "track", text: ` ${track}` }) : null),
    p.status === "billable" ? h("p", { class: "program-amount" }, h("strong", { text: `${money(p.allowed)} allowed` }), ` (estimate) · patient pays ${money(p.coinsurance)}`) : null,
    p.lines.length
      ? linesTable(p.lines, `${name}: codes to bill`, "program-bill")
      : p.supportedLines?.length
        ? linesTable(p.supportedLines, p.status === "blocked" ? `${name}: what it would pay once the problems are fixed` : `${name}: what the time supports`, "program-supported")
        : null,
    lacks.length ? h("div", { class: "program-lacks" }, h("p", { class: "label", text: `${name} lacks:` }), h("ul", {}, lacks)) : null,
    next
      ? h(
          "p",
          { class: "program-next", dataset: { code: next.code, minutes: String(next.minutesNeeded) } },
          `${name} needs ${next.minutesNeeded} more minute${next.minutesNeeded === 1 ? "" : "s"} for ${next.code}.`,
          CODES[next.code] ? h("span", { class: "hint", text: `${next.code}: ${CODES[next.code]}` }) : null,
        )
      : null,
    h("p", { class: "engine-summary" }, "Engine: ", h("span", { text: p.summary })),
    findings === null
      ? h("p", { class: "hint", text: "CCM's findings are the problems and notes below." })
      : findings.length
        ? h(
            "details",
            { class: "program-notes" },
            h("summary", { text: `${name}'s problems and notes (${findings.length})` }),
            h("ul", { class: "program-findings" }, [...findings].sort((a, b) => (SEV_ORDER[a.severity] ?? 3) - (SEV_ORDER[b.severity] ?? 3)).map((f) => h("li", {}, findingNode(f, { onJump })))),
          )
        : h("p", { class: "hint", text: `${name}: no problems or notes.` }),
  );
}

/**
 * @param {HTMLElement} el
 * @param {object} result the engine's Result
 * @param {{ ms?: number, notes?: {path,text}[], lastGood?: object|null, onJump?: (path) => void, localityName?: (id: string) => string|null }} o
 */
export function renderVerdict(el, result, o = {}) {
  clear(el);
  const onJump = o.onJump ?? null;
  if (o.ms !== undefined) el.dataset.ms = String(o.ms);
  if (!result) {
    add(el, h("p", { class: "status status-loading", text: "Loading the rules engine…" }));
    return;
  }
  if (!result.ok) {
    const err = result.error ?? {};
    el.dataset.status = "error";
    el.dataset.errorCode = err.code ?? "";
    el.dataset.lines = "";
    add(el,
      h("p", { class: "status status-error", role: "status" }, h("span", { class: "badge", text: "Cannot check yet" }), " ", h("span", { class: "err-code", text: err.code ?? "" })),
      h("p", { class: "summary", text: INPUT_ERRORS[err.code] ?? err.message ?? "" }),
      err.issues?.length
        ? h(
            "ul",
            { class: "issues" },
            err.issues.map((i) =>
              h(
                "li",
                {},
                h("code", { text: i.path || "(whole month)" }),
                " ",
                i.message,
                onJump && i.path ? [" ", h("button", { type: "button", class: "small jump", onclick: () => onJump(i.path), text: "Go to field" })] : null,
              ),
            ),
          )
        : h("p", { text: err.message ?? "" }),
      o.lastGood ? h("p", { class: "hint", text: `Last complete check: ${STATUS[o.lastGood.status] ?? o.lastGood.status}${o.lastGood.lines?.length ? ` (${o.lastGood.lines.map((l) => `${l.code} ×${l.units}`).join(", ")})` : ""}.` }) : null,
    );
    return;
  }
  const e = result.evaluation;
  el.dataset.status = e.status;
  el.dataset.errorCode = "";
  el.dataset.lines = pairs(e.lines);
  el.dataset.track = e.track ?? "";
  el.dataset.allowed = String(e.payment?.allowed ?? "");
  const errors = e.findings.filter((f) => f.severity === "error");
  const t = e.time ?? {};
  const next = t.nextUnit;

  let summary;
  if (e.status === "billable") summary = `${e.lines.map((l) => `${l.code} ×${l.units}`).join(" + ")} · ${money(e.payment.allowed)} allowed (estimate) · patient coinsurance ${money(e.payment.coinsurance)}`;
  else if (e.status === "blocked") summary = `${errors.length} problem${errors.length === 1 ? "" : "s"} must be fixed before billing.`;
  else summary = "Not enough counted time for a CCM code yet.";

  add(el,
    h("p", { class: `status status-${e.status}`, role: "status" }, h("span", { class: "badge", text: STATUS[e.status] ?? e.status }), e.track ? h("span", { class: "track", text: ` ${TRACKS[e.track] ?? e.track}` }) : null),
    h("p", { class: "summary", text: summary }),
  );

  if (next) {
    add(el,
      h(
        "p",
        { class: "next-unit", dataset: { code: next.code, minutes: String(next.minutesNeeded), days: String(next.daysLeft) } },
        h("strong", { text: `${next.minutesNeeded} minute${next.minutesNeeded === 1 ? "" : "s"} to ${next.code}` }),
        `, ${next.daysLeft} day${next.daysLeft === 1 ? "" : "s"} left in the month`,
        CODES[next.code] ? h("span", { class: "hint", text: ` (${CODES[next.code]})` }) : null,
      ),
    );
  } else if (t.monthComplete) {
    add(el, h("p", { class: "next-unit", text: "Month complete." }));
  }

  if (e.programs?.length) {
    const rec = e.recommended;
    add(el,
      h(
        "p",
        { class: "program-pointer" },
        "The status above is CCM's. ",
        rec ? h("strong", { text: `Recommended program: ${programName(rec.program)} (${money(rec.allowed)}).` }) : "No program is billable yet.",
        " See “Programs compared” below.",
      ),
    );
  }

  add(el, pricingNode(e, o.localityName));

  if (e.lines.length) add(el, linesTable(e.lines, "Codes to bill", "bill"));
  else if (e.supportedLines?.length) add(el, linesTable(e.supportedLines, e.status === "blocked" ? "What the time supports once the problems are fixed" : "What the time supports", "supported"));

  add(el,
    h(
      "dl",
      { class: "minutes" },
      h("div", {}, h("dt", { text: "Staff pool (staff + practitioner)" }), h("dd", { dataset: { pool: "staff" }, text: `${t.staffMinutes ?? 0} min` })),
      h("div", {}, h("dt", { text: "Practitioner's own time" }), h("dd", { dataset: { pool: "practitioner" }, text: `${t.practitionerMinutes ?? 0} min` })),
      h("div", {}, h("dt", { text: "Not counted" }), h("dd", { dataset: { pool: "excluded" }, text: `${t.excludedMinutes ?? 0} min` })),
    ),
  );

  if (e.programs?.length) add(el, programsNode(e, { onJump, apcmMissing: o.apcmMissing }));

  const findings = [...e.findings].sort((a, b) => (SEV_ORDER[a.severity] ?? 3) - (SEV_ORDER[b.severity] ?? 3));
  add(el,
    h("h3", { text: findings.length ? `Problems and notes (${findings.length})` : "Problems and notes" }),
    findings.length ? h("ul", { class: "findings" }, findings.map((f) => h("li", {}, findingNode(f, { onJump })))) : h("p", { class: "ok-note", text: "None: nothing blocks billing and nothing is an audit risk." }),
  );
  if (o.notes?.length) {
    add(el, h("ul", { class: "notes" }, o.notes.map((n) => h("li", {}, h("code", { text: n.path }), " ", n.text))));
  }

  if (e.checklist?.length) {
    add(el,
      h("h3", { text: "Documentation checklist" }),
      h(
        "ul",
        { class: "checklist" },
        e.checklist.map((c) =>
          h("li", { class: c.ok ? "ok" : "missing", dataset: { item: c.item, ok: String(c.ok) } }, h("span", { class: "mark", "aria-hidden": "true", text: c.ok ? "✓" : "✗" }), h("span", { class: "visually-hidden", text: c.ok ? "Done: " : "Missing: " }), CHECKLIST[c.item] ?? c.item),
        ),
      ),
    );
  }

  if (e.alternatives?.length) {
    add(el,
      h("h3", { text: "Other kinds of CCM" }),
      h(
        "ul",
        { class: "alternatives" },
        e.alternatives.map((a) => {
          const blocked = a.blockedBy?.length;
          let why;
          if (blocked) why = `Not possible: ${a.blockedBy.map((c) => findingWords(c).title.replace(/\.$/, "")).join("; ")}.`;
          else if (!a.lines?.length) why = "The counted time does not reach its first code.";
          else if (e.status === "billable" || e.supportedLines?.length) why = `Would pay ${money(a.allowed)}, ${a.allowed < (e.payment?.allowed ?? 0) ? "less than" : "not more than"} the chosen kind.`;
          else why = `Would pay ${money(a.allowed)}.`;
          return h(
            "li",
            { dataset: { track: a.track } },
            h("strong", { text: TRACKS[a.track] ?? a.track }),
            a.lines?.length ? ` (${a.lines.map((l) => `${l.code} ×${l.units}`).join(" + ")})` : "",
            ": ",
            why,
          );
        }),
      ),
    );
  }

  const consent = e.consent;
  if (consent) {
    const pin = consent.matchesClaim === null || consent.matchesClaim === undefined ? "the claim pins no consent version" : consent.matchesClaim ? "matches the version pinned on the claim" : "does not match the version pinned on the claim";
    add(el, h("p", { class: "consent-summary", dataset: { matches: String(consent.matchesClaim) } }, "Consent on file: ", h("code", { text: consent.version ?? "none" }), consent.builtIn ? " (built-in script)" : "", `; ${pin}.`));
  }

  add(el,
    h(
      "p",
      { class: "meta" },
      `Rules: ${e.rulePack?.id ?? "?"} ${e.rulePack?.version ?? ""}${e.rulePack?.status === "provisional" ? " (provisional)" : ""} · engine ${e.engineVersion ?? ""}`,
      o.ms !== undefined ? ` · checked in ${o.ms < 1 ? o.ms.toFixed(2) : o.ms.toFixed(1)} ms` : "",
      " · Amounts are estimates (conversion factor ",
      String(e.payment?.conversionFactor ?? ""),
      ").",
    ),
  );
}
