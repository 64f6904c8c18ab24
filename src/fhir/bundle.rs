//! The Bundle as the mapping reads it: its entries (with their FHIR paths), looked up by type
//! and by reference (`Practitioner/123`, a `fullUrl` such as `urn:uuid:…`, or an absolute URL
//! ending in `Type/id`), and small readers for FHIR's common shapes (codings, periods, dates).

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde_json::Value;

/// Bundle types the adapter reads: a search result, a collection, or a transaction (or batch)
/// as an EHR would post it.
pub const TYPES: [&str; 4] = ["searchset", "collection", "transaction", "batch"];

/// One resource of the Bundle.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Position in `Bundle.entry`.
    pub index: usize,
    pub kind: &'a str,
    pub id: Option<&'a str>,
    /// The entry's `fullUrl` (a transaction's `urn:uuid:…`), if any.
    pub full_url: Option<&'a str>,
    pub resource: &'a Value,
}

impl<'a> Entry<'a> {
    /// `Bundle.entry[3].resource`, then `.rest`.
    pub fn path(&self, rest: &str) -> String {
        if rest.is_empty() {
            format!("Bundle.entry[{}].resource", self.index)
        } else {
            format!("Bundle.entry[{}].resource.{rest}", self.index)
        }
    }

    /// How a reference names the resource: `Procedure/abc`; without an id, the entry's `fullUrl`
    /// (a transaction's `urn:uuid:…`, which the Bundle's own references use); without either, the
    /// entry's position (which nothing outside the Bundle can resolve).
    pub fn label(&self) -> String {
        match (self.id, self.full_url) {
            (Some(id), _) => format!("{}/{id}", self.kind),
            (None, Some(url)) => url.to_string(),
            (None, None) => format!("{} (Bundle.entry[{}])", self.kind, self.index),
        }
    }

    pub fn get(&self, key: &str) -> &'a Value {
        &self.resource[key]
    }
}

/// The Bundle's entries and how to find them.
pub struct Index<'a> {
    pub entries: Vec<Entry<'a>>,
    by_ref: FxHashMap<String, usize>,
}

impl<'a> Index<'a> {
    /// Checks the Bundle's shape and indexes its resources; every problem with its path.
    pub fn read(bundle: &'a Value) -> Result<Index<'a>, Vec<(String, String)>> {
        let mut issues = Vec::new();
        if bundle["resourceType"] != "Bundle" {
            issues.push(("Bundle.resourceType".to_string(), "expected a FHIR R4 Bundle (resourceType \"Bundle\")".to_string()));
            return Err(issues);
        }
        match bundle["type"].as_str() {
            Some(t) if TYPES.contains(&t) => {}
            _ => issues.push(("Bundle.type".into(), "expected searchset, collection or transaction".into())),
        }
        let raw: &[Value] = match &bundle["entry"] {
            Value::Null => &[],
            Value::Array(a) if a.len() <= super::MAX_ENTRIES => a,
            Value::Array(a) => {
                issues.push(("Bundle.entry".into(), format!("{} entries; at most {} are read", a.len(), super::MAX_ENTRIES)));
                &[]
            }
            _ => {
                issues.push(("Bundle.entry".into(), "expected an array".into()));
                &[]
            }
        };
        let mut entries = Vec::with_capacity(raw.len());
        let mut by_ref = FxHashMap::default();
        for (i, e) in raw.iter().enumerate() {
            let r = &e["resource"];
            if r.is_null() {
                continue; // a transaction's DELETE, or a search's outcome-only entry
            }
            let Some(kind) = r["resourceType"].as_str() else {
                issues.push((format!("Bundle.entry[{i}].resource.resourceType"), "expected a resource type".into()));
                continue;
            };
            let id = r["id"].as_str().filter(|s| !s.is_empty());
            let n = entries.len();
            let full_url = e["fullUrl"].as_str().filter(|s| !s.is_empty());
            entries.push(Entry { index: i, kind, id, full_url, resource: r });
            if let Some(id) = id {
                by_ref.entry(format!("{kind}/{id}")).or_insert(n);
            }
            if let Some(url) = full_url {
                by_ref.entry(url.to_string()).or_insert(n);
            }
        }
        if issues.is_empty() { Ok(Index { entries, by_ref }) } else { Err(issues) }
    }

    /// The resources of one type, in Bundle order.
    pub fn of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = Entry<'a>> + 's {
        self.entries.iter().copied().filter(move |e| e.kind == kind)
    }

    /// The entry a reference names: `Type/id`, a `fullUrl`, or an absolute URL ending in `Type/id`.
    pub fn resolve(&self, reference: &Value) -> Option<Entry<'a>> {
        let r = reference["reference"].as_str()?;
        let key = self.by_ref.get(r).or_else(|| {
            let mut parts = r.rsplit('/');
            let (id, kind) = (parts.next()?, parts.next()?);
            self.by_ref.get(&format!("{kind}/{id}"))
        })?;
        self.entries.get(*key).copied()
    }
}

/// The codings of a CodeableConcept (or of a list of them).
pub fn codings(v: &Value) -> Vec<(&str, &str)> {
    match v {
        Value::Array(a) => a.iter().flat_map(codings_of).collect(),
        c => codings_of(c),
    }
}

fn codings_of(c: &Value) -> Vec<(&str, &str)> {
    c["coding"].as_array().into_iter().flatten().filter_map(|x| Some((x["system"].as_str()?, x["code"].as_str()?))).collect()
}

/// The codes of a CodeableConcept, whatever their system (for status concepts such as
/// `clinicalStatus`, whose code alone decides).
pub fn codes(v: &Value) -> Vec<&str> {
    v["coding"].as_array().into_iter().flatten().filter_map(|x| x["code"].as_str()).collect()
}

/// The date part of a FHIR date or dateTime (`2026-03-04`, `2026-03-04T10:00:00-05:00`).
pub fn date(v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?;
    crate::validate::parse_date(s.get(..10)?)
}

/// A FHIR dateTime with a time as the contract's RFC 3339 text, or `None` for a bare date.
pub fn datetime(v: &Value) -> Option<&str> {
    let s = v.as_str()?;
    (s.len() > 10 && crate::validate::parse_datetime(s).is_some()).then_some(s)
}

/// The value of an extension by URL, among `resource.extension`.
pub fn extension<'v>(resource: &'v Value, url: &str) -> Option<&'v Value> {
    resource["extension"].as_array()?.iter().find(|e| e["url"] == url)
}

/// Every value of a repeating extension.
pub fn extensions<'v>(resource: &'v Value, url: &'v str) -> impl Iterator<Item = &'v Value> + 'v {
    resource["extension"].as_array().into_iter().flatten().filter(move |e| e["url"] == url)
}

/// A Practitioner's NPI (its identifier with the NPI system).
pub fn npi(practitioner: &Value) -> Option<&str> {
    practitioner["identifier"].as_array()?.iter().find(|i| i["system"] == super::options::NPI).and_then(|i| i["value"].as_str())
}

/// A person's name as the contract's `performer.name` (text, or given and family).
pub fn name(person: &Value) -> Option<String> {
    let n = person["name"].as_array()?.first()?;
    if let Some(t) = n["text"].as_str() {
        return Some(t.to_string());
    }
    let given: Vec<&str> = n["given"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let family = n["family"].as_str();
    let parts: Vec<&str> = given.into_iter().chain(family).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
