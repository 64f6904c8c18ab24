//! JSON as the engine reads it: the [`Json`] tree (for texts read whole: custom rule packs,
//! built-in packs, consent templates), the slot protocol the month's reader fills ([`slot`]), and
//! the reader itself ([`reader`]).
//!
//! A tree is built by serde_json through [`Json`]'s visitor (serde_json also converts every
//! number, so the two readers agree on every digit); objects keep their keys in document order,
//! and [`get`] looks a key up as `JSON.parse` would keep it: the last one given wins.

pub mod reader;
pub mod slot;

pub use slot::{Fields, Fill, Key, Leaf, List, Obj, Slot, Val, MAX_STRING_CHARS};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use serde_json::Value;
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

    /// The owned `serde_json::Value` of this tree.
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

/// The members of an object, in document order.
pub type Members<'a> = [(Cow<'a, str>, Json<'a>)];

/// The value of `key` in an object's members: the last one given, as `JSON.parse` keeps it.
pub fn get<'t, 'a>(members: &'t Members<'a>, key: &str) -> Option<&'t Json<'a>> {
    members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}
