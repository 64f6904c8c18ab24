//! From the Bundle's resources to a `MonthInput` (CONTRACT §2), one function per part of the
//! month, each noting the resource every value came from and every problem on the way. What
//! each FHIR element becomes, and why, is docs/fhir.md's table; the adapter's own extensions and
//! code systems are under [`super::options::BASE`].

// INVARIANT: every index here is serde_json's `Index` on a `Value` (a missing key or element
// reads as `null`, never a panic), or `IndexMut` on an object this module built with `json!`.
#![allow(clippy::indexing_slicing)]

use super::bundle::{self, codings, date, datetime, extension, extensions, Entry, Index};
use super::options::{Options, CPT, HCPCS, ICD10CM};
use super::{Mapped, Problem};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// The mapping in progress.
struct Cx<'a, 'b> {
    ix: &'b Index<'a>,
    o: &'b Options,
    month: Map<String, Value>,
    sources: Map<String, Value>,
    problems: Vec<Problem>,
    /// `Patient/id` of the Bundle's patient, once known.
    patient: Option<String>,
}

impl Cx<'_, '_> {
    fn problem(&mut self, path: String, severity: &'static str, message: &str) {
        self.problems.push(Problem { path, severity, message: message.to_string() });
    }
    fn source(&mut self, path: &str, from: String) {
        self.sources.insert(path.to_string(), Value::String(from));
    }
    /// The resource is about the Bundle's patient (or names no patient).
    fn ours(&mut self, e: &Entry, field: &str) -> bool {
        let (Some(p), Some(r)) = (&self.patient, e.get(field)["reference"].as_str()) else { return true };
        let ok = r == p || r.ends_with(&format!("/{p}")) || self.ix.resolve(e.get(field)).is_some_and(|x| x.label() == *p);
        if !ok {
            self.problem(e.path(field), "warning", "the resource is about another patient; left out");
        }
        ok
    }
}

/// A practitioner as the month names them: the NPI (else the reference), the name, the role.
struct Who {
    id: String,
    name: Option<String>,
    role: Option<String>,
}

/// Who a reference (to a Practitioner or a PractitionerRole) names.
fn who(cx: &Cx, reference: &Value) -> Option<Who> {
    let text = reference["reference"].as_str();
    let by_identifier = || reference["identifier"]["value"].as_str().filter(|_| reference["identifier"]["system"] == super::options::NPI);
    let Some(e) = cx.ix.resolve(reference) else {
        let id = by_identifier().or(text)?.to_string();
        let role = (id == cx.o.billing_npi).then(|| "billing_practitioner".to_string());
        return Some(Who { id, name: None, role });
    };
    let (practitioner, role_codes) = match e.kind {
        "PractitionerRole" => (cx.ix.resolve(e.get("practitioner")), codings(e.get("code"))),
        "Practitioner" => (Some(e), Vec::new()),
        _ => (None, Vec::new()),
    };
    let npi = practitioner.and_then(|p| bundle::npi(p.resource)).or_else(by_identifier);
    let id = npi.map(str::to_string).or_else(|| practitioner.map(|p| p.label())).unwrap_or_else(|| e.label());
    let role = if id == cx.o.billing_npi {
        Some("billing_practitioner".to_string())
    } else {
        role_codes.iter().find_map(|(s, c)| Options::lookup(&cx.o.role_codes, s, c)).map(str::to_string)
    };
    Some(Who { id, name: practitioner.and_then(|p| bundle::name(p.resource)), role })
}

/// The Bundle's month.
pub fn month(ix: &Index, o: &Options) -> Mapped {
    let mut cx = Cx { ix, o, month: Map::new(), sources: Map::new(), problems: Vec::new(), patient: None };
    cx.month.insert("serviceMonth".into(), json!(o.service_month));
    cx.source("serviceMonth", "options".into());
    if let Some(a) = &o.as_of {
        cx.month.insert("asOf".into(), json!(a));
        cx.source("asOf", "options".into());
    }
    cx.month.insert("billingPractitioner".into(), Value::Object(o.billing.clone()));
    cx.source("billingPractitioner", "options".into());
    patient(&mut cx);
    conditions(&mut cx);
    consent(&mut cx);
    care_plan(&mut cx);
    visits(&mut cx);
    time_entries(&mut cx);
    other_services(&mut cx);
    overrides(&mut cx);
    Mapped { month: Value::Object(cx.month), sources: cx.sources, problems: cx.problems }
}

fn patient(cx: &mut Cx) {
    let patients: Vec<Entry> = cx.ix.of("Patient").collect();
    match patients.as_slice() {
        [] => cx.problem("Bundle.entry".into(), "warning", "the Bundle has no Patient; patient.ref is left out"),
        [first, rest @ ..] => {
            for p in rest {
                cx.problem(p.path(""), "error", "the Bundle holds more than one Patient; only the first one's resources are read");
            }
            let label = first.label();
            cx.month.insert("patient".into(), json!({ "ref": label }));
            cx.source("patient", label.clone());
            cx.patient = Some(label);
        }
    }
}

/// Conditions with an ICD-10-CM coding, active, not refuted (US Core Condition).
fn conditions(cx: &mut Cx) {
    let mut out = Vec::new();
    for e in cx.ix.of("Condition").collect::<Vec<_>>() {
        if !cx.ours(&e, "subject") {
            continue;
        }
        let verification = bundle::codes(e.get("verificationStatus"));
        if verification.iter().any(|c| *c == "refuted" || *c == "entered-in-error") {
            cx.problem(e.path("verificationStatus"), "info", "refuted or entered in error; left out");
            continue;
        }
        let clinical = bundle::codes(e.get("clinicalStatus"));
        if !clinical.is_empty() && !clinical.iter().any(|c| matches!(*c, "active" | "recurrence" | "relapse")) {
            cx.problem(e.path("clinicalStatus"), "info", "not active (inactive, remission or resolved); left out");
            continue;
        }
        let Some((_, code)) = codings(e.get("code")).into_iter().find(|(s, _)| *s == ICD10CM) else {
            cx.problem(e.path("code.coding"), "warning", "no ICD-10-CM coding (system http://hl7.org/fhir/sid/icd-10-cm); left out");
            continue;
        };
        let mut c = json!({ "code": code });
        for (flag, name) in [("chronic", "condition-chronic"), ("significantRisk", "condition-significant-risk"), ("pcmFocus", "condition-pcm-focus")] {
            if let Some(b) = extension(e.resource, &cx.o.extension(name)).and_then(|x| x["valueBoolean"].as_bool()) {
                c[flag] = json!(b);
            }
        }
        cx.source(&format!("conditions[{}]", out.len()), e.label());
        out.push(c);
    }
    cx.month.insert("conditions".into(), Value::Array(out));
}

/// Which Consent is the care-management consent.
pub(super) enum ConsentChoice<'a> {
    /// The last one whose category marks it care-management.
    Tagged(Entry<'a>),
    /// None is marked, and the Bundle has only this one.
    Only(Entry<'a>),
    /// None is marked among several (the last named in the warning): none is read.
    Untagged(Entry<'a>),
    /// The Bundle has no Consent.
    None,
}

/// The Consent [`consent`] reads: marked with `<codeSystemBase>consent-category#care-management`,
/// else the Bundle's only one (entered-in-error ones left aside).
pub(super) fn consent_choice<'a>(ix: &Index<'a>, code_system_base: &str) -> ConsentChoice<'a> {
    let cs = format!("{code_system_base}consent-category");
    let all: Vec<Entry> = ix.of("Consent").filter(|e| e.get("status") != "entered-in-error").collect();
    let tagged = all.iter().copied().rfind(|e| codings(e.get("category")).iter().any(|(s, c)| *s == cs && *c == "care-management"));
    match (tagged, all.as_slice()) {
        (Some(e), _) => ConsentChoice::Tagged(e),
        (None, [only]) => ConsentChoice::Only(*only),
        (None, []) => ConsentChoice::None,
        (None, [.., last]) => ConsentChoice::Untagged(*last),
    }
}

/// Who a Consent names as its practitioner, in order: `provision.actor[].reference`, then `performer[]`.
pub(super) fn consent_actors<'a>(e: &Entry<'a>) -> impl Iterator<Item = &'a Value> {
    let actors = e.get("provision")["actor"].as_array().into_iter().flatten().map(|a| &a["reference"]);
    actors.chain(e.get("performer").as_array().into_iter().flatten())
}

/// The care-management consent: a Consent whose category the options name (the adapter's
/// `consent-category` code `care-management` by default), or the Bundle's only Consent.
fn consent(cx: &mut Cx) {
    let e = match consent_choice(cx.ix, &cx.o.code_system_base) {
        ConsentChoice::Tagged(e) => e,
        ConsentChoice::Only(only) => {
            cx.problem(only.path("category"), "warning", "the only Consent in the Bundle is read as the care-management consent (no category marks it)");
            only
        }
        ConsentChoice::None => return,
        ConsentChoice::Untagged(last) => {
            cx.problem(last.path("category"), "warning", "no Consent is marked care-management; none is read");
            return;
        }
    };
    if !cx.ours(&e, "patient") {
        return;
    }
    let mut c = Map::new();
    match e.get("status").as_str() {
        Some("active") => {
            c.insert("status".into(), json!("accepted"));
        }
        Some("rejected") => {
            c.insert("status".into(), json!("declined"));
        }
        Some("inactive") => {
            c.insert("status".into(), json!("revoked"));
        }
        _ => cx.problem(e.path("status"), "warning", "draft or proposed: the consent has no status the engine reads"),
    }
    if let Some(d) = date(e.get("dateTime")) {
        c.insert("date".into(), json!(crate::validate::date_text(d)));
    }
    let ext = |name: &str| extension(e.resource, &cx.o.extension(name));
    let method = ext("consent-method").and_then(|x| x["valueCode"].as_str()).or_else(|| (!e.get("sourceAttachment").is_null()).then_some("written"));
    match method {
        Some(m) => {
            c.insert("method".into(), json!(m));
        }
        None => cx.problem(e.path("extension"), "warning", "no consent-method extension (verbal, written, electronic): the method is missing"),
    }
    let version = ext("consent-script-version").and_then(|x| x["valueString"].as_str())
        .or_else(|| e.get("policy").as_array().and_then(|p| p.first()).and_then(|p| p["uri"].as_str()));
    if let Some(v) = version {
        c.insert("version".into(), json!(v));
    }
    if let Some(h) = ext("consent-text-sha256").and_then(|x| x["valueString"].as_str()) {
        c.insert("textSha256".into(), json!(h));
    }
    if let Some(w) = consent_actors(&e).filter_map(|r| who(cx, r)).find(|w| !w.id.starts_with("Patient/")) {
        c.insert("practitionerId".into(), json!(w.id));
    }
    let url = cx.o.extension("consent-element");
    let elements: Vec<&str> = extensions(e.resource, &url).filter_map(|x| x["valueCode"].as_str()).collect();
    if !elements.is_empty() {
        c.insert("elements".into(), json!(elements));
    }
    let revoked = date(&e.get("provision")["period"]["end"]).or_else(|| ext("consent-revoked-on").and_then(|x| date(&x["valueDate"])));
    if let (Some("inactive"), Some(d)) = (e.get("status").as_str(), revoked) {
        c.insert("revokedOn".into(), json!(crate::validate::date_text(d)));
    }
    cx.month.insert("consent".into(), Value::Object(c));
    cx.source("consent", e.label());
}

/// When a CarePlan began: `period.start`, else `created`.
fn plan_start(e: &Entry) -> Option<NaiveDate> {
    date(&e.get("period")["start"]).or_else(|| date(e.get("created")))
}

/// The CarePlan [`care_plan`] reads: the latest active one (by [`plan_start`]), else the latest;
/// entered-in-error and revoked ones left aside; on a tie, the later in the Bundle.
pub(super) fn plan_read<'a>(ix: &Index<'a>) -> Option<Entry<'a>> {
    let mut plans: Vec<Entry> = ix.of("CarePlan").filter(|e| !matches!(e.get("status").as_str(), Some("entered-in-error" | "revoked"))).collect();
    plans.sort_by_key(|e| (e.get("status") == "active", plan_start(e)));
    plans.last().copied()
}

/// The comprehensive care plan (US Core CarePlan): the latest active one, else the latest.
fn care_plan(cx: &mut Cx) {
    let Some(e) = plan_read(cx.ix) else { return };
    if !cx.ours(&e, "subject") {
        return;
    }
    if e.get("status") != "active" {
        cx.problem(e.path("status"), "warning", "no active CarePlan; the latest one is read");
    }
    let ext = |name: &str| extension(e.resource, &cx.o.extension(name));
    let flag = |name: &str, default: &str| {
        ext(name).and_then(|x| x["valueBoolean"].as_bool()).or_else(|| cx.o.care_plan_defaults.get(default).and_then(Value::as_bool))
    };
    let mut p = Map::new();
    if let Some(d) = plan_start(&e) {
        p.insert("established".into(), json!(crate::validate::date_text(d)));
    }
    // A CarePlan resource is the plan kept electronically (CONTRACT §6.9).
    p.insert("electronic".into(), json!(true));
    for (key, name) in [("accessible24x7", "care-plan-accessible-24x7"), ("sharedWithPatient", "care-plan-shared-with-patient")] {
        match flag(name, key) {
            Some(b) => {
                p.insert(key.into(), json!(b));
            }
            None => cx.problem(e.path("extension"), "warning", &format!("no {name} extension and no options.carePlan.{key}: not known")),
        }
    }
    let author = e.get("author");
    if let Some(w) = (!author.is_null()).then(|| who(cx, author)).flatten() {
        p.insert("signedBy".into(), json!(w.id));
        if let Some(d) = ext("care-plan-signed-on").and_then(|x| date(&x["valueDate"])).or_else(|| date(e.get("created"))) {
            p.insert("signedOn".into(), json!(crate::validate::date_text(d)));
        }
    }
    let updated = date(&e.get("meta")["lastUpdated"]);
    if let Some(d) = ext("care-plan-reviewed-on").and_then(|x| date(&x["valueDate"])).or(updated) {
        p.insert("lastReviewed".into(), json!(crate::validate::date_text(d)));
    }
    let url = cx.o.extension("care-plan-revised-on");
    let mut revised: Vec<String> = extensions(e.resource, &url).filter_map(|x| date(&x["valueDate"])).map(crate::validate::date_text).collect();
    if let Some(d) = updated.filter(|d| *d <= cx.o.last) {
        let d = crate::validate::date_text(d);
        if !revised.contains(&d) {
            revised.push(d);
        }
    }
    p.insert("revisedOn".into(), json!(revised));
    if let Some(b) = ext("care-plan-disease-specific").and_then(|x| x["valueBoolean"].as_bool()) {
        p.insert("diseaseSpecific".into(), json!(b));
    }
    cx.month.insert("carePlan".into(), Value::Object(p));
    cx.source("carePlan", e.label());
}

/// A visit: when, what kind (if it can initiate CCM), by whom, and where from.
struct Visit {
    date: NaiveDate,
    kind: Option<String>,
    by: Option<String>,
    from: String,
}

/// Visits (finished Encounters of an ambulatory or home class, or with a visit code; completed
/// Procedures with a visit code): `patient.lastVisitDate` (the latest before the month) and
/// `initiatingVisit` (the latest with a visit type up to the month's end, the billing
/// practitioner's first).
fn visits(cx: &mut Cx) {
    let mut found = Vec::new();
    for e in cx.ix.entries.clone() {
        let (when, codes, people, done) = match e.kind {
            "Encounter" => (date(&e.get("period")["start"]), codings(e.get("type")), e.get("participant").as_array().into_iter().flatten().map(|p| &p["individual"]).collect::<Vec<_>>(), e.get("status") == "finished"),
            "Procedure" => (date(e.get("performedDateTime")).or_else(|| date(&e.get("performedPeriod")["start"])), codings(e.get("code")), e.get("performer").as_array().into_iter().flatten().map(|p| &p["actor"]).collect(), e.get("status") == "completed"),
            _ => continue,
        };
        let Some(when) = when.filter(|_| done) else { continue };
        let kind = codes.iter().find_map(|(s, c)| Options::lookup(&cx.o.visit_codes, s, c)).map(str::to_string);
        let ambulatory = e.kind == "Encounter" && matches!(e.get("class")["code"].as_str(), Some("AMB" | "HH" | "VR"));
        if kind.is_none() && !ambulatory {
            continue;
        }
        let by = people.into_iter().filter_map(|r| who(cx, r)).map(|w| w.id).next();
        found.push(Visit { date: when, kind, by, from: e.label() });
    }
    if let Some(v) = found.iter().filter(|v| v.date < cx.o.first).max_by_key(|v| v.date) {
        let d = crate::validate::date_text(v.date);
        let from = v.from.clone();
        if let Some(Value::Object(p)) = cx.month.get_mut("patient") {
            p.insert("lastVisitDate".into(), json!(d));
        }
        cx.source("patient.lastVisitDate", from);
    }
    let npi = cx.o.billing_npi.clone();
    let best = found.iter().filter(|v| v.kind.is_some() && v.date <= cx.o.last).max_by_key(|v| (v.by.as_deref() == Some(npi.as_str()), v.date));
    if let Some(v) = best {
        let mut iv = json!({ "date": crate::validate::date_text(v.date), "type": v.kind });
        if let Some(b) = &v.by {
            iv["practitionerId"] = json!(b);
        }
        let from = v.from.clone();
        cx.month.insert("initiatingVisit".into(), iv);
        cx.source("initiatingVisit", from);
    }
}

/// The service a resource's codes mark as care-management time, if any.
fn service_of(cx: &Cx, codes: &[(&str, &str)]) -> Option<String> {
    codes.iter().find_map(|(s, c)| Options::lookup(&cx.o.time_codes, s, c)).map(str::to_string)
}

/// What a resource that may be care-management time says about it.
pub(super) struct Timed<'a> {
    pub codes: Vec<(&'a str, &'a str)>,
    pub period: &'a Value,
    /// Completed (or under way).
    pub done: bool,
    people: Vec<&'a Value>,
    /// The element holding the period, for problem paths.
    field: &'static str,
    /// The element naming the patient.
    subject: &'static str,
}

/// Procedures (performedPeriod, performer), Tasks (executionPeriod, owner) and Encounters
/// (period or length, participant); `None` for other resources.
pub(super) fn timed<'a>(e: &Entry<'a>) -> Option<Timed<'a>> {
    let status = e.get("status").as_str();
    let actors = |list: &'a Value, key: &'static str| list.as_array().into_iter().flatten().map(move |p| &p[key]).collect::<Vec<_>>();
    Some(match e.kind {
        "Procedure" => Timed { codes: codings(e.get("code")), period: e.get("performedPeriod"), done: matches!(status, Some("completed" | "in-progress")),
            people: actors(e.get("performer"), "actor"), field: "performedPeriod", subject: "subject" },
        "Task" => Timed { codes: codings(e.get("code")), period: e.get("executionPeriod"), done: matches!(status, Some("completed" | "in-progress")),
            people: vec![e.get("owner")], field: "executionPeriod", subject: "for" },
        "Encounter" => Timed { codes: codings(e.get("type")).into_iter().chain(codings(e.get("serviceType"))).collect(), period: e.get("period"),
            done: matches!(status, Some("finished" | "in-progress")), people: actors(e.get("participant"), "individual"), field: "period", subject: "subject" },
        _ => return None,
    })
}

/// Time entries: the resources of [`timed`] whose code marks care-management time.
fn time_entries(cx: &mut Cx) {
    let mut out = Vec::new();
    for e in cx.ix.entries.clone() {
        let Some(t) = timed(&e) else { continue };
        let Some(service) = service_of(cx, &t.codes) else {
            note_unread_time(cx, &e, &t);
            continue;
        };
        if !t.done {
            cx.problem(e.path("status"), "info", "not done (status): not read as time");
            continue;
        }
        if !cx.ours(&e, t.subject) {
            continue;
        }
        if let Some(entry) = time_entry(cx, &e, &t, &service) {
            cx.source(&format!("timeEntries[{}]", out.len()), e.label());
            out.push(entry);
        }
    }
    cx.month.insert("timeEntries".into(), Value::Array(out));
}

/// A completed Procedure or Task of the month that no map names (not a time code, a visit code
/// or a billing code, e.g. a local code for "care coordination"): said, so that the page can tell
/// why its minutes are not counted, rather than dropped in silence. Encounters are left alone
/// (most are visits, read by [`visits`]).
fn note_unread_time(cx: &mut Cx, e: &Entry, t: &Timed) {
    let in_month = date(&t.period["start"]).or_else(|| date(e.get("performedDateTime"))).is_some_and(|d| cx.o.first <= d && d <= cx.o.last);
    let known = t.codes.iter().any(|(s, c)| Options::lookup(&cx.o.visit_codes, s, c).is_some()) || billing_code(&t.codes).is_some();
    if e.kind != "Encounter" && t.done && in_month && !known && cx.ours(e, t.subject) {
        cx.problem(e.path("code"), "info", "a completed resource of the month whose code no map names as care-management time (options.timeCodes): not read as time");
    }
}

/// What the time was spent on: a Procedure's `note`s, a Task's `note`s or `description`, an
/// Encounter's `reasonCode` texts (R4 Encounter has no note).
fn narrative_of(e: &Entry) -> Option<String> {
    let texts = |list: &Value| list.as_array().into_iter().flatten().filter_map(|n| n["text"].as_str()).collect::<Vec<_>>().join(" ");
    let notes = if e.kind == "Encounter" { texts(e.get("reasonCode")) } else { texts(e.get("note")) };
    if notes.is_empty() { e.get("description").as_str().map(str::to_string) } else { Some(notes) }
}

/// One time entry: start and end (or a date and minutes), the performer, the narrative.
fn time_entry(cx: &mut Cx, e: &Entry, t: &Timed, service: &str) -> Option<Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(e.label()));
    match (datetime(&t.period["start"]), datetime(&t.period["end"])) {
        (Some(s), Some(en)) => {
            out.insert("start".into(), json!(s));
            out.insert("end".into(), json!(en));
        }
        _ => {
            let length = e.get("length");
            let minutes = extension(e.resource, &cx.o.extension("care-management-minutes")).and_then(|x| x["valueInteger"].as_i64())
                .or_else(|| if length["unit"] == "min" { length["value"].as_f64().map(|m| m.floor() as i64) } else { None });
            let day = date(&t.period["start"]).or_else(|| date(e.get("performedDateTime")));
            let (Some(d), Some(m)) = (day, minutes) else {
                cx.problem(e.path(t.field), "warning", "no start and end with times (nor a date and minutes): not read as time");
                return None;
            };
            out.insert("date".into(), json!(crate::validate::date_text(d)));
            out.insert("minutes".into(), json!(m));
        }
    }
    match t.people.iter().filter(|r| !r.is_null()).find_map(|r| who(cx, r)) {
        Some(w) => {
            let mut p = json!({ "id": w.id });
            if let Some(n) = w.name {
                p["name"] = json!(n);
            }
            match w.role {
                Some(r) => p["role"] = json!(r),
                None => cx.problem(e.path(if e.kind == "Task" { "owner" } else { "performer" }), "warning", "the performer's role is not one the role codes map; the entry will not count"),
            }
            out.insert("performer".into(), p);
        }
        None => cx.problem(e.path("performer"), "warning", "no performer; the entry will not count"),
    }
    let narrative = narrative_of(e);
    if let Some(n) = narrative {
        out.insert("narrative".into(), json!(n));
    }
    if service != "ccm" {
        out.insert("service".into(), json!(service));
    }
    Some(Value::Object(out))
}

/// A CPT or HCPCS code among codings.
fn billing_code<'v>(codes: &[(&'v str, &'v str)]) -> Option<&'v str> {
    codes.iter().find(|(s, _)| *s == CPT || HCPCS.contains(s)).map(|(_, c)| *c)
}

/// Other services this month: Claim and ExplanationOfBenefit items with CPT/HCPCS codes, and
/// completed Procedures with one that are not care-management time.
fn other_services(cx: &mut Cx) {
    let mut out = Vec::new();
    for e in cx.ix.entries.clone() {
        match e.kind {
            "Claim" | "ExplanationOfBenefit" => {
                if matches!(e.get("status").as_str(), Some("cancelled" | "entered-in-error")) || !cx.ours(&e, "patient") {
                    continue;
                }
                let provider = e.get("provider");
                let org_tin = cx.ix.resolve(provider).filter(|p| p.kind == "Organization").and_then(|p| {
                    p.get("identifier").as_array()?.iter().find(|i| i["system"] == "urn:oid:2.16.840.1.113883.4.4").and_then(|i| i["value"].as_str())
                });
                for (k, item) in e.get("item").as_array().into_iter().flatten().enumerate() {
                    let Some(code) = billing_code(&codings(&item["productOrService"])) else { continue };
                    let day = date(&item["servicedDate"]).or_else(|| date(&item["servicedPeriod"]["start"])).or_else(|| date(&e.get("billablePeriod")["start"]));
                    let team = item["careTeamSequence"].as_array().and_then(|s| s.first()).and_then(Value::as_u64);
                    let member = team.and_then(|n| e.get("careTeam").as_array()?.iter().find(|c| c["sequence"].as_u64() == Some(n)).map(|c| &c["provider"]));
                    let by = member.or_else(|| (cx.ix.resolve(provider).map(|p| p.kind) != Some("Organization")).then_some(provider)).and_then(|r| who(cx, r));
                    let mut s = json!({ "code": code });
                    if let Some(d) = day {
                        s["date"] = json!(crate::validate::date_text(d));
                    }
                    if let Some(w) = by {
                        s["practitionerId"] = json!(w.id);
                    }
                    if let Some(t) = org_tin {
                        s["groupId"] = json!(t);
                    }
                    cx.source(&format!("otherServices[{}]", out.len()), format!("{}#item[{k}]", e.label()));
                    out.push(s);
                }
            }
            "Procedure" if e.get("status") == "completed" => {
                let codes = codings(e.get("code"));
                if service_of(cx, &codes).is_some() || !cx.ours(&e, "subject") {
                    continue;
                }
                let Some(code) = billing_code(&codes) else { continue };
                let mut s = json!({ "code": code });
                if let Some(d) = date(e.get("performedDateTime")).or_else(|| date(&e.get("performedPeriod")["start"])) {
                    s["date"] = json!(crate::validate::date_text(d));
                }
                if let Some(w) = e.get("performer").as_array().into_iter().flatten().find_map(|p| who(cx, &p["actor"])) {
                    s["practitionerId"] = json!(w.id);
                }
                cx.source(&format!("otherServices[{}]", out.len()), e.label());
                out.push(s);
            }
            _ => {}
        }
    }
    if !out.is_empty() {
        cx.month.insert("otherServices".into(), Value::Array(out));
    }
}

/// `options.month`: members set as given, over what the Bundle said (objects merged key by key).
fn overrides(cx: &mut Cx) {
    for (k, v) in cx.o.month.clone() {
        match (cx.month.get_mut(&k), v) {
            (Some(Value::Object(mine)), Value::Object(theirs)) => {
                for (kk, vv) in theirs {
                    cx.sources.insert(format!("{k}.{kk}"), json!("options"));
                    mine.insert(kk, vv);
                }
            }
            (_, v) => {
                cx.sources.insert(k.clone(), json!("options"));
                cx.month.insert(k, v);
            }
        }
    }
}
