// Checks a Result against an `expect` object of ../shared/scenarios/examples.jsonl
// (keys documented in ../shared/scenarios/README.md). Returns a list of failures; empty = holds.

const pairKey = ([code, units]) => `${code}x${units}`;
const sortedPairs = (pairs) => pairs.map(pairKey).sort();
const linePairs = (lines) => (Array.isArray(lines) ? lines.map((l) => [l.code, l.units]) : []);
const cents = (x) => Math.round(Number(x) * 100);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (x) => JSON.stringify(x);

/** Key → check(expected, result, evaluation) returning an error string or null. */
const CHECKS = {
  ok: () => null, // handled first
  errorCode: (want, r) => (r.ok === false && r.error?.code === want ? null : `error.code is ${show(r.error?.code)}, want ${show(want)}`),
  issuePaths: (want, r) => {
    const paths = (r.error?.issues ?? []).map((i) => i.path);
    const missing = want.filter((p) => !paths.some((q) => typeof q === "string" && q.startsWith(p)));
    return missing.length ? `no issue path starts with ${show(missing)} (issues: ${show(paths)})` : null;
  },
  status: (want, r, e) => (e.status === want ? null : `status is ${show(e.status)}, want ${show(want)}`),
  track_: (want, r, e) => (e.track === want ? null : `track is ${show(e.track)}, want ${show(want)}`),
  lines: (want, r, e) => pairsCheck("lines", want, e.lines),
  supportedLines: (want, r, e) => pairsCheck("supportedLines", want, e.supportedLines),
  findings: (want, r, e) => {
    const codes = findingCodes(e);
    const missing = want.filter((c) => !codes.includes(c));
    return missing.length ? `findings lack ${show(missing)} (have ${show(codes)})` : null;
  },
  absentFindings: (want, r, e) => {
    const codes = findingCodes(e);
    const present = want.filter((c) => codes.includes(c));
    return present.length ? `findings must not include ${show(present)}` : null;
  },
  severity: (want, r, e) => {
    // { CODE: severity } (or [[CODE, severity], …])
    const pairs = Array.isArray(want) ? want : Object.entries(want);
    const bad = pairs.filter(([code, sev]) => !(e.findings ?? []).some((f) => f.code === code && f.severity === sev));
    return bad.length ? `no finding with code/severity ${show(bad)} (have ${show((e.findings ?? []).map((f) => [f.code, f.severity]))})` : null;
  },
  time: (want, r, e) => subset("time", want, e.time),
  nextUnit: (want, r, e) => {
    const have = e.time?.nextUnit;
    if (want === null) return have === null ? null : `time.nextUnit is ${show(have)}, want null`;
    if (have === null || have === undefined) return `time.nextUnit is ${show(have)}, want ${show(want)}`;
    return subset("time.nextUnit", want, have);
  },
  daysLeft: (want, r, e) => (e.time?.nextUnit?.daysLeft === want ? null : `time.nextUnit.daysLeft is ${show(e.time?.nextUnit?.daysLeft)}, want ${show(want)}`),
  monthComplete: (want, r, e) => (e.time?.monthComplete === want ? null : `time.monthComplete is ${show(e.time?.monthComplete)}, want ${show(want)}`),
  allowed: (want, r, e) => (cents(e.payment?.allowed) === cents(want) ? null : `payment.allowed is ${show(e.payment?.allowed)}, want ${show(want)}`),
  coinsurance: (want, r, e) => (cents(e.payment?.coinsurance) === cents(want) ? null : `payment.coinsurance is ${show(e.payment?.coinsurance)}, want ${show(want)}`),
  alternativesInclude: (want, r, e) => {
    const tracks = (e.alternatives ?? []).map((a) => a.track);
    const missing = [].concat(want).filter((t) => !tracks.includes(t));
    return missing.length ? `alternatives lack tracks ${show(missing)} (have ${show(tracks)})` : null;
  },
  alternativeBlockedBy: (want, r, e) => {
    // { track: CODE | [CODE, …] } (or [[track, CODE], …])
    const pairs = (Array.isArray(want) ? want : Object.entries(want)).flatMap(([t, c]) => [].concat(c).map((code) => [t, code]));
    const bad = pairs.filter(([t, code]) => !(e.alternatives ?? []).some((a) => a.track === t && (a.blockedBy ?? []).includes(code)));
    return bad.length ? `alternatives do not show blockedBy ${show(bad)} (have ${show((e.alternatives ?? []).map((a) => [a.track, a.blockedBy]))})` : null;
  },
  consentMatchesClaim: (want, r, e) => (e.consent?.matchesClaim === want ? null : `consent.matchesClaim is ${show(e.consent?.matchesClaim)}, want ${show(want)}`),
  checklist: (want, r, e) => {
    const items = e.checklist ?? [];
    const bad = Object.entries(want).filter(([item, ok]) => !items.some((c) => c.item === item && c.ok === ok));
    return bad.length ? `checklist items differ: want ${show(Object.fromEntries(bad))}, have ${show(items)}` : null;
  },
};

/** Evaluation-level keys (need `ok: true`). */
const ERROR_KEYS = new Set(["ok", "errorCode", "issuePaths"]);

function findingCodes(e) {
  return (e.findings ?? []).map((f) => f.code);
}

function pairsCheck(name, want, have) {
  const a = sortedPairs(want);
  const b = sortedPairs(linePairs(have));
  return same(a, b) ? null : `${name} are ${show(linePairs(have))}, want ${show(want)}`;
}

function subset(name, want, have) {
  if (have === null || typeof have !== "object") return `${name} is ${show(have)}`;
  const bad = Object.entries(want).filter(([k, v]) => !same(have[k], v));
  return bad.length ? `${name} differs: want ${show(Object.fromEntries(bad))}, have ${show(Object.fromEntries(bad.map(([k]) => [k, have[k]])))}` : null;
}

export const EXPECT_KEYS = Object.keys(CHECKS);

/** @returns {string[]} failures (empty when `result` satisfies `expect`). */
export function checkExpect(expect, result) {
  const failures = [];
  if (result === null || typeof result !== "object" || typeof result.ok !== "boolean") {
    return [`not a Result: ${show(result)}`];
  }
  const wantOk = expect.ok ?? true;
  if (result.ok !== wantOk) {
    failures.push(`ok is ${result.ok}, want ${wantOk}` + (result.ok ? "" : ` (error ${show(result.error)})`));
    return failures;
  }
  for (const [key, want] of Object.entries(expect)) {
    const check = CHECKS[key];
    if (!check) {
      failures.push(`unknown expect key ${show(key)} (see ../shared/scenarios/README.md)`);
      continue;
    }
    if (!ERROR_KEYS.has(key) && !result.ok) {
      failures.push(`${key}: the result is an error, not an evaluation`);
      continue;
    }
    const msg = check(want, result, result.evaluation ?? {});
    if (msg) failures.push(`${key}: ${msg}`);
  }
  return failures;
}
