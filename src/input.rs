//! Stage 1a: the input as it arrives (CONTRACT §2), parsed leniently.
//!
//! Every leaf is a [`Val`]: absent, valid, of the wrong JSON type, or over its bound. Nothing here
//! fails on a wrong type or an oversized list: the problem is recorded in place and
//! [`crate::validate`] reports all of them in one pass, with paths. Only broken JSON syntax stops
//! parsing. Lists stop storing at their bound and skip the rest without allocating it, so an
//! oversized input costs no more memory than an allowed one. Unknown fields are ignored.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;

/// Longest string accepted anywhere (characters).
pub const MAX_STRING_CHARS: usize = 20_000;
/// Largest JSON text accepted (bytes).
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_TIME_ENTRIES: usize = 2_000;
pub const MAX_CONDITIONS: usize = 100;
pub const MAX_OTHER_SERVICES: usize = 200;
/// Small lists the contract leaves unbounded (`revisedOn`, `consent.elements`).
pub const MAX_SMALL_LIST: usize = 100;

/// One leniently parsed value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val<T> {
    /// Missing, or JSON `null`.
    #[default]
    Absent,
    Ok(T),
    /// Present with the wrong JSON type; names what was found.
    Wrong(&'static str),
    /// A string over [`MAX_STRING_CHARS`], or a list over its bound (the length found).
    TooLarge(usize),
}

impl<T> Val<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Val::Ok(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_absent(&self) -> bool {
        matches!(self, Val::Absent)
    }
}

impl<T> From<T> for Val<T> {
    fn from(v: T) -> Self {
        Val::Ok(v)
    }
}

fn kind_of_unexpected(u: de::Unexpected) -> &'static str {
    match u {
        de::Unexpected::Bool(_) => "a boolean",
        de::Unexpected::Str(_) => "a string",
        de::Unexpected::Map => "an object",
        de::Unexpected::Seq => "an array",
        de::Unexpected::Unit => "null",
        _ => "a number",
    }
}

/// Leaf kinds: what a [`Val`] accepts.
pub trait Leaf: Sized {
    const EXPECTED: &'static str;
    fn from_str(_: &str) -> Option<Val<Self>> {
        None
    }
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    /// Objects and arrays: parse from the map or sequence.
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        drain_map(map)?;
        Ok(None)
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Option<Val<Self>>, A::Error> {
        drain_seq(seq)?;
        Ok(None)
    }
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

impl Leaf for String {
    const EXPECTED: &'static str = "a string";
    fn from_str(s: &str) -> Option<Val<Self>> {
        if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS {
            Some(Val::TooLarge(s.chars().count()))
        } else {
            Some(Val::Ok(s.to_owned()))
        }
    }
}

impl Leaf for bool {
    const EXPECTED: &'static str = "true or false";
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

impl Leaf for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_f64(n: f64) -> Option<Self> {
        Some(n)
    }
}

struct ValVisitor<T>(PhantomData<T>);

impl<'de, T: Leaf> Visitor<'de> for ValVisitor<T> {
    type Value = Val<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Val<T>, E> {
        Ok(Val::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Val<T>, E> {
        Ok(Val::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Val<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val<T>, E> {
        Ok(T::from_bool(v).map_or(Val::Wrong(kind_of_unexpected(de::Unexpected::Bool(v))), Val::Ok))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<T>, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<T>, E> {
        self.visit_f64(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<T>, E> {
        Ok(T::from_f64(v).map_or(Val::Wrong("a number"), Val::Ok))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<T>, E> {
        Ok(T::from_str(v).unwrap_or(Val::Wrong("a string")))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Val<T>, A::Error> {
        Ok(T::from_map(map)?.map_or(Val::Wrong("an object"), Val::Ok))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Val<T>, A::Error> {
        Ok(T::from_seq(seq)?.unwrap_or(Val::Wrong("an array")))
    }
}

impl<'de, T: Leaf> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValVisitor(PhantomData))
    }
}

/// A JSON object parsed into `T` (whose fields are all lenient).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj<T>(pub T);

impl<T: for<'de> Deserialize<'de>> Leaf for Obj<T> {
    const EXPECTED: &'static str = "an object";
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|v| Some(Obj(v)))
    }
}

/// A JSON array of at most `N` elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List<T, const N: usize>(pub Vec<T>);

impl<T: for<'de> Deserialize<'de>, const N: usize> Leaf for List<T, N> {
    const EXPECTED: &'static str = "an array";
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Val<Self>>, A::Error> {
        let mut items = Vec::new();
        while items.len() < N {
            match seq.next_element::<T>()? {
                Some(v) => items.push(v),
                None => return Ok(Some(Val::Ok(List(items)))),
            }
        }
        let extra = drain_seq(seq)?;
        if extra == 0 {
            Ok(Some(Val::Ok(List(items))))
        } else {
            Ok(Some(Val::TooLarge(N + extra)))
        }
    }
}

/// `rulePack`: a built-in id or a full pack object.
#[derive(Debug, Clone, PartialEq)]
pub enum PackRef {
    Id(String),
    Custom(Box<serde_json::Value>),
}

impl Leaf for PackRef {
    const EXPECTED: &'static str = "a rule pack id or a rule pack object";
    fn from_str(s: &str) -> Option<Val<Self>> {
        Some(match String::from_str(s) {
            Some(Val::Ok(s)) => Val::Ok(PackRef::Id(s)),
            Some(Val::TooLarge(n)) => Val::TooLarge(n),
            _ => Val::Wrong("a string"),
        })
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(|v| Some(PackRef::Custom(Box::new(v))))
    }
}

pub type Str = Val<String>;
pub type Bool = Val<bool>;
pub type Num = Val<f64>;

/// One patient, one calendar month, one billing practitioner (CONTRACT §2).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MonthInput {
    pub service_month: Str,
    pub as_of: Str,
    pub rule_pack: Val<PackRef>,
    pub track: Str,
    pub payment: Val<Obj<PaymentIn>>,
    pub billing_practitioner: Val<Obj<BillingIn>>,
    pub patient: Val<Obj<PatientIn>>,
    pub conditions: Val<List<Val<Obj<ConditionIn>>, MAX_CONDITIONS>>,
    pub consent: Val<Obj<ConsentIn>>,
    pub initiating_visit: Val<Obj<VisitIn>>,
    pub care_plan: Val<Obj<CarePlanIn>>,
    pub complexity: Val<Obj<ComplexityIn>>,
    pub supervision_attested: Bool,
    pub time_entries: Val<List<Val<Obj<TimeEntryIn>>, MAX_TIME_ENTRIES>>,
    pub other_services: Val<List<Val<Obj<OtherServiceIn>>, MAX_OTHER_SERVICES>>,
    pub claim: Val<Obj<ClaimIn>>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentIn {
    pub setting: Str,
    pub qualifying_apm_participant: Bool,
    pub gpci: Val<Obj<GpciIn>>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct GpciIn {
    pub work: Num,
    pub pe: Num,
    pub mp: Num,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingIn {
    pub id: Str,
    pub credential: Str,
    pub group_id: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PatientIn {
    #[serde(rename = "ref")]
    pub reference: Str,
    pub new_patient: Bool,
    pub last_visit_date: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConditionIn {
    pub code: Str,
    pub chronic: Bool,
    pub significant_risk: Bool,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConsentIn {
    pub status: Str,
    pub date: Str,
    pub method: Str,
    pub version: Str,
    pub text_sha256: Str,
    pub practitioner_id: Str,
    pub elements: Val<List<Str, MAX_SMALL_LIST>>,
    pub revoked_on: Str,
    pub captured_by: Val<Obj<CapturedByIn>>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct CapturedByIn {
    pub name: Str,
    pub role: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VisitIn {
    pub date: Str,
    #[serde(rename = "type")]
    pub kind: Str,
    pub practitioner_id: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CarePlanIn {
    pub established: Str,
    pub electronic: Bool,
    #[serde(rename = "accessible24x7")]
    pub accessible_24x7: Bool,
    pub shared_with_patient: Bool,
    pub signed_by: Str,
    pub signed_on: Str,
    pub last_reviewed: Str,
    pub revised_on: Val<List<Str, MAX_SMALL_LIST>>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct ComplexityIn {
    pub mdm: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TimeEntryIn {
    pub id: Str,
    pub performer: Val<Obj<PerformerIn>>,
    pub start: Str,
    pub end: Str,
    pub date: Str,
    pub minutes: Num,
    pub narrative: Str,
    pub service: Str,
    pub patient_setting: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub struct PerformerIn {
    pub name: Str,
    pub role: Str,
    pub id: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OtherServiceIn {
    pub code: Str,
    pub date: Str,
    pub practitioner_id: Str,
    pub group_id: Str,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClaimIn {
    pub consent_version: Str,
    pub consent_text_sha256: Str,
}

/// The top level: an object, or the wrong kind of JSON value.
pub type Root = Val<Obj<MonthInput>>;
