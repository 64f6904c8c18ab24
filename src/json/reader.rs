//! Stage 1a′: the JSON reader of a month (RFC 8259), filling the input's slots as it goes.
//!
//! serde_json reads everything else (rule packs, what-if scenarios, batches); a month is read
//! here because it is most of an evaluation's cost: serde_json's generic string scan and value
//! dispatch were two fifths of a month's time. This reader scans strings eight bytes at a time,
//! borrows every string without escapes from the text, and hands each value straight to the
//! [`Slot`] that takes it. It accepts exactly the texts serde_json accepts and reads the same
//! values (a number's digits are checked here and converted by serde_json); tests/reader.rs and
//! the `json_text` fuzz target hold the differential tests against serde_json.
//!
//! Recursion follows the month's shape only (an object or array a slot takes); everything else,
//! whatever its depth, is skipped by the iterative [`Reader::skip`], so no text can exhaust the
//! stack. Skipped values are checked as serde_json checks what it skips: syntax only (a number
//! out of range or a `\u` escape of a lone surrogate is an error only where the month reads it).

use super::{Json, Slot};
use std::borrow::Cow;

/// Where and why the text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes.
    pub column: usize,
    pub what: &'static str,
}

type Res<T> = Result<T, &'static str>;

struct Reader<'de> {
    text: &'de str,
    b: &'de [u8],
    i: usize,
    /// Objects and arrays being read (not skipped) around the current value.
    depth: usize,
}

/// serde_json's nesting limit: its 128th object or array, counted from the outermost, fails.
const MAX_DEPTH: usize = 128;

/// Reads `text` (one JSON value, whitespace around it) into `slot`.
pub fn read<'de>(text: &'de str, slot: &mut dyn Slot<'de>) -> Result<(), SyntaxError> {
    let mut r = Reader { text, b: text.as_bytes(), i: 0, depth: 0 };
    let done = r.value(slot).and_then(|()| {
        r.ws();
        if r.i < r.b.len() { Err("trailing characters") } else { Ok(()) }
    });
    done.map_err(|what| {
        let at = r.i.min(r.b.len());
        let before = r.b.get(..at).unwrap_or_default();
        let line_start = before.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        SyntaxError { line: 1 + before.iter().filter(|&&c| c == b'\n').count(), column: at - line_start + 1, what }
    })
}

/// An object whose keys are read and whose values are skipped.
struct Keys;

impl<'de> Slot<'de> for Keys {
    fn absent(&mut self) {}
    fn wrong(&mut self, _: &'static str) {}
    fn text(&mut self, _: Cow<'de, str>) {}
    fn boolean(&mut self, _: bool) {}
    fn number(&mut self, _: f64) {}
    fn object(&mut self) -> bool {
        true
    }
    fn field(&mut self, _: &str) -> Option<&mut dyn Slot<'de>> {
        None
    }
    fn array(&mut self) -> bool {
        false
    }
    fn element(&mut self) -> Option<&mut dyn Slot<'de>> {
        None
    }
    fn end_array(&mut self, _: usize) {}
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// High bit set in each byte of `x` that ends a plain run of a string: a quote, a backslash or
/// a control character ("Bit Twiddling Hacks"; exact as a yes/no per word).
fn stops(x: u64) -> u64 {
    let quote = x ^ (ONES * u64::from(b'"'));
    let slash = x ^ (ONES * u64::from(b'\\'));
    ((x.wrapping_sub(ONES * 0x20) & !x) | (quote.wrapping_sub(ONES) & !quote) | (slash.wrapping_sub(ONES) & !slash)) & HIGH
}

impl<'de> Reader<'de> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// After whitespace, the next byte must be `c`.
    fn expect(&mut self, c: u8, what: &'static str) -> Res<()> {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(if self.i >= self.b.len() { "EOF while parsing" } else { what })
        }
    }

    fn value(&mut self, slot: &mut dyn Slot<'de>) -> Res<()> {
        self.ws();
        match self.peek() {
            Some(b'{') if slot.wants_tree() => {
                let start = self.i;
                let nested = self.skip()?;
                // The tree's own nesting counts from where it sits, as in serde_json.
                if self.depth + nested >= MAX_DEPTH {
                    return Err("recursion limit exceeded");
                }
                // Valid by now; serde_json builds the tree (checking escapes and number ranges).
                let tree = Json::parse(&self.text[start..self.i]).map_err(|_| "invalid value")?;
                slot.tree(tree);
                Ok(())
            }
            Some(b'{') if slot.object() => self.nested(|r| r.object(slot)),
            Some(b'[') if slot.array() => self.nested(|r| r.array(slot)),
            Some(b'{') => {
                // serde_json reads the keys of an object of the wrong kind (and so rejects a
                // lone surrogate in one) and skips only their values: the same here.
                self.nested(|r| r.object(&mut Keys))?;
                slot.wrong("an object");
                Ok(())
            }
            Some(b'[') => {
                self.skip()?;
                slot.wrong("an array");
                Ok(())
            }
            Some(b'"') => {
                let s = self.string()?;
                slot.text(s);
                Ok(())
            }
            Some(b't') => self.literal("true").map(|()| slot.boolean(true)),
            Some(b'f') => self.literal("false").map(|()| slot.boolean(false)),
            Some(b'n') => self.literal("null").map(|()| slot.absent()),
            Some(b'-' | b'0'..=b'9') => self.number().map(|n| slot.number(n)),
            Some(_) => Err("expected value"),
            None => Err("EOF while parsing a value"),
        }
    }

    /// Reads an object or array one level deeper (the month's shape never nears the limit).
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Res<()>) -> Res<()> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err("recursion limit exceeded");
        }
        read(self)?;
        self.depth -= 1;
        Ok(())
    }

    fn object(&mut self, slot: &mut dyn Slot<'de>) -> Res<()> {
        self.i += 1; // {
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(if self.i >= self.b.len() { "EOF while parsing an object" } else { "key must be a string" });
            }
            let key = self.string()?;
            self.expect(b':', "expected `:`")?;
            match slot.field(&key) {
                Some(field) => self.value(field)?,
                None => {
                    self.skip()?;
                }
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(_) => return Err("expected `,` or `}`"),
                None => return Err("EOF while parsing an object"),
            }
        }
    }

    fn array(&mut self, slot: &mut dyn Slot<'de>) -> Res<()> {
        self.i += 1; // [
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            slot.end_array(0);
            return Ok(());
        }
        let mut n = 0;
        loop {
            match slot.element() {
                Some(element) => self.value(element)?,
                None => {
                    self.skip()?;
                }
            }
            n += 1;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    slot.end_array(n);
                    return Ok(());
                }
                Some(_) => return Err("expected `,` or `]`"),
                None => return Err("EOF while parsing a list"),
            }
        }
    }

    /// Skips one value, checking its syntax, with an explicit stack instead of recursion; returns
    /// how deeply its objects and arrays nest (0 for a scalar).
    fn skip(&mut self) -> Res<usize> {
        // The closing byte of each open container.
        let mut open: Vec<u8> = Vec::new();
        let mut deepest = 0;
        loop {
            // A value.
            self.ws();
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    let close = if c == b'{' { b'}' } else { b']' };
                    self.i += 1;
                    deepest = deepest.max(open.len() + 1);
                    self.ws();
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else {
                        open.push(close);
                        if close == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                _ => self.skip_scalar()?,
            }
            // Then closers and commas, until another value is due or the outermost is done.
            loop {
                let Some(&close) = open.last() else { return Ok(deepest) };
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        if close == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    Some(c) if c == close => {
                        self.i += 1;
                        open.pop();
                    }
                    Some(_) => return Err(if close == b'}' { "expected `,` or `}`" } else { "expected `,` or `]`" }),
                    None => return Err("EOF while parsing a value"),
                }
            }
        }
    }

    /// A key and its colon (inside an object being skipped).
    fn key(&mut self) -> Res<()> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(if self.i >= self.b.len() { "EOF while parsing an object" } else { "key must be a string" });
        }
        self.skip_string()?;
        self.expect(b':', "expected `:`")
    }

    /// A string, number or literal being skipped. As serde_json's own skipping: syntax only (a
    /// number out of range, or a `\u` escape of a lone surrogate, is no error here).
    fn skip_scalar(&mut self) -> Res<()> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'-' | b'0'..=b'9') => self.number_syntax().map(drop),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(_) => Err("expected value"),
            None => Err("EOF while parsing a value"),
        }
    }

    fn skip_string(&mut self) -> Res<()> {
        self.i += 1; // "
        loop {
            self.plain_run();
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(b'\\') => match self.b.get(self.i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                    Some(b'u') => {
                        self.i += 2;
                        self.hex4()?;
                    }
                    Some(_) => return Err("invalid escape"),
                    None => {
                        self.i = self.b.len();
                        return Err("EOF while parsing a string");
                    }
                },
                Some(_) => return Err("control character (\\u0000-\\u001F) found while parsing a string"),
                None => return Err("EOF while parsing a string"),
            }
        }
    }

    fn literal(&mut self, word: &'static str) -> Res<()> {
        if self.b.get(self.i..).is_some_and(|rest| rest.starts_with(word.as_bytes())) {
            self.i += word.len();
            Ok(())
        } else {
            Err("expected ident")
        }
    }

    /// A number, as an f64.
    fn number(&mut self) -> Res<f64> {
        let start = self.number_syntax()?;
        // The digits are checked; serde_json converts them (through the tree reader it already
        // has), so numbers round exactly as in the rest of the engine. Rust's own float parser
        // would add 10 KB of tables to the wasm, serde_json's `f64` visitor 14 KB of float
        // printing for its type errors.
        match Json::parse(&self.text[start..self.i]) {
            Ok(Json::Num(x)) => Ok(x),
            _ => Err("number out of range"),
        }
    }

    /// Moves past `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; returns where it began.
    fn number_syntax(&mut self) -> Res<usize> {
        let start = self.i;
        let digits = |r: &mut Self| {
            let from = r.i;
            while let Some(b'0'..=b'9') = r.peek() {
                r.i += 1;
            }
            r.i - from
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err("invalid number");
            }
        }
        Ok(start)
    }

    /// A string (at its opening quote): borrowed unless it has escapes.
    #[inline(always)]
    fn string(&mut self) -> Res<Cow<'de, str>> {
        self.i += 1; // "
        let start = self.i;
        let run = self.plain_run();
        if self.peek() == Some(b'"') {
            self.i += 1;
            // The run stops only at ASCII bytes, so it ends on a character boundary.
            return Ok(Cow::Borrowed(&self.text[start..run]));
        }
        self.string_rest(start)
    }

    /// The rest of a string whose plain run from `start` stopped at something other than its
    /// closing quote: an escape, a control character or the end of the text.
    #[cold]
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> Res<Cow<'de, str>> {
        match self.peek() {
            Some(b'\\') => {}
            Some(_) => return Err("control character (\\u0000-\\u001F) found while parsing a string"),
            None => return Err("EOF while parsing a string"),
        }
        let mut out = String::from(&self.text[start..self.i]);
        loop {
            // At a backslash.
            let Some(&e) = self.b.get(self.i + 1) else {
                self.i = self.b.len();
                return Err("EOF while parsing a string");
            };
            self.i += 2;
            out.push(match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return Err("invalid escape"),
            });
            let from = self.i;
            let run = self.plain_run();
            out.push_str(&self.text[from..run]);
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {}
                Some(_) => return Err("control character (\\u0000-\\u001F) found while parsing a string"),
                None => return Err("EOF while parsing a string"),
            }
        }
    }

    /// Moves past bytes that need no attention in a string; returns where they end (also `self.i`).
    fn plain_run(&mut self) -> usize {
        while let Some(w) = self.b.get(self.i..self.i + 8) {
            let m = stops(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
            if m != 0 {
                // The lowest flagged byte is the first stop (a borrow from a lower byte can only
                // flag bytes above a true stop).
                self.i += (m.trailing_zeros() / 8) as usize;
                return self.i;
            }
            self.i += 8;
        }
        while let Some(&c) = self.b.get(self.i) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                break;
            }
            self.i += 1;
        }
        self.i
    }

    fn hex4(&mut self) -> Res<u16> {
        let Some(h) = self.b.get(self.i..self.i + 4) else {
            self.i = self.b.len();
            return Err("EOF while parsing a string");
        };
        let mut n = 0u16;
        for &c in h {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err("invalid escape"),
            };
            n = n << 4 | u16::from(d);
        }
        self.i += 4;
        Ok(n)
    }

    /// After `\u`: one character, from one escape or a surrogate pair of two (lone surrogates are
    /// errors, as in serde_json).
    fn unicode_escape(&mut self) -> Res<char> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err("lone leading surrogate in hex escape");
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return char::from_u32(u32::from(n)).ok_or("invalid escape");
        }
        if !self.b.get(self.i..).is_some_and(|rest| rest.starts_with(b"\\u")) {
            return Err("unexpected end of hex escape");
        }
        self.i += 2;
        let low = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&low) {
            return Err("lone leading surrogate in hex escape");
        }
        char::from_u32(((u32::from(n) - 0xD800) << 10 | (u32::from(low) - 0xDC00)) + 0x1_0000).ok_or("invalid escape")
    }
}
