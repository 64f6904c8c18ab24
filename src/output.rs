//! Stage 8: the contract `Result` (CONTRACT §3, §4) as JSON text.
//!
//! Written by hand rather than by the types' `Serialize` derives, for speed: serde_json escapes
//! every string byte by byte, and nearly all of the text here is fixed (finding codes, messages,
//! rule ids, citations), so that scan was a fifth of an evaluation in the CLI. Here a string is
//! checked for anything needing an escape in one fast pass and copied whole; only a string that
//! does need escaping (never one of the engine's own) goes through serde_json. Numbers are written
//! by the crates serde_json writes them with (itoa, zmij), so the text is byte-for-byte what the
//! derives give: tests/doors.rs checks that over every example scenario and thousands of
//! generated months. Keys appear in the order of the struct fields, as the derives (and the
//! contract's examples) have them.

use crate::evaluation::{Alternative, ChecklistItem, ConsentSummary, Evaluation, Line, NextUnit, Payment, ProgramEntry, RulePackInfo, TimeSummary};
use crate::finding::Finding;
use crate::validate::{InputError, Issue};

/// A JSON text under construction.
pub struct Out(String);

impl Out {
    pub fn with_capacity(n: usize) -> Self {
        Out(String::with_capacity(n))
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub(crate) fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    pub(crate) fn str(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            // A string always serializes.
            self.raw(&serde_json::to_string(s).unwrap_or_default());
        } else {
            self.0.push('"');
            self.raw(s);
            self.0.push('"');
        }
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    // Numbers through the crates serde_json itself writes them with (itoa, zmij), so the digits
    // are serde_json's.
    pub(crate) fn int(&mut self, n: i64) {
        self.raw(itoa::Buffer::new().format(n));
    }

    pub(crate) fn num(&mut self, x: f64) {
        if x.is_finite() {
            self.raw(zmij::Buffer::new().format_finite(x));
        } else {
            self.raw("null");
        }
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    pub fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Self, &T)) {
        self.0.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            write(self, item);
        }
        self.0.push(']');
    }

    pub fn evaluation(&mut self, e: &Evaluation) {
        self.raw("\"engineVersion\":");
        self.str(&e.engine_version);
        self.raw(",\"rulePack\":");
        self.pack_info(&e.rule_pack);
        self.raw(",\"serviceMonth\":");
        self.str(&e.service_month);
        self.raw(",\"status\":");
        self.str(&e.status);
        self.raw(",\"track\":");
        self.opt_str(e.track.as_deref());
        self.raw(",\"lines\":");
        self.list(&e.lines, Self::line);
        self.raw(",\"supportedLines\":");
        self.list(&e.supported_lines, Self::line);
        self.raw(",\"payment\":");
        self.payment(&e.payment);
        self.raw(",\"time\":");
        self.time(&e.time);
        self.raw(",\"alternatives\":");
        self.list(&e.alternatives, Self::alternative);
        self.raw(",\"findings\":");
        self.list(&e.findings, Self::finding);
        self.raw(",\"checklist\":");
        self.list(&e.checklist, Self::checklist_item);
        self.raw(",\"consent\":");
        match &e.consent {
            Some(c) => self.consent(c),
            None => self.raw("null"),
        }
        if let Some(p) = &e.programs {
            self.raw(",\"programs\":");
            self.list(p, Self::program);
        }
        if let Some(r) = &e.recommended {
            self.raw(",\"recommended\":");
            match r {
                Some(r) => {
                    self.raw("{\"program\":");
                    self.str(&r.program);
                    self.raw(",\"allowed\":");
                    self.num(r.allowed);
                    self.raw(",\"reason\":");
                    self.str(&r.reason);
                    self.0.push('}');
                }
                None => self.raw("null"),
            }
        }
    }

    fn program(&mut self, p: &ProgramEntry) {
        self.raw("{\"program\":");
        self.str(&p.program);
        self.raw(",\"status\":");
        self.str(&p.status);
        self.raw(",\"track\":");
        self.opt_str(p.track.as_deref());
        self.raw(",\"lines\":");
        self.list(&p.lines, Self::line);
        self.raw(",\"supportedLines\":");
        self.list(&p.supported_lines, Self::line);
        self.raw(",\"allowed\":");
        self.num(p.allowed);
        self.raw(",\"coinsurance\":");
        self.num(p.coinsurance);
        self.raw(",\"blockedBy\":");
        self.list(&p.blocked_by, |o, s| o.str(s));
        self.raw(",\"nextUnit\":");
        match &p.next_unit {
            Some(n) => {
                self.raw("{\"code\":");
                self.str(&n.code);
                self.raw(",\"minutesNeeded\":");
                self.int(n.minutes_needed);
                self.0.push('}');
            }
            None => self.raw("null"),
        }
        self.raw(",\"summary\":");
        self.str(&p.summary);
        if let Some(f) = &p.findings {
            self.raw(",\"findings\":");
            self.list(f, Self::finding);
        }
        self.0.push('}');
    }

    /// A pack's identity (`rulePack` of an evaluation, `rulePacks()`), keys in the struct's order.
    pub fn pack_info(&mut self, p: &RulePackInfo) {
        self.raw("{\"id\":");
        self.str(&p.id);
        self.raw(",\"version\":");
        self.str(&p.version);
        self.raw(",\"payer\":");
        self.str(&p.payer);
        self.raw(",\"effectiveFrom\":");
        self.str(&p.effective_from);
        self.raw(",\"effectiveTo\":");
        self.opt_str(p.effective_to.as_deref());
        if let Some(status) = &p.status {
            self.raw(",\"status\":");
            self.str(status);
        }
        self.0.push('}');
    }

    fn line(&mut self, l: &Line) {
        self.raw("{\"code\":");
        self.str(&l.code);
        self.raw(",\"units\":");
        self.int(l.units);
        self.raw(",\"thresholdMetOn\":");
        self.opt_str(l.threshold_met_on.as_deref());
        self.raw(",\"allowed\":");
        self.num(l.allowed);
        self.raw(",\"coinsurance\":");
        self.num(l.coinsurance);
        self.0.push('}');
    }

    fn payment(&mut self, p: &Payment) {
        self.raw("{\"allowed\":");
        self.num(p.allowed);
        self.raw(",\"coinsurance\":");
        self.num(p.coinsurance);
        self.raw(",\"conversionFactor\":");
        self.num(p.conversion_factor);
        self.raw(",\"setting\":");
        self.str(&p.setting);
        self.raw(",\"estimate\":");
        self.bool(p.estimate);
        if let Some(l) = &p.locality {
            self.raw(",\"locality\":");
            self.str(l);
        }
        self.0.push('}');
    }

    fn time(&mut self, t: &TimeSummary) {
        self.raw("{\"staffMinutes\":");
        self.int(t.staff_minutes);
        self.raw(",\"practitionerMinutes\":");
        self.int(t.practitioner_minutes);
        self.raw(",\"excludedMinutes\":");
        self.int(t.excluded_minutes);
        self.raw(",\"nextUnit\":");
        match &t.next_unit {
            Some(n) => self.next_unit(n),
            None => self.raw("null"),
        }
        self.raw(",\"monthComplete\":");
        self.bool(t.month_complete);
        self.0.push('}');
    }

    fn next_unit(&mut self, n: &NextUnit) {
        self.raw("{\"code\":");
        self.str(&n.code);
        self.raw(",\"minutesNeeded\":");
        self.int(n.minutes_needed);
        self.raw(",\"daysLeft\":");
        self.int(n.days_left);
        self.0.push('}');
    }

    fn alternative(&mut self, a: &Alternative) {
        self.raw("{\"track\":");
        self.str(&a.track);
        self.raw(",\"lines\":");
        self.list(&a.lines, Self::line);
        self.raw(",\"allowed\":");
        self.num(a.allowed);
        self.raw(",\"blockedBy\":");
        self.list(&a.blocked_by, |o, s| o.str(s));
        self.0.push('}');
    }

    fn finding(&mut self, f: &Finding) {
        self.raw("{\"code\":");
        self.str(&f.code);
        self.raw(",\"severity\":");
        self.str(&f.severity);
        self.raw(",\"path\":");
        self.opt_str(f.path.as_deref());
        self.raw(",\"message\":");
        self.str(&f.message);
        self.raw(",\"rule\":");
        self.opt_str(f.rule.as_deref());
        self.raw(",\"source\":");
        self.opt_str(f.source.as_deref());
        self.0.push('}');
    }

    fn checklist_item(&mut self, c: &ChecklistItem) {
        self.raw("{\"item\":");
        self.str(&c.item);
        self.raw(",\"ok\":");
        self.bool(c.ok);
        self.0.push('}');
    }

    fn consent(&mut self, c: &ConsentSummary) {
        self.raw("{\"version\":");
        self.opt_str(c.version.as_deref());
        self.raw(",\"builtIn\":");
        self.bool(c.built_in);
        self.raw(",\"matchesClaim\":");
        match c.matches_claim {
            Some(b) => self.bool(b),
            None => self.raw("null"),
        }
        self.0.push('}');
    }

    pub fn error(&mut self, e: &InputError) {
        self.raw("\"code\":");
        self.str(&e.code);
        self.raw(",\"message\":");
        self.str(&e.message);
        self.raw(",\"issues\":");
        self.list(&e.issues, Self::issue);
    }

    fn issue(&mut self, i: &Issue) {
        self.raw("{\"path\":");
        self.str(&i.path);
        self.raw(",\"message\":");
        self.str(&i.message);
        self.0.push('}');
    }
}

/// Whether JSON needs an escape in `s` (a quote, a backslash or a control character), sixteen
/// bytes at a time: a plain `any` over the bytes cost eight instructions a byte, this under one.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // "Bit Twiddling Hacks": `(y - ONES) & !y & HIGH` is non-zero exactly when some byte of y is
    // zero, and `(x - n·ONES) & !x & HIGH` when some byte of x is below n (n ≤ 128).
    let flags = |x: u64| {
        let quote = x ^ (ONES * u64::from(b'"'));
        let slash = x ^ (ONES * u64::from(b'\\'));
        (x.wrapping_sub(ONES * 0x20) & !x) | (quote.wrapping_sub(ONES) & !quote) | (slash.wrapping_sub(ONES) & !slash)
    };
    // Eight bytes as a word; the last few padded with spaces (which need no escape).
    let word = |w: &[u8]| {
        let mut b = [b' '; 8];
        for (d, s) in b.iter_mut().zip(w) {
            *d = *s;
        }
        u64::from_le_bytes(b)
    };
    let mut pairs = s.chunks_exact(16);
    for p in &mut pairs {
        let (lo, hi) = p.split_at(8);
        if (flags(word(lo)) | flags(word(hi))) & HIGH != 0 {
            return true;
        }
    }
    pairs.remainder().chunks(8).any(|w| flags(word(w)) & HIGH != 0)
}

/// The contract `Result` as JSON text: `{"ok":true,"evaluation":…}` or `{"ok":false,"error":…}`.
pub fn result(r: &Result<Evaluation, InputError>) -> String {
    // A typical evaluation is 2-4 KB: one allocation instead of a chain of doublings.
    let mut out = Out::with_capacity(4096);
    match r {
        Ok(e) => {
            out.raw("{\"ok\":true,\"evaluation\":{");
            out.evaluation(e);
        }
        Err(e) => {
            out.raw("{\"ok\":false,\"error\":{");
            out.error(e);
        }
    }
    out.raw("}}");
    out.into_string()
}

#[cfg(test)]
mod tests {
    use super::needs_escape;
    use crate::validate::{InputError, Issue};

    #[test]
    fn escape_check_agrees_with_a_byte_scan() {
        let slow = |s: &[u8]| s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        // Every byte value at every position of texts of 1..=33 bytes, on plain and high backgrounds.
        for len in 1..=33 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for fill in [b'a', 0x7f, 0x80, 0xff, b' ', b'!', b'#', b'[', b']'] {
                        let mut v = vec![fill; len];
                        v[at] = b;
                        assert_eq!(needs_escape(&v), slow(&v), "{v:?}");
                    }
                }
            }
        }
        assert!(!needs_escape("https://example.org/a?b=c; ünïcode ✓".as_bytes()));
        assert!(needs_escape(b"tab\there") && needs_escape(b"0123456789abcdef\"") && !needs_escape(b""));
    }

    /// Strings that need escapes take serde_json's path: the same bytes as the derive.
    #[test]
    fn escaped_strings_match_serde() {
        let issue = |p: &str, m: &str| Issue { path: p.into(), message: m.into() };
        let e = InputError {
            code: "X\"\n".into(),
            message: "é\u{1}\\ \u{7f} ✓ \u{2028}".into(),
            issues: vec![issue("a\tb", "c\"d"), issue("", "")],
        };
        #[derive(serde::Serialize)]
        struct No<'a> {
            ok: bool,
            error: &'a InputError,
        }
        let want = serde_json::to_string(&No { ok: false, error: &e }).unwrap();
        assert_eq!(super::result(&Err(e)), want);
    }
}
