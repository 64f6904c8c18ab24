#!/usr/bin/env python3
"""Generates the built-in rule packs packs/medicare-cy2025.json, -cy2026.json and -cy2027.json.

RVUs and conversion factors come from ../shared/data (pfs-rvu-care-management.csv,
pfs-conversion-factors.csv) and, for facts not in it yet, from source rows kept beside this file
(tools/sources/pfs-conversion-factors.csv: the CY2027 proposed rule's conversion factors;
tools/sources/provisional.csv: what a provisional pack takes from where). Updating CY2027 when the
final rule and the January RVU file are out is a data change: edit those rows (or add the RVUs
to a local RVU file) and rerun. Rule titles, confidence and citations come from
../shared/domain/ccm-rules.md.
Everything else (thresholds, caps, conflicts, policies) is written here once, as data, so a reader
finds "where is the 99439 cap?" in the pack.  `--check` fails when the committed packs differ.
"""
import csv, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")

CCM_CODES = [
    # code, track, kind, base, thresholdMinutes, unitMinutes, maxUnits, rule
    ("99490", "staff", "base", None, 20, None, 1, "CODE-001"),
    ("99439", "staff", "addon", "99490", None, 20, 2, "CODE-002"),
    ("99487", "complex", "base", None, 60, None, 1, "CODE-005"),
    ("99489", "complex", "addon", "99487", None, 30, None, "CODE-006"),
    ("99491", "practitioner", "base", None, 30, None, 1, "CODE-003"),
    ("99437", "practitioner", "addon", "99491", None, 30, 2, "CODE-004"),
]

# CONTRACT §10 (domain/pcm-apcm-rules.md). PCM-004: no MUE for the add-ons was sourced, so they are
# uncapped and marked `maxUnitsSourced: false` (a warning asks for the MUE check).
PCM_CODES = [
    ("99426", "staff", "base", None, 30, None, 1, "PCM-001"),
    ("99427", "staff", "addon", "99426", None, 30, None, "PCM-004"),
    ("99424", "practitioner", "base", None, 30, None, 1, "PCM-001"),
    ("99425", "practitioner", "addon", "99424", None, 30, None, "PCM-004"),
]

# APCM-001: the first level whose requirements hold (QMB with 2+ conditions, 2+, then any).
APCM_LEVELS = [("G0558", 2, True), ("G0557", 2, False), ("G0556", 0, False)]

# APCM-002: the service elements the practice attests (ids the input's apcm.elementsAttested uses).
APCM_ELEMENTS = ["access24x7", "continuity", "alternativeCareDelivery", "comprehensiveCareManagement", "carePlan",
                 "careTransitions", "careCoordination", "enhancedCommunication", "populationManagement",
                 "performanceMeasurement"]

FINDING_RULES = {
    "CONDITIONS_FEWER_THAN_TWO": "ELIG-001", "CONDITION_CODE_INVALID": "ELIG-001",
    "CONDITION_NOT_CHRONIC": "ELIG-001", "CONDITIONS_SAME_CATEGORY": "ELIG-001",
    "CONSENT_MISSING": "CONS-001", "CONSENT_DECLINED": "CONS-001", "CONSENT_ELEMENTS_INCOMPLETE": "CONS-001",
    "CONSENT_DETAILS_MISSING": "CONS-001", "CONSENT_PRACTITIONER_MISMATCH": "CONS-001",
    "CONSENT_VERSION_MISMATCH": "CONS-001", "CONSENT_REVOKED": "CONS-001",
    "INITIATING_VISIT_REQUIRED": "INIT-001", "INITIATING_VISIT_TOO_OLD": "INIT-001",
    "INITIATING_VISIT_TYPE_INVALID": "INIT-002", "INITIATING_VISIT_PRACTITIONER_MISMATCH": "INIT-001",
    "CARE_PLAN_MISSING": "PLAN-001", "CARE_PLAN_NOT_ELECTRONIC": "SVC-001", "CARE_PLAN_NOT_ACCESSIBLE": "SVC-002",
    "CARE_PLAN_NOT_SHARED": "PLAN-001", "CARE_PLAN_NOT_SIGNED": "PLAN-001", "CARE_PLAN_STALE": "PLAN-001",
    "SUPERVISION_NOT_ATTESTED": "SUP-002", "PRACTITIONER_NOT_ELIGIBLE": "SUP-001",
    "PRACTITIONER_CREDENTIAL_READ_AS": "SUP-001",
    "TIME_ENTRY_OUTSIDE_MONTH": "TIME-001", "TIME_ENTRY_SPLIT_AT_MONTH_END": "TIME-001",
    "TIME_ENTRY_OTHER_SERVICE": "TIME-006", "TIME_BELOW_THRESHOLD": "TIME-004", "ADDON_CAP_REACHED": "CODE-002",
    "TIME_ENTRY_AFTER_AS_OF": "TIME-007", "TIME_ENTRY_OVERLAP": "TIME-003", "TIME_CONCURRENT_STAFF": "TIME-003",
    "TIME_DOUBLE_COUNTED": "TIME-006", "TIME_ENTRY_NON_CLINICAL": "TIME-005", "TIME_ENTRY_FACILITY_STAY": "CONC-010",
    "TIME_ENTRY_BEFORE_CONSENT": "CONS-001", "TIME_ENTRY_NO_START_END": "TIME-008",
    "TIME_ENTRY_PERFORMER_MISSING": "TIME-008", "TIME_ENTRY_NARRATIVE_INSUFFICIENT": "TIME-008",
    "ANOTHER_PRACTITIONER_BILLED_CCM": "EXCL-001", "PCM_SAME_MONTH": "CONC-002",
    "CARE_PLAN_OVERSIGHT_SAME_MONTH": "CONC-006", "ESRD_SAME_MONTH": "CONC-007", "APCM_SAME_MONTH": "CONC-003",
    "COMPLEX_MDM_REQUIRED": "CODE-005", "COMPLEX_CARE_PLAN_REVISION_NOT_DOCUMENTED": "CODE-005",
    "TRACK_NOT_AVAILABLE": "EXCL-002",
    "RULE_PACK_PROVISIONAL": "PACK-PROVISIONAL",
    "LOCALITY_GPCI": "PAY-002", "GPCI_STAND_IN": "PAY-003", "QMB_NO_COINSURANCE": "PAY-002",
    "RHC_FQHC_NATIONAL_RATE": "FQHC-003", "RHC_FQHC_G0511_PERIOD": "FQHC-002",
    "CODE_NOT_COVERED_BY_PAYER": "PAY-002",
    "PCM_FOCUS_CONDITION_MISSING": "PCM-002", "PCM_CARE_PLAN_NOT_DISEASE_SPECIFIC": "PCM-002",
    "CCM_SAME_MONTH": "PCM-005", "ADDON_CAP_NOT_SOURCED": "PCM-004",
    "APCM_NOT_PRIMARY_CARE": "APCM-002", "APCM_ELEMENTS_NOT_ATTESTED": "APCM-002",
    "APCM_PRACTICE_ELECTION": "APCM-002", "APCM_BUNDLED_SERVICE_SAME_MONTH": "APCM-004", "APCM_LEVEL": "APCM-001",
}

# APCM's own consent and initiating-visit rule (APCM-003) replaces CCM's for its findings.
APCM_FINDING_RULES = {code: "APCM-003" for code in [
    "CONSENT_MISSING", "CONSENT_DECLINED", "CONSENT_ELEMENTS_INCOMPLETE", "CONSENT_DETAILS_MISSING",
    "CONSENT_PRACTITIONER_MISMATCH", "CONSENT_REVOKED", "INITIATING_VISIT_REQUIRED", "INITIATING_VISIT_TOO_OLD",
    "INITIATING_VISIT_TYPE_INVALID", "INITIATING_VISIT_PRACTITIONER_MISMATCH"]}

CONFLICTS = [
    # CCM by anyone but the billing practitioner (same group included): one practitioner per month.
    {"finding": "ANOTHER_PRACTITIONER_BILLED_CCM", "codes": [c[0] for c in CCM_CODES],
     "samePractitioner": None, "sameGroup": "error", "other": "error"},
    {"finding": "APCM_SAME_MONTH", "codes": ["G0556", "G0557", "G0558"],
     "samePractitioner": "error", "sameGroup": "error", "other": "warning"},
    {"finding": "PCM_SAME_MONTH", "codes": ["99424", "99425", "99426", "99427"],
     "samePractitioner": "error", "sameGroup": None, "other": None},
    {"finding": "CARE_PLAN_OVERSIGHT_SAME_MONTH", "codes": ["G0181", "G0182"],
     "samePractitioner": "error", "sameGroup": None, "other": None},
    {"finding": "ESRD_SAME_MONTH", "codes": [str(c) for c in range(90951, 90971)],
     "samePractitioner": "error", "sameGroup": None, "other": None},
]

APCM_CODES = ["G0556", "G0557", "G0558"]
PCM_CODE_LIST = [c[0] for c in PCM_CODES]
OVERSIGHT = [
    {"finding": "CARE_PLAN_OVERSIGHT_SAME_MONTH", "codes": ["G0181", "G0182"],
     "samePractitioner": "error", "sameGroup": None, "other": None},
    {"finding": "ESRD_SAME_MONTH", "codes": [str(c) for c in range(90951, 90971)],
     "samePractitioner": "error", "sameGroup": None, "other": None},
]
PCM_CONFLICTS = [
    # CONC-002: the same practitioner's CCM excludes PCM; another practitioner's is flagged for review.
    {"finding": "CCM_SAME_MONTH", "codes": [c[0] for c in CCM_CODES],
     "samePractitioner": "error", "sameGroup": None, "other": "warning"},
    {"finding": "APCM_SAME_MONTH", "codes": APCM_CODES,
     "samePractitioner": "error", "sameGroup": "error", "other": "warning"},
] + OVERSIGHT
# CONC-003 / APCM-004: APCM bundles CCM, PCM, TCM, interprofessional consults and communication-technology
# codes for its practitioner (and, conservatively, the group); one APCM a patient a month.
APCM_CONFLICTS = [
    {"finding": "APCM_BUNDLED_SERVICE_SAME_MONTH", "codes": [c[0] for c in CCM_CODES] + PCM_CODE_LIST,
     "samePractitioner": "error", "sameGroup": "error", "other": "warning"},
    {"finding": "APCM_BUNDLED_SERVICE_SAME_MONTH",
     "codes": ["99495", "99496", "99446", "99447", "99448", "99449", "99451", "99452", "G2250", "G2251", "G2252",
               "98970", "98971", "98972", "99421", "99422", "99423"],
     "samePractitioner": "error", "sameGroup": "error", "other": None},
    {"finding": "APCM_SAME_MONTH", "codes": APCM_CODES, "samePractitioner": None, "sameGroup": "error", "other": "error"},
]

# Claims (issue 15): the date of service (TIME-007: once the threshold is met, with that date, or at
# month end; month end covers add-on units reached later and needs no second claim) and the claim
# adjustment reason codes (X12 CARC) a payer uses for what a finding predicts.
CLAIMS = {
    "dateOfService": "lastDayOfMonth",
    "dateOfServiceRule": "TIME-007",
    # X12 claim adjustment reason codes, with group code, in words.
    "carcs": {
        "CO-97": "Payment is included in the allowance for another service already adjudicated (bundled).",
        "CO-B20": "The service was furnished (and billed) by another provider.",
        "CO-151": "The information does not support this many units (units above the MUE).",
        "CO-185": "The rendering provider is not eligible to perform the service billed.",
        "CO-96": "Non-covered charge.",
        "CO-11": "The diagnosis is inconsistent with the procedure.",
        "CO-B15": "A qualifying service (the initiating visit) has not been received.",
        "CO-18": "Exact duplicate claim or service.",
    },
    # Finding code -> the CARC a payer would use for what it predicts.
    "denials": {
        "ANOTHER_PRACTITIONER_BILLED_CCM": "CO-B20", "PCM_SAME_MONTH": "CO-97", "CCM_SAME_MONTH": "CO-97",
        "APCM_SAME_MONTH": "CO-97", "APCM_BUNDLED_SERVICE_SAME_MONTH": "CO-97", "CARE_PLAN_OVERSIGHT_SAME_MONTH": "CO-97",
        "ESRD_SAME_MONTH": "CO-97", "ADDON_CAP_NOT_SOURCED": "CO-151", "PRACTITIONER_NOT_ELIGIBLE": "CO-185",
        "CODE_NOT_COVERED_BY_PAYER": "CO-96", "CONDITIONS_FEWER_THAN_TWO": "CO-11", "PCM_FOCUS_CONDITION_MISSING": "CO-11",
        "INITIATING_VISIT_REQUIRED": "CO-B15", "INITIATING_VISIT_TOO_OLD": "CO-B15", "INITIATING_VISIT_TYPE_INVALID": "CO-B15",
        "INITIATING_VISIT_PRACTITIONER_MISMATCH": "CO-B15",
    },
}

POLICIES = {
    "minChronicConditions": 2,
    "conditionCategoryLength": 3,
    "eligibleCredentials": ["MD", "DO", "NP", "PA", "CNS", "CNM"],
    "complexMdm": ["moderate", "high"],
    "complexRevisionRequired": True,
    "initiatingVisitTypes": ["em", "awv", "ippe", "tcm"],
    "initiatingVisitMaxMonths": 12,
    # INIT-001: "an initiating face-to-face visit by the billing practitioner"; CMS's CCM booklet
    # (MLN909188) says the same. A visit furnished by another practitioner does not initiate.
    "initiatingVisitByBillingPractitioner": "error",
    "carePlanStaleMonths": 12,
    "supervisionRequired": True,
    "narrativeMinChars": 25,
    "trackOrder": ["staff", "complex", "practitioner"],
    "staffRoles": ["rn", "lpn", "ma", "clinical_staff", "other_practitioner", "billing_practitioner"],
    "practitionerRoles": ["billing_practitioner"],
    "nonClinicalRoles": ["non_clinical"],
    "facilitySettings": ["inpatient", "snf_part_a"],
    "revocationTakesEffect": "endOfMonth",
    # FQHC-002: G0511 ended with dates of service 2025-09-30 (NARHC, the later and more specific
    # source); from 2025-10-01 RHCs and FQHCs bill the individual codes (FQHC-003; 42 CFR 405.2464(c)).
    "rhcFqhcIndividualCodesFrom": "2025-10-01",
    "rhcFqhcBefore": "RHCs and FQHCs billed care management as G0511 for dates of service through 2025-09-30 (about $54.67 in 2025, per NARHC's summary of the CY2026 proposed rule); the individual codes were accepted alongside it during 2025's transition",
}

CONSENT = {
    "requiredElements": ["availability", "costSharing", "rightToStop", "onePractitioner"],
    "methods": ["verbal", "written", "electronic"],
    "builtInVersionsImplyElements": True,
}

GPCI_STAND_IN = {
    2026: "CY2025 GPCIs (GPCI2025, RVU25D) stand in for CY2026's: no authentic CY2026 GPCI table was available (CY2026 refreshed the GPCIs)",
    2027: "CY2025 GPCIs (GPCI2025, RVU25D) stand in for CY2027's: no authentic CY2026 or CY2027 GPCI table was available",
}

PACKS = [
    {"year": 2027, "id": "medicare-cy2027", "version": "2027.0-proposed", "release": "RVU26C", "rvu_year": 2026,
     "status": "provisional",
     "title": "Medicare Physician Fee Schedule CY2027 (CMS-1848-P, proposed; CY2026 RVUs): Chronic Care Management",
     "cf": {"default": ("2027", "non-qualifying APM participant (non-QP; default)"),
            "qualifyingApmParticipant": ("2027", "qualifying APM participant (QP)")}},
    {"year": 2026, "id": "medicare-cy2026", "version": "2026.1", "release": "RVU26C",
     "title": "Medicare Physician Fee Schedule CY2026 (CMS-1832-F): Chronic Care Management",
     "cf": {"default": ("2026", "non-qualifying APM participant (non-QP; default)"),
            "qualifyingApmParticipant": ("2026", "qualifying APM participant (QP)")}},
    {"year": 2025, "id": "medicare-cy2025", "version": "2025.1", "release": "RVU25D",
     "title": "Medicare Physician Fee Schedule CY2025 (CMS-1807-F): Chronic Care Management",
     "cf": {"default": ("2025", "single CF (all practitioners)"),
            "qualifyingApmParticipant": ("2025", "single CF (all practitioners)")}},
]


def num(s):
    # Keep the CSV's decimal text exactly (no float round trip).
    return json.loads(s)


def domain_rules():
    text = open(os.path.join(SHARED, "domain", "ccm-rules.md"), encoding="utf-8").read()
    sources = {}
    for m in re.finditer(r"^\| (S\d+) \| ([^|]+) \| ([^|]+) \|", text, re.M):
        urls = [u.strip() for u in m.group(3).split(";") if u.strip().startswith("http")]
        sources[m.group(1)] = (m.group(2).strip(), urls)
    rules = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        head = block.split("\n", 1)[0]
        m = re.match(r"([A-Z0-9]+-\d+[a-z]?) — (.+)", head)
        if not m:
            continue
        rid, title = m.group(1), m.group(2).strip()
        src = re.search(r"\*\*Sources\*\*: *(.+)", block)
        conf = re.search(r"\*\*Confidence\*\*: *([a-z-]+)", block)
        ids = re.findall(r"\bS\d+\b", src.group(1)) if src else []
        rules[rid] = {"title": title, "sources": ids, "confidence": conf.group(1) if conf else None}
    return rules, sources


PCM_APCM_TITLES = {
    "PCM-001": "PCM codes: 99424/99425 practitioner, 99426/99427 clinical staff, per 30 minutes",
    "PCM-002": "PCM eligibility: one complex chronic condition and a disease-specific care plan",
    "PCM-003": "PCM consent, initiating visit, access and care plan as for CCM",
    "PCM-004": "PCM add-on unit caps (99425, 99427): check the MUE",
    "PCM-005": "PCM and CCM by the same practitioner in one month exclude each other",
    "APCM-001": "APCM levels G0556, G0557, G0558 (since 2025)",
    "APCM-002": "APCM: the primary-care focal point; attested service elements",
    "APCM-003": "APCM consent and initiating visit (new patients, 3-year look-back)",
    "APCM-004": "APCM bundles CCM, PCM, TCM and communication-technology codes",
    "APCM-005": "APCM cost sharing; none for QMB patients",
    "APCM-006": "RHCs and FQHCs may bill APCM from 2025-10",
    "ALL-001": "CY2027 proposed rule: no PCM or APCM change",
}


def pcm_apcm_rules(rules, sources):
    """Rows of domain/pcm-apcm-rules.md (`| PCM-001 | rule | H |`), cited with the sources of
    ccm-rules.md's CONC-002 (PCM) or CONC-003 (APCM), which that file names as its background."""
    text = open(os.path.join(SHARED, "domain", "pcm-apcm-rules.md"), encoding="utf-8").read()
    conf = {"H": "high", "M": "medium", "L": "low", "M / L": "medium / low"}
    out = {}
    for m in re.finditer(r"^\| ((?:PCM|APCM|ALL)-\d+) \| ([^|]+) \| ([^|]+) \|", text, re.M):
        rid = m.group(1)
        background = "CONC-002" if rid.startswith("PCM") else "CONC-003"
        out[rid] = {"title": PCM_APCM_TITLES[rid], "sources": rules[background]["sources"], "confidence": conf.get(m.group(3).strip(), m.group(3).strip()),
                    "reference": "domain/pcm-apcm-rules.md#" + rid}
    return out


def code_entry(r, code, track, kind, base, thr, unit, cap, rule):
    return {
        "code": code, "track": track, "kind": kind, "base": base,
        "thresholdMinutes": thr, "unitMinutes": unit, "maxUnits": cap,
        "rvu": rvu_of(r), "label": r["label"], "rule": rule,
    }


def rvu_of(r):
    return {"work": num(r["work_rvu"]), "peNonFacility": num(r["pe_rvu_nonfacility"]),
            "peFacility": num(r["pe_rvu_facility"]), "mp": num(r["mp_rvu"])}


def programs(rvu_year, rvus):
    """CONTRACT §10: PCM and APCM beside CCM (CCM stays the pack's top level, as in v1)."""
    pcm_codes = []
    for c in PCM_CODES:
        e = code_entry(rvus[(rvu_year, c[0])], *c)
        if c[2] == "addon":
            e["maxUnitsSourced"] = False
        pcm_codes.append(e)
    levels = [{"code": code, "minChronicConditions": n, "qmb": qmb, "rvu": rvu_of(rvus[(rvu_year, code)]),
               "label": rvus[(rvu_year, code)]["label"], "rule": "APCM-001"} for code, n, qmb in APCM_LEVELS]
    return {
        "pcm": {
            "codes": pcm_codes,
            "trackOrder": ["staff", "practitioner"],
            # §10: `ccm` time counts for whichever of CCM or PCM is decided; `pcm` time for PCM only.
            "countedServices": ["ccm", "pcm"],
            "conflicts": PCM_CONFLICTS,
            # PCM-002/003: one focus condition and a disease-specific plan instead of two conditions;
            # consent, initiating visit, care plan, supervision and credential as for CCM.
            "requirements": {"minChronicConditions": None, "focusCondition": True, "diseaseSpecificCarePlan": True,
                             "carePlan": True, "supervision": True, "primaryCare": False,
                             "initiatingVisitMaxMonths": POLICIES["initiatingVisitMaxMonths"],
                             "consentElements": CONSENT["requiredElements"]},
        },
        "apcm": {
            "levels": levels,
            "elements": APCM_ELEMENTS,
            "conflicts": APCM_CONFLICTS,
            # APCM-002/003: the primary-care focal point, attested elements, consent explaining cost
            # sharing and the right to stop, an initiating visit only for patients not seen in 3 years.
            "requirements": {"minChronicConditions": None, "focusCondition": False, "diseaseSpecificCarePlan": False,
                             "carePlan": False, "supervision": False, "primaryCare": True,
                             "initiatingVisitMaxMonths": 36, "consentElements": ["costSharing", "rightToStop"]},
            "findingRules": APCM_FINDING_RULES,
        },
    }


def build(spec, rvus, cfs, rules, sources, provisional):
    year = str(spec["year"])
    rvu_year = str(spec.get("rvu_year", year))
    codes = [code_entry(rvus[(rvu_year, c[0])], *c) for c in CCM_CODES]
    apcm = rvus[(rvu_year, "G0557")]
    notes = provisional.get(spec["id"], [])
    extra = pcm_apcm_rules(rules, sources)
    used = sorted((set(FINDING_RULES.values()) - {"PACK-PROVISIONAL"} - set(extra)) | {c[7] for c in CCM_CODES} | {"PAY-001", "PAY-002", "CONC-001", "CONC-009"})
    rule_list = []
    if notes:
        rule_list.append({"id": "PACK-PROVISIONAL", "title": "Provisional facts of this pack", "confidence": "provisional",
                          "source": "; ".join(dict.fromkeys(n["source"] for n in notes)),
                          "reference": "tools/sources/provisional.csv"})
    for rid in used:
        d = rules[rid]
        cites = []
        for sid in d["sources"][:3]:
            if sid in sources and sources[sid][1]:
                cites.append(sources[sid][1][0])
        rule_list.append({"id": rid, "title": d["title"], "confidence": d["confidence"],
                          "source": "; ".join(cites) or "domain/ccm-rules.md " + rid,
                          "reference": "domain/ccm-rules.md#" + rid})
    for rid, d in sorted(extra.items()):
        cites = [sources[sid][1][0] for sid in d["sources"][:3] if sid in sources and sources[sid][1]]
        rule_list.append({"id": rid, "title": d["title"], "confidence": d["confidence"],
                          "source": "; ".join(cites) or d["reference"], "reference": d["reference"]})
    pack = {
        "id": spec["id"],
        "version": spec["version"],
        "title": spec["title"],
        "payer": "Medicare Part B",
        "effectiveFrom": f"{year}-01-01",
        "effectiveTo": f"{year}-12-31",
        "rvuRelease": spec["release"],
        "conversionFactors": {k: num(cfs[v]) for k, v in spec["cf"].items()},
        "coinsurancePercent": 20,
        "gpci": {"table": "gpci-cy2025", **({"standIn": GPCI_STAND_IN[spec["year"]]} if spec["year"] in GPCI_STAND_IN else {})},
        "codes": codes,
        "conflicts": CONFLICTS,
        "consent": CONSENT,
        "policies": POLICIES,
        "comparison": {"code": "G0557", "label": apcm["label"], "rvu": rvu_of(apcm)},
        "programs": programs(rvu_year, rvus),
        "claims": CLAIMS,
        "findingRules": FINDING_RULES,
        "rules": rule_list,
    }
    if spec.get("status") == "provisional":
        # Right after the id block, so a reader sees it first.
        head = list(pack.items())
        pack = dict(head[:6] + [("status", "provisional"), ("provisional", notes)] + head[6:])
    return pack


def gpci_table():
    """packs/gpci-cy2025.json: GPCIs by locality `MAC-LL`, from ../shared/data/gpci-2025.csv."""
    with open(os.path.join(SHARED, "data", "gpci-2025.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return {"id": "gpci-cy2025", "source": "CMS GPCI2025, Addendum E (RVU25D bundle), ../shared/data/gpci-2025.csv",
            "localities": {f"{r['mac']}-{r['locality_number']}": {"work": num(r["work_gpci_with_1.0_floor"]), "pe": num(r["pe_gpci"]), "mp": num(r["mp_gpci"])}
                           for r in rows}}


def locality_list():
    """packs/localities-cy2025.json: every locality with its state, name and counties, for
    `ccm localities` (not embedded in the core wasm). Counties are parsed as the npm helper parses
    them (tools/gen_icd_descriptions.py): by state (DC's locality names counties of Virginia and
    Maryland), with a state's "all (other) counties" rule as `rest` and its exceptions, and
    25LOCCO's one misspelt county corrected."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from gen_icd_descriptions import parse_counties, read_localities
    localities, states, state_codes = read_localities(os.path.join(SHARED, "data"))
    out = []
    for l in localities:
        counties, rest, excluded = parse_counties(l["counties"], l["state"], state_codes)
        out.append({"locality": f"{l['mac']}-{l['locality']}", "state": l["state"], "name": l["name"], "area": l["area"],
                    "counties": counties, "rest": rest, "except": excluded})
    return {"source": "CMS 25LOCCO and GPCI2025 (RVU25D bundle), ../shared/data/locality-counties-2025.csv",
            "states": states, "localities": out}


# An illustrative Medicare Advantage contract: made-up rates, NOT a real payer's. MA plans must
# cover CCM as a Part B benefit but pay by contract; this one pays flat amounts, charges no
# coinsurance, and (like some payers) does not cover 99437.
EXAMPLE_CONTRACT = {"99490": 58.00, "99439": 44.00, "99487": 125.00, "99489": 66.00, "99491": 80.00,
                    "99424": 82.00, "99425": 58.00, "99426": 64.00, "99427": 50.00,
                    "G0556": 15.00, "G0557": 50.00, "G0558": 110.00}


def example_payer(medicare):
    pack = json.loads(json.dumps(medicare))
    pack.update({"id": "example-ma-plan-2026", "version": "example-1",
                 "title": "EXAMPLE ONLY: a made-up Medicare Advantage CCM contract for 2026 (illustrative rates, not a real payer)",
                 "payer": "Example Medicare Advantage plan (illustrative)", "coinsurancePercent": 0})
    pack.pop("gpci", None)  # contract amounts do not vary by locality
    for c in pack["codes"] + pack["programs"]["pcm"]["codes"] + pack["programs"]["apcm"]["levels"]:
        if c["code"] in EXAMPLE_CONTRACT:
            c["contractAmount"] = EXAMPLE_CONTRACT[c["code"]]
        else:
            c["covered"] = False
            c["notCoveredSeverity"] = "warning"
    return pack


def dump(value, depth=0):
    """A pack as text: top-level keys one per line, and the elements of top-level arrays and
    objects one per line (deeper values on their line, compact). Readable and diffable, and small
    enough (under gzip's 32 KB window) that the three packs embedded in the wasm compress
    against each other."""
    compact = lambda v: json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    pad = "  " * (depth + 1)
    if depth < 2 and isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k)}: {dump(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    if depth < 2 and isinstance(value, list) and value and any(isinstance(x, (dict, list)) for x in value):
        return "[\n" + ",\n".join(pad + dump(x, depth + 2) for x in value) + "\n" + "  " * depth + "]"
    return compact(value)


def main():
    with open(os.path.join(SHARED, "data", "pfs-rvu-care-management.csv"), newline="") as f:
        rvus = {(r["year"], r["hcpcs"]): r for r in csv.DictReader(f)}
    cfs = {}
    for path in (os.path.join(SHARED, "data", "pfs-conversion-factors.csv"), os.path.join(ROOT, "tools", "sources", "pfs-conversion-factors.csv")):
        with open(path, newline="") as f:
            cfs.update({(r["year"], r["cf_type"]): r["conversion_factor_usd"] for r in csv.DictReader(f)})
    provisional = {}
    with open(os.path.join(ROOT, "tools", "sources", "provisional.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            provisional.setdefault(r["pack"], []).append({"what": r["what"], "source": r["source"]})
    rules, sources = domain_rules()
    stale = []
    outputs = [(spec["id"], build(spec, rvus, cfs, rules, sources, provisional)) for spec in PACKS]
    outputs += [("gpci-cy2025", gpci_table()), ("localities-cy2025", locality_list())]
    outputs.append(("examples/example-medicare-advantage-2026", example_payer(dict(outputs)["medicare-cy2026"])))
    for name, data in outputs:
        text = dump(data) + "\n"
        if name.startswith(("gpci-", "localities-")):
            text = json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
        path = os.path.join(ROOT, "packs", name + ".json")
        if "--check" in sys.argv:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                stale.append(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        sys.exit("stale (run tools/gen_packs.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
