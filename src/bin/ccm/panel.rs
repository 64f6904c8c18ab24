//! `ccm panel`: a care manager's panel (many patient-months) → the worklist and the billing
//! report as CSV, streaming, with the columns and values of the page's panel (www/js/panel-core.js
//! is the other implementation of the same rules; tests/js/panel.test.mjs holds the two to the
//! same bytes, so change both together). Plain words come from the page's own
//! `www/js/words.js`, read at compile time.
//!
//! ```text
//! ccm panel [FILE|DIR|-] [--worklist PATH] [--billing PATH] [--as-of YYYY-MM-DD]
//!           [--pace A,B,C,D] [--date-of-service month-end|threshold]
//! ```
//!
//! A file is one JSON document (an array of months, a panel export, or one month) or JSON Lines
//! (one month per line, read and answered line by line: memory stays flat). A directory or a ZIP
//! archive is read file by file (`*.json`, `*.jsonl`, `*.ndjson`, recursively, sorted by path:
//! panel_files.rs). A FHIR Bundle
//! (a file, a line or an element) is one month, read by `ccm_engine::fhir::panel_month` with the
//! options the Bundle gives and `--as-of` (the page's panel worker calls the same function in the
//! FHIR wasm module). Without `--worklist`/`--billing` the worklist goes to stdout; `-` names
//! stdout.

use ccm_engine::{api, fhir};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use super::{panel_files, read_line, usage, write_failed};

// ---- words (www/js/words.js) --------------------------------------------------------------------

const WORDS_JS: &str = include_str!("../../../www/js/words.js");

/// The page's plain words: finding titles (`FINDINGS`), input errors (`INPUT_ERRORS`) and the
/// panel's own errors (`PANEL_ERRORS`), parsed from the module's text.
pub(crate) struct Words {
    findings: HashMap<String, String>,
    input: HashMap<String, String>,
    panel: HashMap<String, String>,
}

/// The lines of `export const NAME = {` … `};` in `src`.
fn object_lines<'a>(src: &'a str, name: &str) -> impl Iterator<Item = &'a str> + 'a {
    let head = format!("export const {name} = {{");
    let start = src.find(&head).map_or(src.len(), |i| i + head.len());
    src[start..].lines().skip(1).take_while(|l| l.trim_end() != "};")
}

/// A JavaScript string literal at the start of `s` (after optional spaces): its value.
fn js_string(s: &str) -> Option<String> {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut out = String::new();
    let mut chars = s[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            c if c == quote => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// `  KEY: "text",` → (KEY, text)
fn key_value(line: &str) -> Option<(String, String)> {
    let (key, rest) = line.trim().split_once(':')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(())?;
    Some((key.to_string(), js_string(rest)?))
}

impl Words {
    pub(crate) fn load() -> Words {
        Words::parse(WORDS_JS)
    }

    fn parse(src: &str) -> Words {
        let mut findings = HashMap::new();
        let mut key: Option<String> = None;
        for line in object_lines(src, "FINDINGS") {
            let t = line.trim();
            if let Some(k) = t.strip_suffix(": {") {
                key = Some(k.trim().to_string());
            } else if let (Some(k), Some(rest)) = (&key, t.strip_prefix("title:")) {
                if let Some(title) = js_string(rest) {
                    findings.insert(k.clone(), title);
                }
            }
        }
        let map = |name| object_lines(src, name).filter_map(key_value).collect();
        Words { findings, input: map("INPUT_ERRORS"), panel: map("PANEL_ERRORS") }
    }

    /// A finding code's title, or the code in lower-case words (as `words()` in panel-core.js).
    fn finding(&self, code: &str) -> String {
        self.findings.get(code).cloned().unwrap_or_else(|| code.replace('_', " ").to_lowercase())
    }
}

// ---- options ------------------------------------------------------------------------------------

pub(crate) struct Options {
    as_of: String,
    pace: [i64; 4],
    threshold_dates: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { as_of: String::new(), pace: [5, 10, 15, 20], threshold_dates: false }
    }
}

fn parse_pace(text: &str) -> Result<[i64; 4], String> {
    let bad = || "pace targets: four whole numbers separated by commas, e.g. 5,10,15,20".to_string();
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() != 4 || !parts.iter().all(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let mut pace = [0i64; 4];
    for (i, p) in parts.iter().enumerate() {
        pace[i] = p.parse().map_err(|_| bad())?;
    }
    if pace.iter().any(|x| *x > 10_000) {
        return Err("pace targets: expected four whole numbers of minutes (end of weeks 1, 2, 3 and month end)".into());
    }
    if pace.windows(2).any(|w| w[1] < w[0]) {
        return Err("pace targets: each must be at least the one before".into());
    }
    Ok(pace)
}

// ---- dates (as panel-core.js: plain calendar arithmetic on YYYY-MM-DD) --------------------------

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn num(s: &str) -> i64 {
    s.parse().unwrap_or(0)
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i64, m: i64) -> i64 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid_date(s: &str) -> bool {
    is_date(s) && (1..=12).contains(&num(&s[5..7])) && num(&s[8..10]) >= 1 && num(&s[8..10]) <= days_in(num(&s[..4]), num(&s[5..7]))
}

fn ymd(y: i64, m: i64, d: i64) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn last_day(month: &str) -> String {
    let (y, m) = (num(month.get(..4).unwrap_or("0")), num(month.get(5..7).unwrap_or("0")));
    format!("{}-{:02}", month.get(..7).unwrap_or(month), days_in(y, m))
}

fn add_months(date: &str, months: i64) -> String {
    let total = num(&date[..4]) * 12 + num(&date[5..7]) - 1 + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    ymd(y, m, num(&date[8..10]).min(days_in(y, m)))
}

fn add_days(date: &str, days: i64) -> String {
    let (mut y, mut m, mut d) = (num(&date[..4]), num(&date[5..7]), num(&date[8..10]) + days);
    while d > days_in(y, m) {
        d -= days_in(y, m);
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    ymd(y, m, d)
}

fn day_of(as_of: &str, month: &str) -> i64 {
    let end = last_day(month);
    if as_of < format!("{month}-01").as_str() {
        0
    } else if as_of > end.as_str() {
        num(&end[8..])
    } else {
        num(&as_of[8..10])
    }
}

fn days_left(as_of: &str, month: &str) -> i64 {
    num(&last_day(month)[8..]) - day_of(as_of, month)
}

fn pace_target(as_of: &str, month: &str, pace: &[i64; 4]) -> i64 {
    let day = day_of(as_of, month);
    if day >= num(&last_day(month)[8..]) {
        pace[3]
    } else if day >= 21 {
        pace[2]
    } else if day >= 14 {
        pace[1]
    } else if day >= 7 {
        pace[0]
    } else {
        0
    }
}

// ---- reading a panel file -----------------------------------------------------------------------

const EXPORT_FORMAT: &str = "ccm-panel-export/1";

/// One month of the panel: where it came from, its JSON text, its value (None: not JSON), and
/// whether it is a FHIR Bundle (read into its month when it is evaluated, with the as-of date).
pub(crate) struct Item {
    source: String,
    text: String,
    value: Option<Value>,
    fhir: bool,
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn json_trim(s: &str) -> &str {
    s.trim_matches(is_ws)
}

fn is_blank(s: &str) -> bool {
    s.chars().all(is_ws)
}

fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// The panel items of one JSON value (panel-core.js `expand`): a panel export's months, a FHIR
/// Bundle (one month, read in [`Run::item`]), else the value itself.
fn expand(value: Option<Value>, raw: &str, source: String, out: &mut Vec<Item>) {
    if let Some(Value::Object(o)) = &value {
        if o.get("format").and_then(Value::as_str) == Some(EXPORT_FORMAT) {
            if let Some(months) = o.get("months").and_then(Value::as_array) {
                for (k, m) in months.iter().enumerate() {
                    let text = serde_json::to_string(m).unwrap_or_default();
                    expand(Some(m.clone()), &text, format!("{source}#{}", k + 1), out);
                }
                return;
            }
        }
        if o.get("resourceType").and_then(Value::as_str) == Some("Bundle") {
            out.push(Item { source, text: raw.to_string(), value, fhir: true });
            return;
        }
    }
    out.push(Item { source, text: raw.to_string(), value, fhir: false });
}

/// The raw text of each element of a JSON array (the text is a valid JSON array).
fn array_elements(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = text.find('[').map_or(b.len(), |i| i + 1);
    let mut depth = 0usize;
    let mut start: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                start.get_or_insert(i);
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 1,
                        b'"' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                start.get_or_insert(i);
                depth += 1;
            }
            b']' | b'}' => {
                if depth == 0 {
                    if let Some(s) = start {
                        out.push(json_trim(&text[s..i]));
                    }
                    break;
                }
                depth -= 1;
            }
            b',' if depth == 0 => {
                out.push(json_trim(&text[start.unwrap_or(i)..i]));
                start = None;
            }
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => {
                start.get_or_insert(i);
            }
        }
        i += 1;
    }
    out
}

/// The items of a whole panel file (panel-core.js `panelItems`).
pub(crate) fn panel_items(text: &str, name: &str) -> Vec<Item> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    if is_blank(text) {
        return out;
    }
    if let Some(doc) = parse(text) {
        if let Value::Array(values) = doc {
            for (k, (raw, v)) in array_elements(text).into_iter().zip(values).enumerate() {
                expand(Some(v), raw, format!("{name}#{}", k + 1), &mut out);
            }
        } else {
            expand(Some(doc), json_trim(text), name.to_string(), &mut out);
        }
        return out;
    }
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !is_blank(line) {
            expand(parse(line), line, format!("{name}:{}", i + 1), &mut out);
        }
    }
    out
}

// ---- one month → one row ------------------------------------------------------------------------

#[derive(Clone)]
struct Line {
    code: String,
    units: i64,
    allowed: i64,
    coinsurance: i64,
    threshold_met_on: String,
}

#[derive(Default)]
struct Row {
    n: usize,
    source: String,
    ref_: String,
    service_month: String,
    as_of: String,
    status: String,
    program: String,
    track: String,
    lines: Vec<Line>,
    allowed: i64,
    supported: Vec<Line>,
    supported_allowed: i64,
    staff_minutes: Option<i64>,
    practitioner_minutes: Option<i64>,
    minutes: Option<i64>,
    next_code: String,
    minutes_to_next: Option<i64>,
    days_left: Option<i64>,
    pace_target: Option<i64>,
    pace: String,
    blocking: Vec<String>,
    blocking_words: String,
    due: Vec<String>,
    practitioner: String,
}

fn cents(v: &Value) -> i64 {
    v.as_f64().filter(|x| x.is_finite()).map_or(0, |x| (x * 100.0).round() as i64)
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn int_of(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64))
}

fn lines_of(v: Option<&Value>) -> Vec<Line> {
    v.and_then(Value::as_array).map_or_else(Vec::new, |ls| {
        ls.iter()
            .map(|l| Line {
                code: str_of(l, "code").to_string(),
                units: l.get("units").and_then(int_of).unwrap_or(0),
                allowed: l.get("allowed").map_or(0, cents),
                coinsurance: l.get("coinsurance").map_or(0, cents),
                threshold_met_on: str_of(l, "thresholdMetOn").to_string(),
            })
            .collect()
    })
}

/// Built-in packs' `policies.carePlanStaleMonths`, read once per pack.
pub(crate) struct Packs(HashMap<String, Option<i64>>);

impl Packs {
    fn stale_months(&mut self, id: &str) -> Option<i64> {
        *self.0.entry(id.to_string()).or_insert_with(|| {
            let pack: Value = api::rule_pack_json(id).and_then(|t| serde_json::from_str(&t).ok())?;
            pack.get("policies")?.get("carePlanStaleMonths").and_then(int_of)
        })
    }
}

fn is_obj(v: &Value) -> bool {
    v.is_object()
}

fn make_row(n: usize, source: &str, month: Option<&Value>, result: &Value, o: &Options, words: &Words, packs: &mut Packs) -> Row {
    let empty = Value::Object(Default::default());
    let m = month.filter(|v| is_obj(v)).unwrap_or(&empty);
    let mut row = Row {
        n,
        source: source.to_string(),
        ref_: m.get("patient").map_or("", |p| str_of(p, "ref")).to_string(),
        service_month: str_of(m, "serviceMonth").to_string(),
        status: "invalid".into(),
        ..Row::default()
    };
    if result.get("ok") != Some(&Value::Bool(true)) {
        let err = result.get("error").unwrap_or(&empty);
        let code = err.get("code").and_then(Value::as_str).unwrap_or("INVALID_INPUT");
        row.blocking = vec![code.to_string()];
        let paths: Vec<&str> = err.get("issues").and_then(Value::as_array).map_or_else(Vec::new, |is| is.iter().map(|i| str_of(i, "path")).filter(|p| !p.is_empty()).collect());
        let w = words.input.get(code).or_else(|| words.panel.get(code)).cloned().unwrap_or_else(|| words.finding(code));
        row.blocking_words = if paths.is_empty() { w } else { format!("{w} Fields: {}.", paths.join(", ")) };
        return row;
    }
    let e = &result["evaluation"];
    decision(&mut row, e, m, o);
    row.blocking_words = row.blocking.iter().map(|c| words.finding(c)).collect::<Vec<_>>().join(" ");
    row.due = due_in_30_days(m, e, &row.as_of, stale_months(m, e, packs));
    row.practitioner = m.get("billingPractitioner").map_or("", |b| str_of(b, "id")).to_string();
    row
}

/// The row's decision: the program it shows (the recommended one, else CCM), its status, track,
/// lines, minutes, next code, days left, pace, and the codes that block it.
fn decision(row: &mut Row, e: &Value, m: &Value, o: &Options) {
    row.service_month = str_of(e, "serviceMonth").to_string();
    let sm = row.service_month.clone();
    let as_of = match m.get("asOf").and_then(Value::as_str) {
        Some(a) => a.to_string(),
        None if !o.as_of.is_empty() => o.as_of.clone(),
        None => last_day(&sm),
    };
    row.as_of = as_of.clone();
    let rec = e.get("recommended").and_then(|r| r.get("program")).and_then(Value::as_str).unwrap_or("ccm");
    let p = if rec == "ccm" { None } else { e.get("programs").and_then(Value::as_array).and_then(|ps| ps.iter().find(|x| str_of(x, "program") == rec)) };
    let top = p.unwrap_or(e);
    row.program = if p.is_some() { rec.to_string() } else { "ccm".into() };
    row.status = str_of(top, "status").to_string();
    row.track = str_of(top, "track").to_string();
    row.lines = lines_of(top.get("lines"));
    row.allowed = row.lines.iter().map(|l| l.allowed).sum();
    row.supported = lines_of(top.get("supportedLines"));
    row.supported_allowed = row.supported.iter().map(|l| l.allowed).sum();
    let time = &e["time"];
    row.staff_minutes = time.get("staffMinutes").and_then(int_of);
    row.practitioner_minutes = time.get("practitionerMinutes").and_then(int_of);
    row.minutes = if row.track == "practitioner" { row.practitioner_minutes } else { row.staff_minutes };
    let next = match p {
        Some(p) => p.get("nextUnit"),
        None => time.get("nextUnit"),
    }
    .filter(|v| v.is_object());
    row.next_code = next.map_or("", |x| str_of(x, "code")).to_string();
    row.minutes_to_next = next.and_then(|x| x.get("minutesNeeded")).and_then(int_of);
    row.days_left = Some(days_left(&as_of, &sm));
    if row.program != "apcm" {
        let target = pace_target(&as_of, &sm, &o.pace);
        let minutes = row.minutes.unwrap_or(0);
        row.pace_target = Some(target);
        row.pace = if minutes >= o.pace[3] { "met" } else if minutes >= target { "on pace" } else { "behind" }.into();
    }
    row.blocking = match p {
        Some(p) => p.get("blockedBy").and_then(Value::as_array).map_or_else(Vec::new, |b| b.iter().filter_map(Value::as_str).map(str::to_string).collect()),
        None => {
            let mut codes: Vec<String> = Vec::new();
            for f in e.get("findings").and_then(Value::as_array).into_iter().flatten() {
                let code = str_of(f, "code");
                if str_of(f, "severity") == "error" && !codes.iter().any(|c| c == code) {
                    codes.push(code.to_string());
                }
            }
            codes
        }
    };
}

/// The pack's `carePlanStaleMonths`: the month's own pack object's, else the built-in pack's, else 12.
fn stale_months(m: &Value, e: &Value, packs: &mut Packs) -> i64 {
    let own = m.get("rulePack").filter(|v| is_obj(v)).map(|rp| rp.get("policies").and_then(|p| p.get("carePlanStaleMonths")).and_then(int_of));
    match own {
        Some(own) => own,
        None => packs.stale_months(e.get("rulePack").map_or("", |r| str_of(r, "id"))),
    }
    .filter(|x| *x >= 0)
    .unwrap_or(12)
}

/// What falls due within 30 days of `as_of` (panel-core.js `dueIn30Days`): consent, the
/// initiating visit, the care plan or its review.
fn due_in_30_days(m: &Value, e: &Value, as_of: &str, stale: i64) -> Vec<String> {
    let mut due = Vec::new();
    let consent = m.get("consent").filter(|v| is_obj(v));
    if consent.map_or(true, |c| str_of(c, "status") != "accepted" || !str_of(c, "revokedOn").is_empty()) {
        due.push("consent".into());
    }
    if e.get("findings").and_then(Value::as_array).into_iter().flatten().any(|f| matches!(str_of(f, "code"), "INITIATING_VISIT_REQUIRED" | "INITIATING_VISIT_TOO_OLD")) {
        due.push("initiating visit".into());
    }
    match m.get("carePlan").filter(|v| is_obj(v)) {
        None => due.push("care plan".into()),
        Some(cp) => {
            let mut dates: Vec<&str> = vec![str_of(cp, "established"), str_of(cp, "lastReviewed")];
            dates.extend(cp.get("revisedOn").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str));
            match dates.into_iter().filter(|d| is_date(d)).max() {
                None => due.push("care plan review".into()),
                Some(last) => {
                    let when = add_months(last, stale);
                    if when <= add_days(as_of, 30) {
                        due.push(format!("care plan review {when}"));
                    }
                }
            }
        }
    }
    due
}

// ---- CSV ----------------------------------------------------------------------------------------

const WORKLIST_COLUMNS: &str = "n,source,ref,serviceMonth,asOf,status,program,track,codes,allowed,supportedCodes,supportedAllowed,staffMinutes,practitionerMinutes,minutes,nextCode,minutesToNext,daysLeft,paceTarget,pace,blocking,blockingWords,dueIn30Days\n";
const BILLING_COLUMNS: &str = "n,source,ref,serviceMonth,program,code,units,allowed,coinsurance,dateOfService,renderingPractitioner\n";

fn money(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

fn opt(x: Option<i64>) -> String {
    x.map_or_else(String::new, |x| x.to_string())
}

fn codes(lines: &[Line]) -> String {
    lines.iter().map(|l| format!("{} x{}", l.code, l.units)).collect::<Vec<_>>().join("; ")
}

/// One CSV field (panel-core.js `csvField`).
fn field(s: &str, out: &mut String) {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = s.contains(['"', ',', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_line(cells: &[String], out: &mut String) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(c, out);
    }
    out.push('\n');
}

fn worklist_line(r: &Row, out: &mut String) {
    let ok = r.status != "invalid";
    let money_if = |c| if ok { money(c) } else { String::new() };
    csv_line(
        &[
            r.n.to_string(),
            r.source.clone(),
            r.ref_.clone(),
            r.service_month.clone(),
            r.as_of.clone(),
            r.status.clone(),
            r.program.clone(),
            r.track.clone(),
            codes(&r.lines),
            money_if(r.allowed),
            codes(&r.supported),
            money_if(r.supported_allowed),
            opt(r.staff_minutes),
            opt(r.practitioner_minutes),
            opt(r.minutes),
            r.next_code.clone(),
            opt(r.minutes_to_next),
            opt(r.days_left),
            opt(r.pace_target),
            r.pace.clone(),
            r.blocking.join("; "),
            r.blocking_words.clone(),
            r.due.join("; "),
        ],
        out,
    );
}

fn billing_lines(r: &Row, o: &Options, out: &mut String) {
    if r.status != "billable" {
        return;
    }
    let end = last_day(&r.service_month);
    for l in &r.lines {
        let dos = if o.threshold_dates && !l.threshold_met_on.is_empty() { l.threshold_met_on.clone() } else { end.clone() };
        csv_line(
            &[
                r.n.to_string(),
                r.source.clone(),
                r.ref_.clone(),
                r.service_month.clone(),
                r.program.clone(),
                l.code.clone(),
                l.units.to_string(),
                money(l.allowed),
                money(l.coinsurance),
                dos,
                r.practitioner.clone(),
            ],
            out,
        );
    }
}

/// The month's text with `asOf` added as its last key (panel-core.js `withAsOf`).
fn with_as_of(text: &str, value: &Value, as_of: &str) -> String {
    let t = json_trim(text);
    let body = &t[..t.rfind('}').unwrap_or(t.len())];
    let sep = if value.as_object().is_some_and(|o| o.is_empty()) { "" } else { "," };
    format!("{body}{sep}\"asOf\":\"{as_of}\"}}")
}

// ---- the run ------------------------------------------------------------------------------------

struct Sink {
    worklist: Option<Box<dyn Write>>,
    billing: Option<Box<dyn Write>>,
    buf: String,
}

pub(crate) struct Run {
    o: Options,
    words: Words,
    packs: Packs,
    n: usize,
    any_invalid: bool,
    sink: Sink,
}

impl Run {
    fn item(&mut self, item: Item) -> io::Result<()> {
        self.n += 1;
        let Item { source, mut text, mut value, fhir: bundle } = item;
        // A Bundle becomes its month (with the as-of date), or its row says why it cannot.
        let mut refused = None;
        if bundle {
            match fhir::panel_month(&text, Some(self.o.as_of.as_str()).filter(|a| !a.is_empty())) {
                Ok(m) => {
                    text = serde_json::to_string(&m.month).unwrap_or_default();
                    value = Some(m.month);
                }
                Err(e) => refused = Some(api::result_json(&Err(e))),
            }
        }
        if let Some(v) = &value {
            if !self.o.as_of.is_empty() && is_obj(v) && v.get("asOf").map_or(true, Value::is_null) {
                text = with_as_of(&text, v, &self.o.as_of);
            }
        }
        let result: Value = serde_json::from_str(&refused.unwrap_or_else(|| api::evaluate_json(&text))).unwrap_or(Value::Null);
        let row = make_row(self.n, &source, value.as_ref(), &result, &self.o, &self.words, &mut self.packs);
        self.any_invalid |= row.status == "invalid";
        let s = &mut self.sink;
        if let Some(w) = s.worklist.as_mut() {
            s.buf.clear();
            worklist_line(&row, &mut s.buf);
            w.write_all(s.buf.as_bytes())?;
        }
        if let Some(w) = s.billing.as_mut() {
            s.buf.clear();
            billing_lines(&row, &self.o, &mut s.buf);
            w.write_all(s.buf.as_bytes())?;
        }
        Ok(())
    }

    fn items(&mut self, items: Vec<Item>) -> io::Result<()> {
        items.into_iter().try_for_each(|i| self.item(i))
    }
}

/// Reads one panel file from `r` and answers each month as it is read. JSON Lines stream; a
/// single JSON document (an array, an export, one month) is read whole. The choice is the one
/// panel-core.js makes by parsing the whole text: a first non-blank line that is JSON by itself
/// and followed by another non-blank line means JSON Lines.
fn stream(run: &mut Run, r: &mut dyn BufRead, name: &str) -> Result<(), ReadOrWrite> {
    let mut buf = Vec::new();
    let mut head = String::new(); // the text read so far, while undecided
    let mut line_no = 0usize;
    let mut first: Option<(usize, String)> = None;
    loop {
        buf.clear();
        if read_line(r, &mut buf, usize::MAX).map_err(ReadOrWrite::Read)? == 0 {
            // The end, still undecided: one document (or nothing, or one line that is not JSON).
            return run.items(panel_items(&head, name)).map_err(ReadOrWrite::Write);
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let text = if line_no == 1 { text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text) } else { text };
        head.push_str(&text);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if is_blank(line) {
            continue;
        }
        match &first {
            None if parse(line).is_some() => first = Some((line_no, line.to_string())),
            None => {
                // Not JSON by itself: the file is one multi-line document, or JSON Lines with a
                // broken first line; read the rest and decide on the whole, as the page does.
                let mut rest = Vec::new();
                r.read_to_end(&mut rest).map_err(ReadOrWrite::Read)?;
                head.push_str(&String::from_utf8_lossy(&rest));
                return run.items(panel_items(&head, name)).map_err(ReadOrWrite::Write);
            }
            Some((k, l)) => {
                let mut items = Vec::new();
                expand(parse(l), l, format!("{name}:{k}"), &mut items);
                expand(parse(line), line, format!("{name}:{line_no}"), &mut items);
                run.items(items).map_err(ReadOrWrite::Write)?;
                break;
            }
        }
    }
    drop(head);
    loop {
        buf.clear();
        if read_line(r, &mut buf, usize::MAX).map_err(ReadOrWrite::Read)? == 0 {
            return Ok(());
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&buf);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if is_blank(line) {
            continue;
        }
        let mut items = Vec::new();
        expand(parse(line), line, format!("{name}:{line_no}"), &mut items);
        run.items(items).map_err(ReadOrWrite::Write)?;
    }
}

enum ReadOrWrite {
    Read(io::Error),
    Write(io::Error),
    /// An input that is not what it claims to be (a damaged archive), with what is wrong.
    Unreadable(String),
}

/// Reads a ZIP archive of panel files from `r` (whole: an archive's directory is at its end) and
/// answers its months file by file, as the page reads a `.zip`.
fn read_zip(run: &mut Run, r: &mut dyn BufRead, name: &str) -> Result<(), ReadOrWrite> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(ReadOrWrite::Read)?;
    let files = panel_files::zip_files(bytes).map_err(|e| ReadOrWrite::Unreadable(format!("{name}: {e}")))?;
    if files.is_empty() {
        return Err(ReadOrWrite::Unreadable(format!("{name}: no .json, .jsonl or .ndjson file in the archive")));
    }
    files.into_iter().try_for_each(|(rel, content)| run.items(panel_items(&String::from_utf8_lossy(&content), &rel)).map_err(ReadOrWrite::Write))
}

fn create(path: &str) -> io::Result<Box<dyn Write>> {
    Ok(if path == "-" { Box::new(BufWriter::with_capacity(1 << 16, io::stdout())) } else { Box::new(BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?)) })
}

/// The options, the input path and the two report paths from the command line (a usage error
/// is the exit already given).
#[allow(clippy::type_complexity)]
fn arguments<'a>(args: &[&'a str]) -> Result<(Options, Option<&'a str>, Option<&'a str>, Option<&'a str>), ExitCode> {
    let mut o = Options::default();
    let mut input: Option<&str> = None;
    let (mut worklist, mut billing): (Option<&str>, Option<&str>) = (None, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let mut value = || {
            i += 1;
            args.get(i).copied()
        };
        match a {
            "--worklist" | "--billing" | "--as-of" | "--pace" | "--date-of-service" => {
                let Some(v) = value() else { return Err(usage(&format!("panel: {a} needs a value"))) };
                match a {
                    "--worklist" => worklist = Some(v),
                    "--billing" => billing = Some(v),
                    "--as-of" if valid_date(v) => o.as_of = v.to_string(),
                    "--as-of" => return Err(usage(&format!("panel: as-of date: expected YYYY-MM-DD, got {v:?}"))),
                    "--pace" => match parse_pace(v) {
                        Ok(p) => o.pace = p,
                        Err(e) => return Err(usage(&format!("panel: {e}"))),
                    },
                    _ => match v {
                        "month-end" => o.threshold_dates = false,
                        "threshold" => o.threshold_dates = true,
                        _ => return Err(usage("panel: date of service: \"month-end\" or \"threshold\"")),
                    },
                }
            }
            f if input.is_none() && (!f.starts_with("--") || f == "-") => input = Some(f),
            _ => return Err(usage(&format!("panel: unrecognized argument {a}"))),
        }
        i += 1;
    }
    if worklist.is_none() && billing.is_none() {
        worklist = Some("-");
    }
    if worklist == Some("-") && billing == Some("-") {
        return Err(usage("panel: only one of --worklist and --billing can be stdout (-)"));
    }
    Ok((o, input, worklist, billing))
}

pub fn run(args: &[&str]) -> ExitCode {
    let (o, input, worklist, billing) = match arguments(args) {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let open_out = |p: Option<&str>, header: &str| -> Result<Option<Box<dyn Write>>, ExitCode> {
        let Some(p) = p else { return Ok(None) };
        let mut w = create(p).map_err(|e| usage(&format!("panel: cannot write {p}: {e}")))?;
        w.write_all(header.as_bytes()).map_err(|e| write_failed(&e))?;
        Ok(Some(w))
    };
    let sink = match (open_out(worklist, WORKLIST_COLUMNS), open_out(billing, BILLING_COLUMNS)) {
        (Ok(w), Ok(b)) => Sink { worklist: w, billing: b, buf: String::new() },
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let mut run = Run { o, words: Words::load(), packs: Packs(HashMap::new()), n: 0, any_invalid: false, sink };
    let path = input.unwrap_or("-");
    let outcome = if path != "-" && Path::new(path).is_dir() {
        match panel_files::folder_files(Path::new(path)) {
            Err(e) => return usage(&format!("panel: cannot read {path}: {e}")),
            Ok(files) if files.is_empty() => return usage(&format!("panel: {path}: no .json, .jsonl or .ndjson file in the folder")),
            Ok(files) => files.into_iter().try_for_each(|(rel, file)| {
                let bytes = std::fs::read(&file).map_err(ReadOrWrite::Read)?;
                run.items(panel_items(&String::from_utf8_lossy(&bytes), &rel)).map_err(ReadOrWrite::Write)
            }),
        }
    } else {
        let name = if path == "-" { "stdin".to_string() } else { Path::new(path).file_name().map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned()) };
        let reader: io::Result<Box<dyn BufRead>> = if path == "-" {
            Ok(Box::new(io::BufReader::with_capacity(1 << 16, io::stdin())))
        } else {
            std::fs::File::open(path).map(|f| Box::new(io::BufReader::with_capacity(1 << 16, f)) as Box<dyn BufRead>)
        };
        let mut r = match reader {
            Err(e) => return usage(&format!("panel: cannot read {path}: {e}")),
            Ok(r) => r,
        };
        match r.fill_buf() {
            Ok(head) if panel_files::is_zip(head) => read_zip(&mut run, &mut r, &name),
            _ => stream(&mut run, &mut r, &name),
        }
    };
    let flushed = [run.sink.worklist.as_mut(), run.sink.billing.as_mut()].into_iter().flatten().try_for_each(|w| w.flush());
    match outcome {
        Err(ReadOrWrite::Read(e)) => return usage(&format!("panel: read error: {e}")),
        Err(ReadOrWrite::Unreadable(message)) => return usage(&format!("panel: {message}")),
        Err(ReadOrWrite::Write(e)) => return write_failed(&e),
        Ok(()) => {}
    }
    if let Err(e) = flushed {
        return write_failed(&e);
    }
    if run.any_invalid { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_the_page_are_read() {
        let w = Words::load();
        let keys = WORDS_JS[WORDS_JS.find("export const FINDINGS = {").unwrap()..].split("\n};").next().unwrap().lines().filter(|l| l.trim_end().ends_with(": {")).count();
        assert!(keys > 60, "{keys}");
        assert_eq!(w.findings.len(), keys, "every FINDINGS entry has a one-line title");
        assert_eq!(w.finding("CONSENT_MISSING"), "No patient consent on file.");
        assert!(w.finding("CONDITION_NOT_CHRONIC").contains("chronic"));
        assert_eq!(w.finding("SOMETHING_NEW"), "something new");
        assert_eq!(w.input.len(), 6);
        assert!(w.panel.contains_key("FHIR_NOT_SUPPORTED"));
    }

    #[test]
    fn dates() {
        assert_eq!(add_months("2025-01-31", 1), "2025-02-28");
        assert_eq!(add_months("2024-02-29", 12), "2025-02-28");
        assert_eq!(add_days("2026-12-20", 30), "2027-01-19");
        assert_eq!(last_day("2024-02"), "2024-02-29");
        assert_eq!(days_left("2026-03-20", "2026-03"), 11);
        assert_eq!(days_left("2026-02-20", "2026-03"), 31);
        assert_eq!(days_left("2026-04-02", "2026-03"), 0);
        assert_eq!(pace_target("2026-03-06", "2026-03", &[5, 10, 15, 20]), 0);
        assert_eq!(pace_target("2026-03-07", "2026-03", &[5, 10, 15, 20]), 5);
        assert_eq!(pace_target("2026-03-30", "2026-03", &[5, 10, 15, 20]), 15);
        assert_eq!(pace_target("2026-03-31", "2026-03", &[5, 10, 15, 20]), 20);
        assert!(valid_date("2024-02-29") && !valid_date("2026-02-29") && !valid_date("2026-13-01"));
    }

    #[test]
    fn array_elements_and_as_of() {
        assert_eq!(array_elements(r#"[ {"a":[1,2]}, 3 , "x,]" ,{}]"#), vec![r#"{"a":[1,2]}"#, "3", r#""x,]""#, "{}"]);
        assert_eq!(array_elements("[]"), Vec::<&str>::new());
        assert_eq!(with_as_of("{}", &serde_json::json!({}), "2026-01-01"), r#"{"asOf":"2026-01-01"}"#);
        assert_eq!(with_as_of(" {\"a\":1} ", &serde_json::json!({"a": 1}), "2026-01-01"), r#"{"a":1,"asOf":"2026-01-01"}"#);
    }

    #[test]
    fn csv_fields() {
        let mut s = String::new();
        csv_line(&["a,b".into(), "=1+1".into(), "say \"hi\"".into(), "-x,y".into(), "plain".into()], &mut s);
        assert_eq!(s, "\"a,b\",'=1+1,\"say \"\"hi\"\"\",\"'-x,y\",plain\n");
    }
}
