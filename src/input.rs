//! Stage 1a: the input as it arrives (CONTRACT §2), read leniently.
//!
//! The JSON text is read once, by [`crate::reader`], straight into the typed structs below:
//! strings without escapes stay borrowed from the text (`Cow`), nothing else is built. Every leaf
//! is a [`Val`]: absent, valid, of the wrong JSON type, or over its bound. Nothing fails on a wrong
//! type or an oversized list: the problem is recorded in place (the value skipped) and
//! [`crate::validate`] reports all of them in one pass, with paths. Unknown fields are ignored; a
//! key given twice keeps its last value, as `JSON.parse` does.
//!
//! The reader hands each value to a `&mut dyn` [`Slot`]; a type says only which JSON kinds it
//! takes ([`Leaf`]), and a struct which keys it has ([`Fields`], from one macro). Why not
//! `#[derive(Deserialize)]`: the derived visitors for this lenient shape were a quarter of the
//! wasm module's code. Why not a tree first (`serde_json::Value` or [`Json`]): building it, then
//! moving it into the structs, was over a third of an evaluation. The whole text is bounded
//! (2 MiB) before reading. [`Json`] remains for the texts read as trees: custom rule packs,
//! what-if scenarios, consent templates. [`Fill`] fills the same slots through serde_json: the
//! reference the reader is tested against.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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

/// A place the reader fills: one [`Val`] of a typed struct. The reader hands each JSON value to a
/// `&mut dyn Slot`; what a slot takes, and how it reports the wrong kind, is the slot's own
/// (through [`Leaf`]).
pub trait Slot<'de> {
    /// `null`, or nothing usable: the value is absent.
    fn absent(&mut self);
    fn wrong(&mut self, kind: &'static str);
    fn text(&mut self, s: Cow<'de, str>);
    fn boolean(&mut self, b: bool);
    fn number(&mut self, n: f64);
    /// An object begins; true when this slot takes one (it now holds an empty one to fill).
    fn object(&mut self) -> bool;
    /// The slot for `key` in the object begun (`None`: the key is ignored).
    fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>>;
    /// True when this slot wants an object whole, as a tree (a custom rule pack).
    fn wants_tree(&self) -> bool {
        false
    }
    fn tree(&mut self, _: Json<'de>) {}
    /// An array begins; true when this slot takes one.
    fn array(&mut self) -> bool;
    /// A fresh slot for the next element (`None`: past the bound, only counted).
    fn element(&mut self) -> Option<&mut dyn Slot<'de>>;
    /// The array ended after `n` elements.
    fn end_array(&mut self, n: usize);
}

/// What a [`Val`] can hold: which kinds of JSON value it takes, and how. Every kind not taken is
/// recorded as `Wrong` (and skipped), so no input fails here.
pub trait Leaf<'de>: Sized {
    fn text(_: Cow<'de, str>) -> Val<Self> {
        Val::Wrong("a string")
    }
    fn boolean(_: bool) -> Val<Self> {
        Val::Wrong("a boolean")
    }
    fn number(_: f64) -> Val<Self> {
        Val::Wrong("a number")
    }
    /// An empty value to fill from an object (`None`: objects are the wrong kind).
    fn empty_object() -> Option<Self> {
        None
    }
    fn field(&mut self, _key: &str) -> Option<&mut dyn Slot<'de>> {
        None
    }
    fn wants_tree() -> bool {
        false
    }
    fn tree(_: Json<'de>) -> Val<Self> {
        Val::Wrong("an object")
    }
    /// An empty value to fill from an array (`None`: arrays are the wrong kind).
    fn empty_array() -> Option<Self> {
        None
    }
    fn element(&mut self) -> Option<&mut dyn Slot<'de>> {
        None
    }
    /// The array read into `v` ended after `n` elements.
    fn end_array(_v: &mut Val<Self>, _n: usize) {}
}

impl<'de, T: Leaf<'de>> Slot<'de> for Val<T> {
    fn absent(&mut self) {
        *self = Val::Absent;
    }
    fn wrong(&mut self, kind: &'static str) {
        *self = Val::Wrong(kind);
    }
    fn text(&mut self, s: Cow<'de, str>) {
        *self = T::text(s);
    }
    fn boolean(&mut self, b: bool) {
        *self = T::boolean(b);
    }
    fn number(&mut self, n: f64) {
        *self = T::number(n);
    }
    fn object(&mut self) -> bool {
        T::empty_object().map(|t| *self = Val::Ok(t)).is_some()
    }
    fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>> {
        match self {
            Val::Ok(t) => t.field(key),
            _ => None,
        }
    }
    fn wants_tree(&self) -> bool {
        T::wants_tree()
    }
    fn tree(&mut self, tree: Json<'de>) {
        *self = T::tree(tree);
    }
    fn array(&mut self) -> bool {
        T::empty_array().map(|t| *self = Val::Ok(t)).is_some()
    }
    fn element(&mut self) -> Option<&mut dyn Slot<'de>> {
        match self {
            Val::Ok(t) => t.element(),
            _ => None,
        }
    }
    fn end_array(&mut self, n: usize) {
        T::end_array(self, n);
    }
}

/// A serde visitor that reads a JSON value into a slot: the serde_json path to the same input as
/// [`crate::reader`], kept as the reference of its differential tests (tests/reader.rs, the
/// `json_text` fuzz target).
pub struct Fill<'s, 'de>(pub &'s mut dyn Slot<'de>);

impl<'de> DeserializeSeed<'de> for Fill<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fill<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.absent();
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.absent();
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.boolean(v);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.number(v as f64);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.number(v as f64);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.number(v);
        Ok(())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.0.text(Cow::Borrowed(v));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.text(Cow::Owned(v.to_owned()));
        Ok(())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.0.text(Cow::Owned(v));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !self.0.array() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            self.0.wrong("an array");
            return Ok(());
        }
        let mut n = 0;
        loop {
            let more = match self.0.element() {
                Some(slot) => seq.next_element_seed(Fill(slot))?.is_some(),
                None => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
            n += 1;
        }
        self.0.end_array(n);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.0.wants_tree() {
            let tree = Json::deserialize(de::value::MapAccessDeserializer::new(map))?;
            self.0.tree(tree);
        } else if self.0.object() {
            while let Some(key) = map.next_key_seed(Key)? {
                match self.0.field(&key) {
                    Some(slot) => map.next_value_seed(Fill(slot))?,
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        } else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            self.0.wrong("an object");
        }
        Ok(())
    }
}

/// An object key: borrowed from the text unless it has escapes.
pub struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Leaf<'de> for Cow<'de, str> {
    fn text(s: Cow<'de, str>) -> Val<Self> {
        if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS {
            return Val::TooLarge(s.chars().count());
        }
        Val::Ok(s)
    }
}

impl Leaf<'_> for bool {
    fn boolean(b: bool) -> Val<Self> {
        Val::Ok(b)
    }
}

impl Leaf<'_> for f64 {
    fn number(n: f64) -> Val<Self> {
        Val::Ok(n)
    }
}

/// A struct read from a JSON object: the slot of each known key.
pub trait Fields<'de>: Default {
    fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>>;
}

/// A JSON object read into `T`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj<T>(pub T);

impl<'de, T: Fields<'de>> Leaf<'de> for Obj<T> {
    fn empty_object() -> Option<Self> {
        Some(Obj(T::default()))
    }
    fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>> {
        self.0.field(key)
    }
}

/// A JSON array of at most `N` elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List<T, const N: usize>(pub Vec<T>);

impl<'de, T: Leaf<'de> + 'de, const N: usize> Leaf<'de> for List<Val<T>, N> {
    fn empty_array() -> Option<Self> {
        Some(List(Vec::new()))
    }
    fn element(&mut self) -> Option<&mut dyn Slot<'de>> {
        if self.0.len() >= N {
            return None;
        }
        self.0.push(Val::Absent);
        self.0.last_mut().map(|v| v as &mut dyn Slot<'de>)
    }
    fn end_array(v: &mut Val<Self>, n: usize) {
        // Past the bound only the count matters (the issue reports the length found). Within
        // it, the slot pushed for the element that turned out not to exist goes.
        match v {
            _ if n > N => *v = Val::TooLarge(n),
            Val::Ok(list) => list.0.truncate(n),
            _ => {}
        }
    }
}

/// `rulePack`: a built-in id or a full pack object.
#[derive(Debug, Clone, PartialEq)]
pub enum PackRef<'a> {
    Id(Cow<'a, str>),
    Custom(Box<Value>),
}

impl<'de> Leaf<'de> for PackRef<'de> {
    fn text(s: Cow<'de, str>) -> Val<Self> {
        match Cow::text(s) {
            Val::Ok(s) => Val::Ok(PackRef::Id(s)),
            Val::TooLarge(n) => Val::TooLarge(n),
            Val::Wrong(k) => Val::Wrong(k),
            Val::Absent => Val::Absent,
        }
    }
    // A custom pack is read as a tree: the pack validator reads a `Value`.
    fn wants_tree() -> bool {
        true
    }
    fn tree(tree: Json<'de>) -> Val<Self> {
        Val::Ok(PackRef::Custom(Box::new(tree.into_value())))
    }
}

/// Declares input structs: each field with its JSON name, all lenient, unknown fields ignored.
macro_rules! input_structs {
    ($( $(#[doc = $doc:literal])* pub struct $name:ident $(<$lt:lifetime>)? { $( pub $field:ident : $ty:ty = $key:literal, )* } )*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name $(<$lt>)? { $( pub $field: $ty, )* }

        impl<'de> Fields<'de> for $name $(<$lt>)? {
            fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>> {
                match key {
                    $( $key => Some(&mut self.$field), )*
                    _ => None,
                }
            }
        }
    )*};
}

pub type Str<'a> = Val<Cow<'a, str>>;
pub type Bool = Val<bool>;
pub type Num = Val<f64>;

input_structs! {
    /// One patient, one calendar month, one billing practitioner (CONTRACT §2).
    pub struct MonthInput<'de> {
        pub service_month: Str<'de> = "serviceMonth",
        pub as_of: Str<'de> = "asOf",
        pub rule_pack: Val<PackRef<'de>> = "rulePack",
        pub track: Str<'de> = "track",
        pub payment: Val<Obj<PaymentIn<'de>>> = "payment",
        pub billing_practitioner: Val<Obj<BillingIn<'de>>> = "billingPractitioner",
        pub patient: Val<Obj<PatientIn<'de>>> = "patient",
        pub conditions: Val<List<Val<Obj<ConditionIn<'de>>>, MAX_CONDITIONS>> = "conditions",
        pub consent: Val<Obj<ConsentIn<'de>>> = "consent",
        pub initiating_visit: Val<Obj<VisitIn<'de>>> = "initiatingVisit",
        pub care_plan: Val<Obj<CarePlanIn<'de>>> = "carePlan",
        pub complexity: Val<Obj<ComplexityIn<'de>>> = "complexity",
        pub supervision_attested: Bool = "supervisionAttested",
        pub time_entries: Val<List<Val<Obj<TimeEntryIn<'de>>>, MAX_TIME_ENTRIES>> = "timeEntries",
        pub other_services: Val<List<Val<Obj<OtherServiceIn<'de>>>, MAX_OTHER_SERVICES>> = "otherServices",
        pub claim: Val<Obj<ClaimIn<'de>>> = "claim",
    }

    pub struct PaymentIn<'de> {
        pub setting: Str<'de> = "setting",
        pub qualifying_apm_participant: Bool = "qualifyingApmParticipant",
        pub gpci: Val<Obj<GpciIn>> = "gpci",
        pub locality: Str<'de> = "locality",
    }

    pub struct GpciIn {
        pub work: Num = "work",
        pub pe: Num = "pe",
        pub mp: Num = "mp",
    }

    pub struct BillingIn<'de> {
        pub id: Str<'de> = "id",
        pub credential: Str<'de> = "credential",
        pub group_id: Str<'de> = "groupId",
    }

    pub struct PatientIn<'de> {
        pub reference: Str<'de> = "ref",
        pub new_patient: Bool = "newPatient",
        pub last_visit_date: Str<'de> = "lastVisitDate",
        pub qmb: Bool = "qmb",
    }

    pub struct ConditionIn<'de> {
        pub code: Str<'de> = "code",
        pub chronic: Bool = "chronic",
        pub significant_risk: Bool = "significantRisk",
    }

    pub struct ConsentIn<'de> {
        pub status: Str<'de> = "status",
        pub date: Str<'de> = "date",
        pub method: Str<'de> = "method",
        pub version: Str<'de> = "version",
        pub text_sha256: Str<'de> = "textSha256",
        pub practitioner_id: Str<'de> = "practitionerId",
        pub elements: Val<List<Str<'de>, MAX_SMALL_LIST>> = "elements",
        pub revoked_on: Str<'de> = "revokedOn",
        pub captured_by: Val<Obj<CapturedByIn<'de>>> = "capturedBy",
    }

    pub struct CapturedByIn<'de> {
        pub name: Str<'de> = "name",
        pub role: Str<'de> = "role",
    }

    pub struct VisitIn<'de> {
        pub date: Str<'de> = "date",
        pub kind: Str<'de> = "type",
        pub practitioner_id: Str<'de> = "practitionerId",
    }

    pub struct CarePlanIn<'de> {
        pub established: Str<'de> = "established",
        pub electronic: Bool = "electronic",
        pub accessible_24x7: Bool = "accessible24x7",
        pub shared_with_patient: Bool = "sharedWithPatient",
        pub signed_by: Str<'de> = "signedBy",
        pub signed_on: Str<'de> = "signedOn",
        pub last_reviewed: Str<'de> = "lastReviewed",
        pub revised_on: Val<List<Str<'de>, MAX_SMALL_LIST>> = "revisedOn",
    }

    pub struct ComplexityIn<'de> {
        pub mdm: Str<'de> = "mdm",
    }

    pub struct TimeEntryIn<'de> {
        pub id: Str<'de> = "id",
        pub performer: Val<Obj<PerformerIn<'de>>> = "performer",
        pub start: Str<'de> = "start",
        pub end: Str<'de> = "end",
        pub date: Str<'de> = "date",
        pub minutes: Num = "minutes",
        pub narrative: Str<'de> = "narrative",
        pub service: Str<'de> = "service",
        pub patient_setting: Str<'de> = "patientSetting",
    }

    pub struct PerformerIn<'de> {
        pub name: Str<'de> = "name",
        pub role: Str<'de> = "role",
        pub id: Str<'de> = "id",
    }

    pub struct OtherServiceIn<'de> {
        pub code: Str<'de> = "code",
        pub date: Str<'de> = "date",
        pub practitioner_id: Str<'de> = "practitionerId",
        pub group_id: Str<'de> = "groupId",
    }

    pub struct ClaimIn<'de> {
        pub consent_version: Str<'de> = "consentVersion",
        pub consent_text_sha256: Str<'de> = "consentTextSha256",
    }
}

/// The top level: an object, or the wrong kind of JSON value.
pub type Root<'a> = Val<Obj<MonthInput<'a>>>;

/// Parses JSON text into the lenient input; only JSON syntax can fail (see [`crate::reader`]).
pub fn parse_root(json: &str) -> Result<Root<'_>, crate::reader::SyntaxError> {
    let mut root = Root::Absent;
    crate::reader::read(json, &mut root)?;
    Ok(root)
}

/// The same through serde_json and [`Fill`]: the reference the reader is tested against
/// (tests/reader.rs). Not used by the engine.
#[doc(hidden)]
pub fn parse_root_serde(json: &str) -> Result<Root<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let mut root = Root::Absent;
    Fill(&mut root).deserialize(&mut de)?;
    de.end()?;
    Ok(root)
}
