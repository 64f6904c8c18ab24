//! The adapter's options: the month the Bundle is read for, the billing practitioner, how the
//! practice codes care-management time, roles and visits, and the extension URLs. Every code
//! list has documented defaults (below, and docs/fhir.md); a caller's own codes come first, so a
//! system that uses a code differently says so in the options instead of in the adapter.

use chrono::NaiveDate;
use serde_json::{Map, Value};

/// CPT, as US Core and CMS write its system.
pub const CPT: &str = "http://www.ama-assn.org/go/cpt";
/// HCPCS Level II, as Blue Button and CMS write it.
pub const HCPCS: [&str; 2] = ["https://bluebutton.cms.gov/resources/codesystem/hcpcs", "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"];
pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
pub const NPI: &str = "http://hl7.org/fhir/sid/us-npi";
pub const NUCC: &str = "http://nucc.org/provider-taxonomy";
pub const PRACTITIONER_ROLE: &str = "http://terminology.hl7.org/CodeSystem/practitioner-role";
/// The CMS place-of-service code set (claims).
pub const POS: &str = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";

/// The adapter's own canonical base. `.example` is reserved (RFC 2606): a deployment that
/// publishes these definitions under its own domain sets `extensionBase` and `codeSystemBase`.
pub const BASE: &str = "http://ccm-engine.example/fhir/";

/// A coding the practice uses, and what it means to the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRule {
    pub system: String,
    pub code: String,
    /// The contract value it maps to: a service (`ccm`, `pcm`, …), a role (`rn`, …) or an
    /// initiating-visit type (`em`, …).
    pub value: String,
}

/// CPT/HCPCS codes whose Procedure, Task or Encounter is care-management time of a service.
const TIME: &[(&str, &[&str])] = &[
    ("ccm", &["99490", "99439", "99487", "99489", "99491", "99437"]),
    ("pcm", &["99424", "99425", "99426", "99427"]),
    ("tcm", &["99495", "99496"]),
    ("rpm", &["99457", "99458"]),
    ("rtm", &["98980", "98981"]),
    ("bhi", &["99484", "99492", "99493", "99494"]),
    ("chi", &["G0019", "G0022"]),
    ("pin", &["G0023", "G0024", "G0140", "G0146"]),
    ("apcm", &["G0556", "G0557", "G0558"]),
];

/// Practitioner-role codes and NUCC taxonomy codes → the contract's roles (the billing
/// practitioner is recognized by NPI whatever the role says).
const ROLES: &[(&str, &str, &str)] = &[
    (PRACTITIONER_ROLE, "nurse", "rn"),
    (PRACTITIONER_ROLE, "doctor", "other_practitioner"),
    (PRACTITIONER_ROLE, "pharmacist", "clinical_staff"),
    (PRACTITIONER_ROLE, "researcher", "non_clinical"),
    (PRACTITIONER_ROLE, "teacher", "non_clinical"),
    (PRACTITIONER_ROLE, "ict", "non_clinical"),
    (NUCC, "163W00000X", "rn"),
    (NUCC, "164W00000X", "lpn"),
    (NUCC, "164X00000X", "lpn"),
    (NUCC, "363L00000X", "other_practitioner"),
    (NUCC, "363LF0000X", "other_practitioner"),
    (NUCC, "363A00000X", "other_practitioner"),
    (NUCC, "363AM0700X", "other_practitioner"),
    (NUCC, "364S00000X", "other_practitioner"),
    (NUCC, "367A00000X", "other_practitioner"),
    (NUCC, "207Q00000X", "other_practitioner"),
    (NUCC, "207R00000X", "other_practitioner"),
    (NUCC, "208D00000X", "other_practitioner"),
];

/// E/M, AWV, IPPE and TCM codes that can initiate CCM (CONTRACT §6.8).
const VISITS: &[(&str, &[&str])] = &[
    ("em", &["99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215", "99341", "99342", "99344",
        "99345", "99347", "99348", "99349", "99350"]),
    ("awv", &["G0438", "G0439"]),
    ("ippe", &["G0402"]),
    ("tcm", &["99495", "99496"]),
];

/// The contract's roles and services, as codes of the adapter's own code systems.
const CONTRACT_ROLES: [&str; 7] = ["rn", "lpn", "ma", "clinical_staff", "other_practitioner", "billing_practitioner", "non_clinical"];

/// What the adapter reads a Bundle with.
#[derive(Debug, Clone)]
pub struct Options {
    /// `serviceMonth` (required): the calendar month read.
    pub service_month: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// `billingPractitioner` (required `id`: the NPI the Bundle's Practitioner identifiers carry).
    pub billing: Map<String, Value>,
    pub billing_npi: String,
    pub as_of: Option<String>,
    /// `month`: other `MonthInput` members to set as given (rulePack, payment, track, programs,
    /// apcm, supervisionAttested, complexity, claim, patient.newPatient, patient.qmb, …).
    pub month: Map<String, Value>,
    pub time_codes: Vec<CodeRule>,
    pub role_codes: Vec<CodeRule>,
    pub visit_codes: Vec<CodeRule>,
    pub extension_base: String,
    pub code_system_base: String,
    /// `carePlan`: what a CarePlan resource that does not say is taken to mean (e.g. the EHR
    /// makes every plan available 24/7: `{ "accessible24x7": true }`).
    pub care_plan_defaults: Map<String, Value>,
}

impl Options {
    /// The options object, checked; every problem with its path (`options.serviceMonth`).
    pub fn read(v: &Value) -> Result<Options, Vec<(String, String)>> {
        let mut issues = Vec::new();
        let empty = Map::new();
        let o = match v {
            Value::Object(o) => o,
            _ => {
                issues.push(("options".to_string(), "expected an object".to_string()));
                &empty
            }
        };
        let month = match o.get("serviceMonth").and_then(Value::as_str).and_then(crate::validate::parse_month) {
            Some(m) => Some(m),
            None => {
                issues.push(("options.serviceMonth".into(), "is required: the month to read, YYYY-MM".into()));
                None
            }
        };
        let billing = o.get("billingPractitioner").and_then(Value::as_object).cloned().unwrap_or_default();
        let billing_npi = billing.get("id").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
        if billing_npi.is_empty() {
            issues.push(("options.billingPractitioner.id".into(), "is required: the billing practitioner's NPI".into()));
        }
        let as_of = match o.get("asOf") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if crate::validate::parse_date(s).is_some() => Some(s.clone()),
            Some(_) => {
                issues.push(("options.asOf".into(), "expected a date YYYY-MM-DD".into()));
                None
            }
        };
        let object = |issues: &mut Vec<(String, String)>, key: &str| match o.get(key) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                issues.push((format!("options.{key}"), "expected an object".into()));
                Map::new()
            }
        };
        let month_fields = object(&mut issues, "month");
        let care_plan_defaults = object(&mut issues, "carePlan");
        let base = |issues: &mut Vec<(String, String)>, key: &str, default: String| match o.get(key) {
            None | Some(Value::Null) => default,
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(_) => {
                issues.push((format!("options.{key}"), "expected a URL".into()));
                default
            }
        };
        let extension_base = base(&mut issues, "extensionBase", format!("{BASE}StructureDefinition/"));
        let code_system_base = base(&mut issues, "codeSystemBase", format!("{BASE}CodeSystem/"));
        let time_codes = rules(o, "timeCodes", "service", &crate::validate::SERVICES, &mut issues, defaults_time(&code_system_base));
        let role_codes = rules(o, "roleCodes", "role", &crate::validate::ROLES, &mut issues, defaults_roles(&code_system_base));
        let visit_codes = rules(o, "visitCodes", "type", &["em", "awv", "ippe", "tcm"], &mut issues, defaults_visits(&code_system_base));
        match (month, issues.is_empty()) {
            (Some(m), true) => Ok(Options {
                service_month: m.label(),
                first: m.first,
                last: m.last,
                billing,
                billing_npi,
                as_of,
                month: month_fields,
                time_codes,
                role_codes,
                visit_codes,
                extension_base,
                code_system_base,
                care_plan_defaults,
            }),
            _ => Err(issues),
        }
    }

    /// The value a coding maps to under `rules` (the first rule that matches).
    pub fn lookup<'a>(rules: &'a [CodeRule], system: &str, code: &str) -> Option<&'a str> {
        rules.iter().find(|r| r.system == system && r.code == code).map(|r| r.value.as_str())
    }

    /// The full URL of one of the adapter's extensions (`consent-method`, …).
    pub fn extension(&self, name: &str) -> String {
        format!("{}{name}", self.extension_base)
    }
}

/// `key`: `[{ system, code, <field> }]`, the caller's rules first, then the defaults.
fn rules(o: &Map<String, Value>, key: &str, field: &str, allowed: &[&str], issues: &mut Vec<(String, String)>, defaults: Vec<CodeRule>) -> Vec<CodeRule> {
    let mut out = Vec::new();
    match o.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) if a.len() <= 1000 => {
            for (i, r) in a.iter().enumerate() {
                let get = |k: &str| r.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
                match (get("system"), get("code"), get(field)) {
                    (Some(system), Some(code), Some(value)) if allowed.contains(&value) => {
                        out.push(CodeRule { system: system.into(), code: code.into(), value: value.into() });
                    }
                    (Some(_), Some(_), Some(_)) => issues.push((format!("options.{key}[{i}].{field}"), format!("expected one of: {}", allowed.join(", ")))),
                    _ => issues.push((format!("options.{key}[{i}]"), format!("expected {{ system, code, {field} }}"))),
                }
            }
        }
        Some(_) => issues.push((format!("options.{key}"), format!("expected an array (at most 1,000) of {{ system, code, {field} }}"))),
    }
    out.extend(defaults);
    out
}

fn rule(system: &str, code: &str, value: &str) -> CodeRule {
    CodeRule { system: system.into(), code: code.into(), value: value.into() }
}

/// A rule per code of each `(value, codes)`: CPT codes under CPT's system, HCPCS (G) codes under
/// both HCPCS system URIs.
fn procedure_code_rules(table: &[(&str, &[&str])]) -> Vec<CodeRule> {
    let mut out = Vec::new();
    for (value, codes) in table {
        for code in *codes {
            if code.starts_with('G') {
                out.extend(HCPCS.iter().map(|system| rule(system, code, value)));
            } else {
                out.push(rule(CPT, code, value));
            }
        }
    }
    out
}

/// The time codes the adapter reads with when the options name none and keep the default
/// `codeSystemBase`: what a Bundle alone is read with (the panel, [`super::derive`]).
pub fn default_time_codes() -> Vec<CodeRule> {
    defaults_time(&format!("{BASE}CodeSystem/"))
}

/// CPT and HCPCS codes of each service, and the adapter's own service codes.
fn defaults_time(cs_base: &str) -> Vec<CodeRule> {
    let mut out = procedure_code_rules(TIME);
    for s in crate::validate::SERVICES {
        out.push(rule(&format!("{cs_base}care-management-service"), s, s));
    }
    out
}

fn defaults_roles(cs_base: &str) -> Vec<CodeRule> {
    let mut out: Vec<CodeRule> = ROLES.iter().map(|(s, c, r)| rule(s, c, r)).collect();
    for r in CONTRACT_ROLES {
        out.push(rule(&format!("{cs_base}care-team-role"), r, r));
    }
    out
}

fn defaults_visits(cs_base: &str) -> Vec<CodeRule> {
    let mut out = procedure_code_rules(VISITS);
    for k in ["em", "awv", "ippe", "tcm"] {
        out.push(rule(&format!("{cs_base}initiating-visit"), k, k));
    }
    out
}
