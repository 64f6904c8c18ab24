// Self-test of the expect checker (tests/js/expect.mjs) on hand-made results, so that a checker
// bug cannot hide an engine bug.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EXPECT_KEYS, checkExpect } from "./expect.mjs";

const evaluation = {
  status: "blocked",
  track: "staff",
  lines: [],
  supportedLines: [{ code: "99490", units: 1 }, { code: "99439", units: 2 }],
  payment: { allowed: 116.57, coinsurance: 23.32 },
  time: { staffMinutes: 47, practitionerMinutes: 0, excludedMinutes: 12, nextUnit: { code: "99439", minutesNeeded: 13, daysLeft: 11 }, monthComplete: false },
  alternatives: [{ track: "complex", lines: [], allowed: 0, blockedBy: ["COMPLEX_MDM_REQUIRED"] }],
  findings: [{ code: "CONSENT_MISSING", severity: "error" }, { code: "CARE_PLAN_STALE", severity: "warning" }],
  checklist: [{ item: "consentOnFile", ok: false }, { item: "staffTimeTotal", ok: true }],
  consent: { version: null, builtIn: false, matchesClaim: null },
};
const ok = { ok: true, evaluation };
const err = { ok: false, error: { code: "INVALID_INPUT", message: "m", issues: [{ path: "timeEntries[3].end", message: "m" }] } };

test("every key of the scenarios README is handled", () => {
  for (const k of ["ok", "errorCode", "issuePaths", "status", "track_", "lines", "supportedLines", "findings", "absentFindings", "severity", "time", "nextUnit", "daysLeft", "monthComplete", "allowed", "coinsurance", "alternativesInclude", "alternativeBlockedBy", "consentMatchesClaim", "checklist"]) {
    assert.ok(EXPECT_KEYS.includes(k), k);
  }
});

test("holding expectations pass", () => {
  const expect = {
    status: "blocked", track_: "staff", lines: [], supportedLines: [["99439", 2], ["99490", 1]],
    findings: ["CONSENT_MISSING"], absentFindings: ["APCM_SAME_MONTH"], severity: { CARE_PLAN_STALE: "warning" },
    time: { staffMinutes: 47, excludedMinutes: 12 }, nextUnit: { code: "99439", minutesNeeded: 13 }, daysLeft: 11, monthComplete: false,
    allowed: 116.57, coinsurance: 23.320000001, alternativesInclude: ["complex"], alternativeBlockedBy: { complex: "COMPLEX_MDM_REQUIRED" },
    consentMatchesClaim: null, checklist: { consentOnFile: false, staffTimeTotal: true },
  };
  assert.deepEqual(checkExpect(expect, ok), []);
  assert.deepEqual(checkExpect({ ok: false, errorCode: "INVALID_INPUT", issuePaths: ["timeEntries[3]"] }, err), []);
});

test("each failing expectation is reported", () => {
  const wrong = {
    ok: [false, "ok is true"],
    status: ["billable", "status"],
    track_: ["complex", "track"],
    lines: [[["99490", 1]], "lines"],
    supportedLines: [[["99490", 1]], "supportedLines"],
    findings: [["APCM_SAME_MONTH"], "findings lack"],
    absentFindings: [["CONSENT_MISSING"], "must not include"],
    severity: [{ CONSENT_MISSING: "warning" }, "severity"],
    time: [{ staffMinutes: 46 }, "time differs"],
    nextUnit: [{ minutesNeeded: 12 }, "nextUnit"],
    daysLeft: [10, "daysLeft"],
    monthComplete: [true, "monthComplete"],
    allowed: [116.58, "allowed"],
    coinsurance: [23.31, "coinsurance"],
    alternativesInclude: [["practitioner"], "alternatives lack"],
    alternativeBlockedBy: [{ complex: "TRACK_NOT_AVAILABLE" }, "blockedBy"],
    consentMatchesClaim: [true, "matchesClaim"],
    checklist: [{ consentOnFile: true }, "checklist"],
    bogusKey: [1, "unknown expect key"],
  };
  for (const [key, [value, text]] of Object.entries(wrong)) {
    const failures = checkExpect({ [key]: value }, ok);
    assert.equal(failures.length, 1, `${key}: ${failures}`);
    assert.ok(failures[0].includes(text), `${key}: ${failures[0]}`);
  }
  assert.equal(checkExpect({ errorCode: "INVALID_JSON", ok: false }, err).length, 1);
  assert.equal(checkExpect({ ok: false, issuePaths: ["serviceMonth"] }, err).length, 1);
  assert.equal(checkExpect({ status: "billable" }, err).length, 1, "an error result fails evaluation keys");
  assert.equal(checkExpect({}, { nope: 1 }).length, 1, "not a Result");
  assert.equal(checkExpect({ nextUnit: null }, ok).length, 1);
});
