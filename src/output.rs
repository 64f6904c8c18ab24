//! Stage 8: the contract `Result` (CONTRACT §3, §4) as JSON text.
//!
//! Written by hand rather than by the types' `Serialize` derives, for speed: serde_json escapes
//! every string byte by byte, and nearly all of the text here is fixed (finding codes, messages,
//! rule ids, citations), so that scan was a fifth of an evaluation in the CLI. Here a string is
//! checked for anything needing an escape in one fast pass and copied whole; only a string that
//! does need escaping (never one of the engine's own) goes through serde_json. Numbers are written
//! by serde_json too, so the text is byte-for-byte what the derives give: tests/output.rs checks
//! that over every example scenario and thousands of generated months. Keys appear in the order of
//! the struct fields, as the derives (and the contract's examples) have them.

use crate::evaluate::{Alternative, ChecklistItem, ConsentSummary, Evaluation, Finding, Line, NextUnit, Payment, RulePackInfo, TimeSummary};
use crate::validate::{InputError, Issue};

/// A JSON text under construction.
pub struct Out(Vec<u8>);

impl Out {
    pub fn with_capacity(n: usize) -> Self {
        Out(Vec::with_capacity(n))
    }

    pub fn into_string(self) -> String {
        // Every byte written is from a `&str` or from serde_json: valid UTF-8, so this never fails.
        String::from_utf8(self.0).unwrap_or_default()
    }

    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn str(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            let _ = serde_json::to_writer(&mut self.0, s);
        } else {
            self.0.push(b'"');
            self.raw(s);
            self.0.push(b'"');
        }
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.raw("null"),
        }
    }

    fn int(&mut self, n: i64) {
        let _ = serde_json::to_writer(&mut self.0, &n);
    }

    fn num(&mut self, x: f64) {
        let _ = serde_json::to_writer(&mut self.0, &x);
    }

    fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    /// `"key":` — `key` is one of the literal names below (nothing to escape).
    fn key(&mut self, first: bool, key: &str) {
        if !first {
            self.0.push(b',');
        }
        self.0.push(b'"');
        self.raw(key);
        self.raw("\":");
    }

    /// `{"key":` — the first key of an object.
    fn open(&mut self, key: &str) {
        self.0.push(b'{');
        self.key(true, key);
    }

    fn list<T>(&mut self, items: &[T], mut write: impl FnMut(&mut Self, &T)) {
        self.0.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            write(self, item);
        }
        self.0.push(b']');
    }

    pub fn evaluation(&mut self, e: &Evaluation) {
        self.key(true, "engineVersion");
        self.str(&e.engine_version);
        self.key(false, "rulePack");
        self.pack_info(&e.rule_pack);
        self.key(false, "serviceMonth");
        self.str(&e.service_month);
        self.key(false, "status");
        self.str(&e.status);
        self.key(false, "track");
        self.opt_str(e.track.as_deref());
        self.key(false, "lines");
        self.list(&e.lines, Self::line);
        self.key(false, "supportedLines");
        self.list(&e.supported_lines, Self::line);
        self.key(false, "payment");
        self.payment(&e.payment);
        self.key(false, "time");
        self.time(&e.time);
        self.key(false, "alternatives");
        self.list(&e.alternatives, Self::alternative);
        self.key(false, "findings");
        self.list(&e.findings, Self::finding);
        self.key(false, "checklist");
        self.list(&e.checklist, Self::checklist_item);
        self.key(false, "consent");
        match &e.consent {
            Some(c) => self.consent(c),
            None => self.raw("null"),
        }
    }

    fn pack_info(&mut self, p: &RulePackInfo) {
        self.open("id");
        self.str(&p.id);
        self.key(false, "version");
        self.str(&p.version);
        self.key(false, "payer");
        self.str(&p.payer);
        self.key(false, "effectiveFrom");
        self.str(&p.effective_from);
        self.key(false, "effectiveTo");
        self.opt_str(p.effective_to.as_deref());
        self.0.push(b'}');
    }

    fn line(&mut self, l: &Line) {
        self.open("code");
        self.str(&l.code);
        self.key(false, "units");
        self.int(l.units);
        self.key(false, "thresholdMetOn");
        self.opt_str(l.threshold_met_on.as_deref());
        self.key(false, "allowed");
        self.num(l.allowed);
        self.key(false, "coinsurance");
        self.num(l.coinsurance);
        self.0.push(b'}');
    }

    fn payment(&mut self, p: &Payment) {
        self.open("allowed");
        self.num(p.allowed);
        self.key(false, "coinsurance");
        self.num(p.coinsurance);
        self.key(false, "conversionFactor");
        self.num(p.conversion_factor);
        self.key(false, "setting");
        self.str(&p.setting);
        self.key(false, "estimate");
        self.bool(p.estimate);
        self.0.push(b'}');
    }

    fn time(&mut self, t: &TimeSummary) {
        self.open("staffMinutes");
        self.int(t.staff_minutes);
        self.key(false, "practitionerMinutes");
        self.int(t.practitioner_minutes);
        self.key(false, "excludedMinutes");
        self.int(t.excluded_minutes);
        self.key(false, "nextUnit");
        match &t.next_unit {
            Some(n) => self.next_unit(n),
            None => self.raw("null"),
        }
        self.key(false, "monthComplete");
        self.bool(t.month_complete);
        self.0.push(b'}');
    }

    fn next_unit(&mut self, n: &NextUnit) {
        self.open("code");
        self.str(&n.code);
        self.key(false, "minutesNeeded");
        self.int(n.minutes_needed);
        self.key(false, "daysLeft");
        self.int(n.days_left);
        self.0.push(b'}');
    }

    fn alternative(&mut self, a: &Alternative) {
        self.open("track");
        self.str(&a.track);
        self.key(false, "lines");
        self.list(&a.lines, Self::line);
        self.key(false, "allowed");
        self.num(a.allowed);
        self.key(false, "blockedBy");
        self.list(&a.blocked_by, |o, s| o.str(s));
        self.0.push(b'}');
    }

    fn finding(&mut self, f: &Finding) {
        self.open("code");
        self.str(&f.code);
        self.key(false, "severity");
        self.str(&f.severity);
        self.key(false, "path");
        self.opt_str(f.path.as_deref());
        self.key(false, "message");
        self.str(&f.message);
        self.key(false, "rule");
        self.opt_str(f.rule.as_deref());
        self.key(false, "source");
        self.opt_str(f.source.as_deref());
        self.0.push(b'}');
    }

    fn checklist_item(&mut self, c: &ChecklistItem) {
        self.open("item");
        self.str(&c.item);
        self.key(false, "ok");
        self.bool(c.ok);
        self.0.push(b'}');
    }

    fn consent(&mut self, c: &ConsentSummary) {
        self.open("version");
        self.opt_str(c.version.as_deref());
        self.key(false, "builtIn");
        self.bool(c.built_in);
        self.key(false, "matchesClaim");
        match c.matches_claim {
            Some(b) => self.bool(b),
            None => self.raw("null"),
        }
        self.0.push(b'}');
    }

    pub fn error(&mut self, e: &InputError) {
        self.key(true, "code");
        self.str(&e.code);
        self.key(false, "message");
        self.str(&e.message);
        self.key(false, "issues");
        self.list(&e.issues, Self::issue);
    }

    fn issue(&mut self, i: &Issue) {
        self.open("path");
        self.str(&i.path);
        self.key(false, "message");
        self.str(&i.message);
        self.0.push(b'}');
    }
}

/// Whether JSON needs an escape in `s` (a quote, a backslash or a control character), eight
/// bytes at a time: a plain `any` over the bytes cost eight instructions a byte, this about one.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // Some byte of `x` is below `n` (exact as a yes/no for n ≤ 128; see "Bit Twiddling Hacks").
    let has_less = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let has = |x: u64, b: u8| has_less(x ^ (ONES * u64::from(b)), 1);
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if has_less(x, 0x20) || has(x, b'"') || has(x, b'\\') {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
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
        // Every byte value at every position of words of 1..=17 bytes, on plain and high backgrounds.
        for len in 1..=17 {
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
