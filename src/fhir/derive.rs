//! The adapter's options from a Bundle alone (issue 16): a panel file of Bundles has no one to say
//! which month and which billing practitioner each Bundle is for, so the Bundle says it.
//!
//! - The service month: the latest month of the Bundle's care-management time, i.e. a Procedure,
//!   Task or Encounter the adapter would read as time (a default time code, done or under way),
//!   dated by its period's start (a Procedure's `performedDateTime` too).
//! - The billing practitioner's NPI: the author of the CarePlan the adapter reads, else the first
//!   practitioner with an NPI its care-management Consent names, else the Bundle's only
//!   Practitioner NPI.
//! - The credential: the first qualification of the Bundle's Practitioner with that NPI coded in
//!   HL7 v2 table 0360 whose code, read as the engine reads credentials (`M.D.` is MD), is one
//!   the contract accepts ([`CREDENTIALS`]).
//!
//! The page's import dialog prefills the same in JavaScript before the FHIR module is loaded
//! (www/js/fhir-import.js `deriveOptions`); tests/js/fhir-derive.test.mjs holds the two equal on
//! every test Bundle. docs/fhir.md, "FHIR Bundles in a panel".

// INVARIANT: every index here is serde_json's `Index` on a `Value`: a missing key or element reads
// as `null`, never a panic (as in `map`).
#![allow(clippy::indexing_slicing)]

use super::bundle::{self, date, Entry, Index};
use super::map::{self, ConsentChoice};
use super::options::{self, Options, BASE, NPI};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

/// The credentials CONTRACT §2 accepts for `billingPractitioner.credential` (every built-in
/// pack's `policies.eligibleCredentials`).
pub const CREDENTIALS: [&str; 6] = ["MD", "DO", "NP", "PA", "CNS", "CNM"];

/// HL7 v2 table 0360 (degree, license, certificate), the code system US Core uses for
/// `Practitioner.qualification.code`; a version suffix (`…v2-0360|2.7`) is read too.
pub const QUALIFICATION: &str = "http://terminology.hl7.org/CodeSystem/v2-0360";

/// What a Bundle says about the options it is to be read with; `None` where it does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// `YYYY-MM`: the latest month of the Bundle's care-management time.
    pub service_month: Option<String>,
    /// The billing practitioner's NPI.
    pub npi: Option<String>,
    /// The billing practitioner's credential (one of [`CREDENTIALS`]).
    pub credential: Option<String>,
    /// Option path (`serviceMonth`, `billingPractitioner.id`, `billingPractitioner.credential`)
    /// → the resource it came from (`Task/task1`, `CarePlan/plan1`, `Practitioner/dr-lee`).
    pub sources: Map<String, Value>,
}

impl Derived {
    /// The options found, as the adapter takes them: `{ serviceMonth, billingPractitioner: { id,
    /// credential } }`, each member only when the Bundle says it.
    pub fn options(&self) -> Value {
        let mut o = Map::new();
        if let Some(m) = &self.service_month {
            o.insert("serviceMonth".into(), json!(m));
        }
        if let Some(id) = &self.npi {
            let mut b = Map::new();
            b.insert("id".into(), json!(id));
            if let Some(c) = &self.credential {
                b.insert("credential".into(), json!(c));
            }
            o.insert("billingPractitioner".into(), Value::Object(b));
        }
        Value::Object(o)
    }
}

/// The options a Bundle gives by itself (module doc).
pub(super) fn derive(ix: &Index) -> Derived {
    let mut d = Derived::default();
    if let Some((month, from)) = latest_time(ix) {
        d.service_month = Some(month);
        d.sources.insert("serviceMonth".into(), json!(from.label()));
    }
    if let Some((npi, from)) = billing_npi(ix) {
        d.sources.insert("billingPractitioner.id".into(), json!(from.label()));
        if let Some((credential, practitioner)) = credential(ix, npi) {
            d.credential = Some(credential);
            d.sources.insert("billingPractitioner.credential".into(), json!(practitioner.label()));
        }
        d.npi = Some(npi.to_string());
    }
    d
}

/// The month of the latest care-management time, and the resource it is (the first in Bundle
/// order on a tie).
fn latest_time<'a>(ix: &Index<'a>) -> Option<(String, Entry<'a>)> {
    let codes = options::default_time_codes();
    let mut best: Option<(NaiveDate, Entry)> = None;
    for e in &ix.entries {
        let Some(t) = map::timed(e) else { continue };
        if !t.done || !t.codes.iter().any(|(s, c)| Options::lookup(&codes, s, c).is_some()) {
            continue;
        }
        let Some(day) = date(&t.period["start"]).or_else(|| date(e.get("performedDateTime"))) else { continue };
        if best.map_or(true, |(b, _)| day > b) {
            best = Some((day, *e));
        }
    }
    let (day, e) = best?;
    Some((crate::validate::date_text(day).get(..7)?.to_string(), e))
}

/// The billing practitioner's NPI and the resource that names them: the CarePlan's author, the
/// Consent's practitioner, or the Bundle's only Practitioner NPI.
fn billing_npi<'a>(ix: &Index<'a>) -> Option<(&'a str, Entry<'a>)> {
    if let Some(plan) = map::plan_read(ix) {
        if let Some(npi) = npi_of(ix, plan.get("author")) {
            return Some((npi, plan));
        }
    }
    if let ConsentChoice::Tagged(consent) | ConsentChoice::Only(consent) = map::consent_choice(ix, &format!("{BASE}CodeSystem/")) {
        if let Some(npi) = map::consent_actors(&consent).find_map(|r| npi_of(ix, r)) {
            return Some((npi, consent));
        }
    }
    let mut npis = ix.of("Practitioner").filter_map(|p| bundle::npi(p.resource).filter(|n| !n.is_empty()).map(|n| (n, p)));
    let (npi, first) = npis.next()?;
    npis.all(|(n, _)| n == npi).then_some((npi, first))
}

/// The NPI a Reference names: its Practitioner's (directly or through a PractitionerRole), else
/// the Reference's own NPI identifier.
fn npi_of<'a>(ix: &Index<'a>, reference: &'a Value) -> Option<&'a str> {
    let target = ix.resolve(reference).and_then(|e| if e.kind == "PractitionerRole" { ix.resolve(e.get("practitioner")) } else { Some(e) });
    let from_resource = target.filter(|p| p.kind == "Practitioner").and_then(|p| bundle::npi(p.resource));
    let identifier = &reference["identifier"];
    let from_identifier = || identifier["value"].as_str().filter(|_| identifier["system"] == NPI);
    from_resource.or_else(from_identifier).filter(|n| !n.is_empty())
}

/// The credential of the Bundle's (first) Practitioner with this NPI, from its qualifications.
fn credential<'a>(ix: &Index<'a>, npi: &str) -> Option<(String, Entry<'a>)> {
    let p = ix.of("Practitioner").find(|p| bundle::npi(p.resource) == Some(npi))?;
    let table = |s: &str| s.strip_prefix(QUALIFICATION).is_some_and(|v| v.is_empty() || v.starts_with('|'));
    let code = p.get("qualification").as_array()?.iter()
        .flat_map(|q| q["code"]["coding"].as_array().into_iter().flatten())
        .filter(|c| c["system"].as_str().is_some_and(table))
        .filter_map(|c| c["code"].as_str())
        .map(crate::eligibility::normalize_credential)
        .find(|c| CREDENTIALS.contains(&c.as_str()))?;
    Some((code, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credentials_are_every_built_in_packs() {
        for pack in crate::pack::built_in() {
            assert_eq!(pack.policies.eligible_credentials, CREDENTIALS, "{}", pack.id);
        }
    }
}
