// The per-month audit summary: one patient-month's decision and the facts it rests on, laid out to
// print (browser print → PDF): the decision and codes, the counted time, every time entry, the
// findings with their rules and sources, the documentation checklist, consent, care plan, visit
// and conditions, and the engine and rule-pack versions. Built from the month and the engine's
// Result only; the panel's options give the date of service.
import { h } from "./dom.js";
import { CHECKLIST, CODES, CONSENT_ELEMENTS, INPUT_ERRORS, PANEL_ERRORS, PROGRAMS, PROGRAM_TRACKS, ROLES, SERVICES, SEVERITY, STATUS, findingWords, money } from "./words.js";
import { lastDay } from "./panel-core.js";

const SEV_ORDER = { error: 0, warning: 1, info: 2 };
const yes = (v) => (v === true ? "Yes" : v === false ? "No" : "Not recorded");
const text = (v) => (v === null || v === undefined || v === "" ? "Not recorded" : String(v));
const programName = (p) => PROGRAMS[p]?.short ?? String(p ?? "").toUpperCase();

/** Whole minutes between an entry's start and end as written (its own offsets), or null. */
function entryMinutes(t) {
  if (typeof t.minutes === "number") return t.minutes;
  const a = Date.parse(t.start);
  const b = Date.parse(t.end);
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? Math.floor((b - a) / 60000) : null;
}

/** "2026-03-03T09:07:00-05:00" to "…T09:22:00-05:00" → "2026-03-03 09:07–09:22 (-05:00)". */
function span(start, end) {
  const re = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
  const a = re.exec(String(start));
  const b = re.exec(String(end ?? ""));
  if (!a || !b) return `${start} – ${end ?? "?"}`;
  const zone = a[3] === b[3] ? (a[3] ? ` (${a[3]})` : "") : "";
  return a[1] === b[1] ? `${a[1]} ${a[2]}–${b[2]}${zone}` : `${a[1]} ${a[2]} – ${b[1]} ${b[2]}${zone}`;
}

function dl(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(Boolean).map(([k, v]) => h("div", {}, h("dt", { text: k }), h("dd", {}, v))));
}

function table(caption, head, rows, cls) {
  return h(
    "table",
    { class: `audit-table ${cls ?? ""}` },
    h("caption", { text: caption }),
    h("thead", {}, h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, rows),
  );
}

/**
 * @param {object} o
 * @param {object} o.month the MonthInput as evaluated
 * @param {object} o.result the engine's Result
 * @param {object} o.row the panel's row (program shown, due items)
 * @param {{ dateOfService: string }} o.options the panel's options
 * @param {string} o.printedOn YYYY-MM-DD
 */
export function renderAudit({ month, result, row, options, printedOn }) {
  const m = month && typeof month === "object" ? month : {};
  const ref = row?.ref || m.patient?.ref || "(no reference)";
  const title = `CCM audit summary: ${ref}, ${row?.serviceMonth || m.serviceMonth || "month unknown"}`;
  const doc = h("article", { class: "audit-doc", "aria-labelledby": "audit-title", dataset: { status: result?.ok ? result.evaluation.status : "invalid" } });
  doc.append(
    h("header", { class: "audit-head" },
      h("h2", { id: "audit-title", tabindex: "-1", text: title }),
      h("p", { class: "audit-meta", text: `Source: ${row?.source ?? ""} · as of ${row?.asOf || m.asOf || "the month's end"} · printed ${printedOn}` }),
    ),
  );
  if (!result?.ok) {
    const err = result?.error ?? {};
    doc.append(
      h("section", { class: "audit-sec" },
        h("h3", { text: "Decision" }),
        h("p", { class: "decision bad" }, h("strong", { text: "Cannot be checked. " }), INPUT_ERRORS[err.code] ?? PANEL_ERRORS[err.code] ?? err.message ?? ""),
        err.issues?.length ? table("Problems in the month's data", ["Field", "Problem"], err.issues.map((i) => h("tr", {}, h("td", {}, h("code", { text: i.path || "(whole month)" })), h("td", { text: i.message })))) : null,
      ),
    );
    return doc;
  }
  const e = result.evaluation;
  const program = row?.program || "ccm";
  const p = program === "ccm" ? null : e.programs?.find((x) => x.program === program);
  const status = p ? p.status : e.status;
  const lines = p ? p.lines : e.lines;
  const supported = (p ? p.supportedLines : e.supportedLines) ?? [];
  const track = p ? p.track : e.track;
  const dos = (l) => (options?.dateOfService === "threshold" && l.thresholdMetOn ? l.thresholdMetOn : lastDay(e.serviceMonth));
  const practitioner = m.billingPractitioner?.id ?? "";
  const total = p ? p.allowed : e.payment.allowed;
  const share = p ? p.coinsurance : e.payment.coinsurance;

  // Decision
  const errors = e.findings.filter((f) => f.severity === "error");
  const blockedBy = p ? p.blockedBy : [...new Set(errors.map((f) => f.code))];
  doc.append(
    h("section", { class: "audit-sec" },
      h("h3", { text: "Decision" }),
      h("p", { class: `decision ${status}` },
        h("strong", { text: `${STATUS[status] ?? status}: ${programName(program)}` }),
        track ? ` (${PROGRAM_TRACKS[program]?.[track] ?? track})` : "",
        status === "billable"
          ? `. Bill ${lines.map((l) => `${l.code} ×${l.units}`).join(" + ")}: ${money(total)} allowed (estimate), patient share ${money(share)}.`
          : status === "blocked"
            ? ". Not billable until the problems below are fixed."
            : ". Not enough counted time for a code yet.",
      ),
      p ? h("p", { class: "hint", text: `CCM's own decision: ${STATUS[e.status] ?? e.status}. ${e.recommended ? `Recommended program: ${programName(e.recommended.program)} — ${e.recommended.reason}.` : ""}` }) : null,
      blockedBy.length ? h("div", {}, h("p", { text: "Blocked by:" }), h("ul", { class: "blocked" }, blockedBy.map((c) => h("li", {}, findingWords(c).title, " ", h("code", { text: c }))))) : null,
      lines.length
        ? table("Codes to bill", ["Code", "Description", "Units", "Allowed", "Patient share", "Time reached", "Date of service", "Rendering practitioner"], lines.map((l) =>
            h("tr", {}, h("th", { scope: "row", text: l.code }), h("td", { text: CODES[l.code] ?? "" }), h("td", { class: "num", text: String(l.units) }), h("td", { class: "num", text: money(l.allowed) }), h("td", { class: "num", text: money(l.coinsurance) }), h("td", { text: l.thresholdMetOn ?? "" }), h("td", { text: dos(l) }), h("td", { text: practitioner })),
          ), "codes")
        : supported.length
          ? table(status === "blocked" ? "What the counted time supports once the problems are fixed" : "What the counted time supports", ["Code", "Description", "Units", "Allowed"], supported.map((l) => h("tr", {}, h("th", { scope: "row", text: l.code }), h("td", { text: CODES[l.code] ?? "" }), h("td", { class: "num", text: String(l.units) }), h("td", { class: "num", text: money(l.allowed) }))), "codes")
          : null,
      lines.length ? h("p", { class: "hint", text: options?.dateOfService === "threshold" ? "Date of service: the day the line's time was reached (CMS allows billing once the time threshold is met)." : "Date of service: the last day of the service month (CMS allows billing once the time threshold is met, or at the month's end)." }) : null,
    ),
  );

  // Time
  const t = e.time ?? {};
  const entries = Array.isArray(m.timeEntries) ? m.timeEntries : [];
  const atEntry = (i) => e.findings.filter((f) => f.path === `timeEntries[${i}]` || f.path?.startsWith(`timeEntries[${i}].`));
  doc.append(
    h("section", { class: "audit-sec" },
      h("h3", { text: "Counted time" }),
      table("Minutes counted by the engine", ["Pool", "Minutes"], [
        h("tr", {}, h("th", { scope: "row", text: "Staff pool (clinical staff and the billing practitioner)" }), h("td", { class: "num", text: String(t.staffMinutes ?? 0) })),
        h("tr", {}, h("th", { scope: "row", text: "Billing practitioner's own time" }), h("td", { class: "num", text: String(t.practitionerMinutes ?? 0) })),
        h("tr", {}, h("th", { scope: "row", text: "Not counted (other services, before consent, after the as-of date, outside the month…)" }), h("td", { class: "num", text: String(t.excludedMinutes ?? 0) })),
      ], "pools"),
      t.nextUnit ? h("p", { text: `${t.nextUnit.minutesNeeded} more minutes reach ${t.nextUnit.code}; ${t.nextUnit.daysLeft} days left in the month.` }) : t.monthComplete ? h("p", { text: "The month is complete." }) : null,
      entries.length
        ? table(`Time entries (${entries.length})`, ["#", "When", "Minutes as entered", "Who", "Service", "What was done", "Engine notes"], entries.map((x, i) => {
            const when = x.start ? span(x.start, x.end) : `${x.date ?? "?"} (minutes only)`;
            const notes = atEntry(i);
            return h("tr", {},
              h("th", { scope: "row", text: String(i + 1) }),
              h("td", { class: "when", text: when }),
              h("td", { class: "num", text: text(entryMinutes(x)) }),
              h("td", { text: `${x.performer?.name ?? "(no name)"}, ${ROLES[x.performer?.role] ?? x.performer?.role ?? "no role"}` }),
              h("td", { text: SERVICES[x.service ?? "ccm"] ?? x.service }),
              h("td", { class: "narrative", text: x.narrative ?? "" }),
              h("td", { text: notes.map((f) => findingWords(f.code).title).join(" ") }),
            );
          }), "entries")
        : h("p", { text: "No time entries." }),
    ),
  );

  // Findings
  const findings = [...e.findings, ...(p?.findings ?? [])].sort((a, b) => (SEV_ORDER[a.severity] ?? 3) - (SEV_ORDER[b.severity] ?? 3));
  doc.append(
    h("section", { class: "audit-sec" },
      h("h3", { text: `Findings (${findings.length})` }),
      findings.length
        ? table("Findings, with the rule and source of each", ["Severity", "Finding", "Rule", "Field", "Engine's words and source"], findings.map((f) =>
            h("tr", { dataset: { code: f.code } },
              h("td", { text: SEVERITY[f.severity]?.label ?? f.severity }),
              h("td", {}, findingWords(f.code).title, " ", h("code", { text: f.code })),
              h("td", { text: f.rule ?? "" }),
              h("td", {}, f.path ? h("code", { text: f.path }) : ""),
              h("td", { class: "source" }, f.message ?? "", f.source ? h("span", { class: "cite" }, " Source: ", h("cite", { text: f.source })) : null),
            ),
          ), "findings")
        : h("p", { text: "None: nothing blocks billing and nothing is an audit risk." }),
    ),
  );

  // Checklist
  doc.append(
    h("section", { class: "audit-sec" },
      h("h3", { text: "Documentation checklist" }),
      h("ul", { class: "audit-checklist" }, (e.checklist ?? []).map((c) => h("li", { class: c.ok ? "ok" : "missing" }, h("strong", { text: c.ok ? "Done: " : "Missing: " }), CHECKLIST[c.item] ?? c.item))),
    ),
  );

  // Consent, care plan, visit, conditions
  const c = m.consent ?? null;
  const cp = m.carePlan ?? null;
  const v = m.initiatingVisit ?? null;
  const reviews = cp ? [cp.established, cp.lastReviewed, ...(Array.isArray(cp.revisedOn) ? cp.revisedOn : [])].filter((d) => typeof d === "string" && d) : [];
  const lastReview = reviews.length ? reviews.reduce((a, b) => (b > a ? b : a)) : null;
  const dueReview = row?.due?.find((d) => d.item === "care plan review");
  doc.append(
    h("section", { class: "audit-sec facts-grid" },
      h("div", {},
        h("h3", { text: "Consent" }),
        c
          ? dl([
              ["Status", text(c.status)],
              ["Date", text(c.date)],
              ["Method", text(c.method)],
              ["Script version", text(c.version)],
              c.textSha256 ? ["Text SHA-256", h("code", { class: "hash", text: c.textSha256 })] : null,
              ["For practitioner", text(c.practitionerId)],
              ["Captured by", c.capturedBy ? `${c.capturedBy.name ?? ""}${c.capturedBy.role ? ` (${ROLES[c.capturedBy.role] ?? c.capturedBy.role})` : ""}` : "Not recorded"],
              c.revokedOn ? ["Revoked on", c.revokedOn] : null,
              Array.isArray(c.elements) ? ["Elements", c.elements.map((x) => CONSENT_ELEMENTS[x] ?? x).join("; ") || "None"] : null,
              ["Matches the claim's pin", e.consent?.matchesClaim === true ? "Yes" : e.consent?.matchesClaim === false ? "No" : "The claim pins no version"],
            ])
          : h("p", { text: "No consent on file." }),
      ),
      h("div", {},
        h("h3", { text: "Care plan" }),
        cp
          ? dl([
              ["Established", text(cp.established)],
              ["Signed by", `${text(cp.signedBy)}${cp.signedOn ? ` on ${cp.signedOn}` : ""}`],
              ["Last reviewed", text(cp.lastReviewed)],
              ["Revised on", Array.isArray(cp.revisedOn) && cp.revisedOn.length ? cp.revisedOn.join(", ") : "Not recorded"],
              ["Electronic", yes(cp.electronic)],
              ["Available 24/7", yes(cp.accessible24x7)],
              ["Shared with the patient", yes(cp.sharedWithPatient)],
              ["Next review due", dueReview?.date ? `${dueReview.date} (latest review ${lastReview})` : lastReview ? `not within 30 days (latest review ${lastReview})` : "now"],
            ])
          : h("p", { text: "No care plan recorded." }),
      ),
      h("div", {},
        h("h3", { text: "Initiating visit and patient" }),
        dl([
          ["Visit", v ? `${text(v.date)}, ${text(v.type)}${v.practitionerId ? `, by ${v.practitionerId}` : ""}` : "Not recorded"],
          ["New patient", yes(m.patient?.newPatient)],
          ["Last visit", text(m.patient?.lastVisitDate)],
          ["Billing practitioner", `${text(practitioner)}${m.billingPractitioner?.credential ? ` (${m.billingPractitioner.credential})` : ""}`],
          ["Supervision attested", yes(m.supervisionAttested)],
          ["Due in the next 30 days", row?.due?.length ? row.due.map((d) => (d.date ? `${d.item} by ${d.date}` : d.item)).join("; ") : "Nothing"],
        ]),
      ),
      h("div", {},
        h("h3", { text: "Conditions" }),
        Array.isArray(m.conditions) && m.conditions.length ? h("ul", { class: "conditions" }, m.conditions.map((x) => h("li", {}, h("code", { text: x?.code ?? "?" }), x?.pcmFocus ? " (PCM focus)" : ""))) : h("p", { text: "None recorded." }),
      ),
    ),
  );

  doc.append(
    h("footer", { class: "audit-foot" },
      h("p", { text: `Engine ${e.engineVersion} · rule pack ${e.rulePack?.id ?? "?"} version ${e.rulePack?.version ?? "?"}${e.rulePack?.status === "provisional" ? " (provisional)" : ""}${e.rulePack?.payer ? ` (${e.rulePack.payer})` : ""}, effective ${e.rulePack?.effectiveFrom ?? "?"} to ${e.rulePack?.effectiveTo ?? "open"} · conversion factor ${e.payment?.conversionFactor ?? "?"}` }),
      h("p", { text: "Amounts are estimates under the rule pack. This summary was made in the browser from the month's data; nothing was sent or stored." }),
    ),
  );
  return doc;
}
