//! Stage 1a: the input as it arrives (CONTRACT §2), read leniently.
//!
//! The JSON text is parsed once by serde_json into [`Json`], a borrowed tree (strings without
//! escapes point into the text; objects are vectors of pairs), then moved field by field into the
//! typed structs below. Every leaf is a [`Val`]: absent, valid, of the wrong JSON type, or over its
//! bound. Nothing fails on a wrong type or an oversized list: the problem is recorded in place and
//! [`crate::validate`] reports all of them in one pass, with paths. Unknown fields are ignored; a key
//! given twice keeps its last value, as `JSON.parse` does.
//!
//! Why not `#[derive(Deserialize)]` on the structs: the derived visitors for this lenient shape were
//! a quarter of the wasm module's code. Why not `serde_json::Value`: it allocates every key and
//! builds a B-tree per object, which made parsing half the cost of an evaluation. One visitor
//! ([`Json`]'s) is all the parsing code there is. The whole text is bounded (2 MiB) before parsing,
//! which bounds the tree; serde_json bounds nesting at 128.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A parsed JSON value borrowing from the input text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses JSON text; only syntax (or nesting deeper than 128) can fail.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Borrows a `serde_json::Value` as a tree.
    pub fn from_value(v: &'a Value) -> Self {
        match v {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Json::Str(Cow::Borrowed(s)),
            Value::Array(a) => Json::Arr(a.iter().map(Json::from_value).collect()),
            Value::Object(o) => Json::Obj(o.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v))).collect()),
        }
    }

    /// The owned `serde_json::Value` (for a custom rule pack, which the pack validator reads).
    pub fn into_value(self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            // Whole numbers go back as integers: the pack validator reads counts with as_i64.
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::Number((n as i64).into()),
            Json::Num(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Json::Str(s) => Value::String(s.into_owned()),
            Json::Arr(a) => Value::Array(a.into_iter().map(Json::into_value).collect()),
            Json::Obj(o) => Value::Object(o.into_iter().map(|(k, v)| (k.into_owned(), v.into_value())).collect()),
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Num(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Json::Num(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        // Most objects of a month have at most eight keys: one allocation, no regrowth.
        let mut out = Vec::with_capacity(8);
        // serde_json hands keys to the same visitor, as strings.
        while let Some(key) = map.next_key::<Json<'de>>()? {
            let Json::Str(key) = key else { return Err(de::Error::custom("a key is not a string")) };
            out.push((key, map.next_value()?));
        }
        Ok(Json::Obj(out))
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// Longest string accepted anywhere (characters).
pub const MAX_STRING_CHARS: usize = 20_000;
/// Largest JSON text accepted (bytes).
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_TIME_ENTRIES: usize = 2_000;
pub const MAX_CONDITIONS: usize = 100;
pub const MAX_OTHER_SERVICES: usize = 200;
/// Small lists the contract leaves unbounded (`revisedOn`, `consent.elements`).
pub const MAX_SMALL_LIST: usize = 100;

/// One leniently read value.
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

impl<T: Leaf> Val<T> {
    /// Reads a value: `null` is absent.
    pub fn read(v: Json) -> Self {
        match v {
            Json::Null => Val::Absent,
            v => T::read(v),
        }
    }
}

/// The JSON kind of a value, as messages name it.
pub fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Num(_) => "a number",
        Json::Str(_) => "a string",
        Json::Arr(_) => "an array",
        Json::Obj(_) => "an object",
    }
}

/// What a [`Val`] can hold: read from any non-null JSON value.
pub trait Leaf: Sized {
    fn read(v: Json) -> Val<Self>;
}

impl Leaf for String {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Str(s) if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS => Val::TooLarge(s.chars().count()),
            Json::Str(s) => Val::Ok(s.into_owned()),
            v => Val::Wrong(kind_of(&v)),
        }
    }
}

impl Leaf for bool {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Bool(b) => Val::Ok(b),
            v => Val::Wrong(kind_of(&v)),
        }
    }
}

impl Leaf for f64 {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Num(n) => Val::Ok(n),
            v => Val::Wrong(kind_of(&v)),
        }
    }
}

/// A struct read from a JSON object, each field leniently.
pub trait FromMap: Sized {
    fn from_map(map: Vec<(Cow<str>, Json)>) -> Self;
}

/// A JSON object read into `T`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj<T>(pub T);

impl<T: FromMap> Leaf for Obj<T> {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Obj(m) => Val::Ok(Obj(T::from_map(m))),
            v => Val::Wrong(kind_of(&v)),
        }
    }
}

/// A JSON array of at most `N` elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List<T, const N: usize>(pub Vec<T>);

impl<T: Leaf, const N: usize> Leaf for List<Val<T>, N> {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Arr(a) if a.len() > N => Val::TooLarge(a.len()),
            Json::Arr(a) => Val::Ok(List(a.into_iter().map(Val::read).collect())),
            v => Val::Wrong(kind_of(&v)),
        }
    }
}

/// `rulePack`: a built-in id or a full pack object.
#[derive(Debug, Clone, PartialEq)]
pub enum PackRef {
    Id(String),
    Custom(Box<Value>),
}

impl Leaf for PackRef {
    fn read(v: Json) -> Val<Self> {
        match v {
            Json::Obj(_) => Val::Ok(PackRef::Custom(Box::new(v.into_value()))),
            v => match String::read(v) {
                Val::Ok(s) => Val::Ok(PackRef::Id(s)),
                Val::TooLarge(n) => Val::TooLarge(n),
                Val::Wrong(k) => Val::Wrong(k),
                Val::Absent => Val::Absent,
            },
        }
    }
}

/// Declares input structs: each field with its JSON name, all lenient, unknown fields ignored.
macro_rules! input_structs {
    ($( $(#[doc = $doc:literal])* pub struct $name:ident { $( pub $field:ident : $ty:ty = $key:literal, )* } )*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name { $( pub $field: $ty, )* }

        impl FromMap for $name {
            // One pass over the entries, moving each value out (no lookups, no copies).
            fn from_map(map: Vec<(Cow<str>, Json)>) -> Self {
                let mut out = Self::default();
                for (key, value) in map {
                    match &*key {
                        $( $key => out.$field = Val::read(value), )*
                        _ => {}
                    }
                }
                out
            }
        }
    )*};
}

pub type Str = Val<String>;
pub type Bool = Val<bool>;
pub type Num = Val<f64>;

input_structs! {
    /// One patient, one calendar month, one billing practitioner (CONTRACT §2).
    pub struct MonthInput {
        pub service_month: Str = "serviceMonth",
        pub as_of: Str = "asOf",
        pub rule_pack: Val<PackRef> = "rulePack",
        pub track: Str = "track",
        pub payment: Val<Obj<PaymentIn>> = "payment",
        pub billing_practitioner: Val<Obj<BillingIn>> = "billingPractitioner",
        pub patient: Val<Obj<PatientIn>> = "patient",
        pub conditions: Val<List<Val<Obj<ConditionIn>>, MAX_CONDITIONS>> = "conditions",
        pub consent: Val<Obj<ConsentIn>> = "consent",
        pub initiating_visit: Val<Obj<VisitIn>> = "initiatingVisit",
        pub care_plan: Val<Obj<CarePlanIn>> = "carePlan",
        pub complexity: Val<Obj<ComplexityIn>> = "complexity",
        pub supervision_attested: Bool = "supervisionAttested",
        pub time_entries: Val<List<Val<Obj<TimeEntryIn>>, MAX_TIME_ENTRIES>> = "timeEntries",
        pub other_services: Val<List<Val<Obj<OtherServiceIn>>, MAX_OTHER_SERVICES>> = "otherServices",
        pub claim: Val<Obj<ClaimIn>> = "claim",
    }

    pub struct PaymentIn {
        pub setting: Str = "setting",
        pub qualifying_apm_participant: Bool = "qualifyingApmParticipant",
        pub gpci: Val<Obj<GpciIn>> = "gpci",
    }

    pub struct GpciIn {
        pub work: Num = "work",
        pub pe: Num = "pe",
        pub mp: Num = "mp",
    }

    pub struct BillingIn {
        pub id: Str = "id",
        pub credential: Str = "credential",
        pub group_id: Str = "groupId",
    }

    pub struct PatientIn {
        pub reference: Str = "ref",
        pub new_patient: Bool = "newPatient",
        pub last_visit_date: Str = "lastVisitDate",
    }

    pub struct ConditionIn {
        pub code: Str = "code",
        pub chronic: Bool = "chronic",
        pub significant_risk: Bool = "significantRisk",
    }

    pub struct ConsentIn {
        pub status: Str = "status",
        pub date: Str = "date",
        pub method: Str = "method",
        pub version: Str = "version",
        pub text_sha256: Str = "textSha256",
        pub practitioner_id: Str = "practitionerId",
        pub elements: Val<List<Str, MAX_SMALL_LIST>> = "elements",
        pub revoked_on: Str = "revokedOn",
        pub captured_by: Val<Obj<CapturedByIn>> = "capturedBy",
    }

    pub struct CapturedByIn {
        pub name: Str = "name",
        pub role: Str = "role",
    }

    pub struct VisitIn {
        pub date: Str = "date",
        pub kind: Str = "type",
        pub practitioner_id: Str = "practitionerId",
    }

    pub struct CarePlanIn {
        pub established: Str = "established",
        pub electronic: Bool = "electronic",
        pub accessible_24x7: Bool = "accessible24x7",
        pub shared_with_patient: Bool = "sharedWithPatient",
        pub signed_by: Str = "signedBy",
        pub signed_on: Str = "signedOn",
        pub last_reviewed: Str = "lastReviewed",
        pub revised_on: Val<List<Str, MAX_SMALL_LIST>> = "revisedOn",
    }

    pub struct ComplexityIn {
        pub mdm: Str = "mdm",
    }

    pub struct TimeEntryIn {
        pub id: Str = "id",
        pub performer: Val<Obj<PerformerIn>> = "performer",
        pub start: Str = "start",
        pub end: Str = "end",
        pub date: Str = "date",
        pub minutes: Num = "minutes",
        pub narrative: Str = "narrative",
        pub service: Str = "service",
        pub patient_setting: Str = "patientSetting",
    }

    pub struct PerformerIn {
        pub name: Str = "name",
        pub role: Str = "role",
        pub id: Str = "id",
    }

    pub struct OtherServiceIn {
        pub code: Str = "code",
        pub date: Str = "date",
        pub practitioner_id: Str = "practitionerId",
        pub group_id: Str = "groupId",
    }

    pub struct ClaimIn {
        pub consent_version: Str = "consentVersion",
        pub consent_text_sha256: Str = "consentTextSha256",
    }
}

/// The top level: an object, or the wrong kind of JSON value.
pub type Root = Val<Obj<MonthInput>>;

/// Parses JSON text into the lenient input tree; only JSON syntax can fail.
pub fn parse_root(json: &str) -> Result<Root, serde_json::Error> {
    Json::parse(json).map(Root::read)
}
