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
use std::fmt;

/// A parsed JSON value borrowing from the input text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (as serde_json reads it).
    Num(f64),
    /// A string, borrowed from the text unless it had escapes.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Json<'a>>),
    /// An object's members in document order (see [`get`]).
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses JSON text; only syntax (or nesting deeper than 128) can fail.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
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

/// Whether an object's members have `key` (with any value, `null` included).
pub fn has(members: &Members, key: &str) -> bool {
    members.iter().any(|(k, _)| k == key)
}

/// Members sorted by key, each key once with its last value: the order in which a `serde_json`
/// map (and so the pack validator before it read trees) visits them.
pub fn sorted<'t, 'a>(members: &'t Members<'a>) -> Vec<(&'t str, &'t Json<'a>)> {
    // Insertion into place (objects here have tens of keys): no sort routine in the wasm for it.
    let mut out: Vec<(&str, &Json)> = Vec::with_capacity(members.len());
    for (k, v) in members {
        match out.binary_search_by(|(o, _)| (*o).cmp(k)) {
            Ok(i) => {
                if let Some(slot) = out.get_mut(i) {
                    slot.1 = v;
                }
            }
            Err(i) => out.insert(i, (k, v)),
        }
    }
    out
}

/// A whole number a JSON number holds exactly as an integer (below 9·10^15), as `serde_json`'s
/// `as_i64` reads the numbers of a tree.
pub fn whole(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

impl Json<'_> {
    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
}
