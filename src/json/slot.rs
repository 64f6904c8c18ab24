//! The slot protocol: how the month's reader ([`super::reader`]) hands each JSON value to the
//! typed field that takes it, without building a tree. Every leaf is a [`Val`]: absent, valid, of
//! the wrong JSON type, or over its bound; a type says only which JSON kinds it takes ([`Leaf`]),
//! and a struct which keys it has ([`Fields`]). [`Fill`] fills the same slots through serde_json:
//! the reference the reader is tested against.

use super::Json;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// Longest string accepted anywhere (characters; CONTRACT §2).
pub const MAX_STRING_CHARS: usize = 20_000;

/// One leniently read value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val<T> {
    /// Missing, or JSON `null`.
    #[default]
    Absent,
    /// Present with a value this leaf takes.
    Ok(T),
    /// Present with the wrong JSON type; names what was found.
    Wrong(&'static str),
    /// A string over [`MAX_STRING_CHARS`], or a list over its bound (the length found).
    TooLarge(usize),
}

impl<T> Val<T> {
    /// The value, when present and valid.
    pub fn ok(&self) -> Option<&T> {
        match self {
            Val::Ok(v) => Some(v),
            _ => None,
        }
    }
    /// Missing or `null`.
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
    /// A value of a kind this slot does not take (`kind` names it).
    fn wrong(&mut self, kind: &'static str);
    /// A string.
    fn text(&mut self, s: Cow<'de, str>);
    /// A boolean.
    fn boolean(&mut self, b: bool);
    /// A number.
    fn number(&mut self, n: f64);
    /// An object begins; true when this slot takes one (it now holds an empty one to fill).
    fn object(&mut self) -> bool;
    /// The slot for `key` in the object begun (`None`: the key is ignored).
    /// The slot of `key` (`None`: the key is ignored).
    fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>>;
    /// True when this slot wants an object whole, as a tree (a custom rule pack).
    fn wants_tree(&self) -> bool {
        false
    }
    /// The object, whole (when [`Slot::wants_tree`]).
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
    /// A string, as this leaf takes it.
    fn text(_: Cow<'de, str>) -> Val<Self> {
        Val::Wrong("a string")
    }
    /// A boolean, as this leaf takes it.
    fn boolean(_: bool) -> Val<Self> {
        Val::Wrong("a boolean")
    }
    /// A number, as this leaf takes it.
    fn number(_: f64) -> Val<Self> {
        Val::Wrong("a number")
    }
    /// An empty value to fill from an object (`None`: objects are the wrong kind).
    fn empty_object() -> Option<Self> {
        None
    }
    /// The slot of a key of the object being filled.
    fn field(&mut self, _key: &str) -> Option<&mut dyn Slot<'de>> {
        None
    }
    /// True when objects are taken whole, as a tree.
    fn wants_tree() -> bool {
        false
    }
    /// An object, whole.
    fn tree(_: Json<'de>) -> Val<Self> {
        Val::Wrong("an object")
    }
    /// An empty value to fill from an array (`None`: arrays are the wrong kind).
    fn empty_array() -> Option<Self> {
        None
    }
    /// A fresh slot for the next element of the array being filled.
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
/// [`super::reader`], kept as the reference of its differential tests (tests/reader.rs, the
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
    /// The slot of `key` (`None`: the key is ignored).
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

