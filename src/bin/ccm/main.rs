//! `ccm`: the command-line door to the engine (CONTRACT §1). A thin layer over `ccm_engine::api`.
//!
//! Exit codes: 0 every input evaluated; 1 at least one input was invalid; 2 usage error,
//! unreadable file or failed write (one line on stderr); 141 (128 + SIGPIPE, what a shell shows
//! for a tool stopped by a closed pipe) when the reader of stdout went away, silently.
//!
//! Nothing here panics on I/O: `println!` and `eprintln!` would, on a closed pipe or a full disk.

mod fhir;

use ccm_engine::api;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::process::ExitCode;

mod panel;
mod panel_files;

// See Cargo.toml: glibc's malloc cost the batch door a third of its time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  ccm evaluate [FILE|-]            one MonthInput JSON object in, one Result out
  ccm evaluate --jsonl [FILE|-]    one input per line, one Result per line (streaming)
  ccm packs                        list the built-in rule packs
  ccm packs --show ID              print a built-in rule pack
  ccm consent                      print the built-in consent templates
  ccm what-if [FILE|-]             project panel revenue (CONTRACT §7)
  ccm localities [STATE [COUNTY]]  Medicare localities (payment.locality) by state, county text
  ccm panel [FILE|DIR|-] [--worklist PATH] [--billing PATH] [--as-of DATE] [--pace 5,10,15,20]
            [--date-of-service month-end|threshold]
                                   a panel of months (JSON Lines, a JSON array, a folder, a .zip;
                                   FHIR Bundles among them) -> the worklist CSV (stdout by
                                   default) and the billing report CSV
  ccm from-fhir BUNDLE [--options FILE]          a FHIR R4 Bundle → the MonthInput, its sources and problems
  ccm evaluate --fhir BUNDLE [--options FILE]    the same, evaluated (a Result with a `fhir` member)
  ccm claim MONTH [--context FILE]               claim lines and an R4 Claim for a month (docs/fhir.md)
  ccm --version";

pub(crate) fn usage(msg: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "ccm: {msg}\n{USAGE}");
    ExitCode::from(2)
}

/// The exit for a failed write to stdout: a closed pipe ends quietly; anything else (a full
/// disk) says so in one line.
fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::from(141);
    }
    let _ = writeln!(io::stderr(), "ccm: cannot write the output: {e}");
    ExitCode::from(2)
}

/// Writes `text` (and a newline) to stdout and flushes it; `code` is the exit on success.
pub(crate) fn print(text: &str, newline: bool, code: ExitCode) -> ExitCode {
    let mut out = io::stdout().lock();
    let written = out.write_all(text.as_bytes()).and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) }).and_then(|()| out.flush());
    match written {
        Ok(()) => code,
        Err(e) => write_failed(&e),
    }
}

pub(crate) fn open(path: Option<&str>) -> io::Result<Box<dyn BufRead>> {
    match path {
        None | Some("-") => Ok(Box::new(io::BufReader::with_capacity(1 << 16, io::stdin()))),
        Some(p) => Ok(Box::new(io::BufReader::with_capacity(1 << 16, std::fs::File::open(p)?))),
    }
}

/// Reads at most `limit` bytes; returns None when there is more.
pub(crate) fn read_bounded(r: &mut dyn BufRead, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut buf)?;
    Ok((buf.len() <= limit).then_some(buf))
}

/// Appends to `buf` up to and including the next newline, reading at most `limit` bytes; returns
/// how many were read (0 at the end). `take(limit).read_until` does the same with std's portable
/// newline search; the memchr crate's (already in the build, through serde_json) is vectorized.
fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<usize> {
    let mut n = 0;
    while n < limit {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        let chunk = &avail[..avail.len().min(limit - n)];
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        buf.extend_from_slice(&chunk[..take]);
        r.consume(take);
        n += take;
        if done {
            break;
        }
    }
    Ok(n)
}

pub(crate) fn is_ok(result: &str) -> bool {
    result.starts_with("{\"ok\":true")
}

fn text_result(bytes: &[u8], f: impl Fn(&str) -> String) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => f(s),
        Err(_) => api::invalid_json_result("the input is not UTF-8 text"),
    }
}

fn evaluate_one(path: Option<&str>) -> ExitCode {
    let mut r = match open(path) {
        Ok(r) => r,
        Err(e) => return usage(&format!("cannot read {}: {e}", path.unwrap_or("-"))),
    };
    let limit = ccm_engine::input::MAX_JSON_BYTES;
    let out = match read_bounded(&mut r, limit) {
        Ok(Some(bytes)) => text_result(&bytes, api::evaluate_json),
        // Oversized: the engine's own error, without holding the rest in memory.
        Ok(None) => api::too_large_json(limit + 1),
        Err(e) => return usage(&format!("cannot read {}: {e}", path.unwrap_or("-"))),
    };
    let code = if is_ok(&out) { ExitCode::SUCCESS } else { ExitCode::from(1) };
    print(&out, true, code)
}

fn evaluate_lines(path: Option<&str>) -> ExitCode {
    let mut r = match open(path) {
        Ok(r) => r,
        Err(e) => return usage(&format!("cannot read {}: {e}", path.unwrap_or("-"))),
    };
    let stdout = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
    let limit = ccm_engine::input::MAX_JSON_BYTES;
    let mut line = Vec::with_capacity(8192);
    let mut any_invalid = false;
    let mut rest = Vec::new();
    loop {
        line.clear();
        // Bounded line reader: an endless line costs at most `limit` bytes of memory.
        let read = read_line(&mut r, &mut line, limit + 1);
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                let _ = w.flush();
                return usage(&format!("read error: {e}"));
            }
        };
        if n == 0 {
            break;
        }
        let ended = line.last() == Some(&b'\n');
        if ended {
            line.pop();
        }
        let too_long = !ended && line.len() > limit;
        if too_long {
            // Skip the rest of the line in bounded chunks.
            loop {
                rest.clear();
                match read_line(&mut r, &mut rest, 1 << 16) {
                    Ok(0) => break,
                    Ok(_) if rest.last() == Some(&b'\n') => break,
                    Ok(_) => {}
                    Err(e) => {
                        let _ = w.flush();
                        return usage(&format!("read error: {e}"));
                    }
                }
            }
        }
        let out = if too_long {
            api::too_large_json(limit + 1)
        } else {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            // A blank line is answered too (INVALID_JSON), so output line N is input line N's.
            text_result(&line, api::evaluate_json)
        };
        any_invalid |= !is_ok(&out);
        if let Err(e) = w.write_all(out.as_bytes()).and_then(|()| w.write_all(b"\n")) {
            return write_failed(&e);
        }
    }
    if let Err(e) = w.flush() {
        return write_failed(&e);
    }
    if any_invalid { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn what_if(path: Option<&str>) -> ExitCode {
    let mut r = match open(path) {
        Ok(r) => r,
        Err(e) => return usage(&format!("cannot read {}: {e}", path.unwrap_or("-"))),
    };
    let out = match read_bounded(&mut r, ccm_engine::input::MAX_JSON_BYTES) {
        Ok(Some(bytes)) => text_result(&bytes, api::what_if_json),
        Ok(None) => api::what_if_json(&" ".repeat(ccm_engine::input::MAX_JSON_BYTES + 1)),
        Err(e) => return usage(&format!("cannot read: {e}")),
    };
    let code = if is_ok(&out) { ExitCode::SUCCESS } else { ExitCode::from(1) };
    print(&out, true, code)
}

/// Localities (CY2025, `packs/localities-cy2025.json`) as a JSON array: all of them; those that
/// take counties of `state` (two letters or the name; DC's locality is listed under MD and VA
/// too); or, with a county, the one locality it belongs to — the locality naming the county in
/// that state, else the state's "all (other) counties" locality unless it excepts the county —
/// as the npm helper's `findLocality` finds it. Exit 1 when nothing matches.
fn localities(state: Option<&str>, county: Option<&str>) -> ExitCode {
    use serde_json::Value;
    const TABLE: &str = include_str!("../../../packs/localities-cy2025.json");
    let Ok(table) = serde_json::from_str::<Value>(TABLE) else { return usage("the locality table is unreadable") };
    let all: &[Value] = table["localities"].as_array().map_or(&[], Vec::as_slice);
    let st = state.map(|s| state_code(&table["states"], s));
    let takes = |r: &Value, st: &str| r["state"] == st || r["counties"].get(st).is_some();
    let rows: Vec<&Value> = match (st, county) {
        (None, _) => all.iter().collect(),
        (Some(None), _) => Vec::new(),
        (Some(Some(st)), None) => all.iter().filter(|r| takes(r, &st)).collect(),
        (Some(Some(st)), Some(c)) => {
            let c = normalize_county(&st, c);
            let names = |r: &Value| r["counties"][&st].as_array().is_some_and(|cs| cs.iter().any(|x| x.as_str().is_some_and(|x| normalize_county(&st, x) == c)));
            let rest = |r: &Value| {
                r["state"] == st.as_str() && r["rest"].is_string()
                    && !r["except"].as_array().is_some_and(|xs| xs.iter().any(|x| x.as_str().is_some_and(|x| normalize_county(&st, x) == c)))
            };
            all.iter().find(|r| names(r)).or_else(|| all.iter().find(|r| rest(r))).into_iter().collect()
        }
    };
    let code = if rows.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    print(&serde_json::to_string(&rows).unwrap_or_default(), true, code)
}

/// Text as compared: upper case, dots as spaces, one space between words.
fn normalize(s: &str) -> String {
    s.to_uppercase().replace('.', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A county as compared: "Saint" read as "St", a trailing "County", "Cnty" or "Parish" dropped,
/// and the names people write for a county 25LOCCO names otherwise (Miami-Dade is DADE).
fn normalize_county(state: &str, county: &str) -> String {
    let mut c = normalize(county);
    if let Some(rest) = c.strip_prefix("SAINT ") {
        c = format!("ST {rest}");
    }
    for suffix in [" COUNTY", " CNTY", " PARISH"] {
        if let Some(x) = c.strip_suffix(suffix) {
            c = x.to_string();
        }
    }
    match (state, c.as_str()) {
        ("FL", "MIAMI-DADE" | "MIAMI DADE") => "DADE".into(),
        _ => c,
    }
}

/// "ca", "CA", "California" → "CA"; `None` for anything else.
fn state_code(states: &serde_json::Value, state: &str) -> Option<String> {
    let s = normalize(state);
    let map = states.as_object()?;
    if map.contains_key(&s) {
        return Some(s);
    }
    map.iter().find(|(_, name)| name.as_str().is_some_and(|n| normalize(n) == s)).map(|(code, _)| code.clone())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["evaluate"] => evaluate_one(None),
        ["evaluate", "--jsonl"] => evaluate_lines(None),
        ["evaluate", "--jsonl", f] | ["evaluate", f, "--jsonl"] => evaluate_lines(Some(f)),
        ["evaluate", f] if !f.starts_with("--") || *f == "-" => evaluate_one(Some(f)),
        ["packs"] => print(&api::rule_packs_json(), true, ExitCode::SUCCESS),
        ["packs", "--show", id] => match api::rule_pack_json(id) {
            Some(text) => print(&text, false, ExitCode::SUCCESS),
            None => usage("unknown rule pack id (see `ccm packs`)"),
        },
        ["consent"] => print(api::consent_templates_json().trim_end(), true, ExitCode::SUCCESS),
        ["from-fhir", b] => fhir::run(b, None, false),
        ["from-fhir", b, "--options", o] | ["from-fhir", "--options", o, b] => fhir::run(b, Some(o), false),
        ["evaluate", "--fhir", b] => fhir::run(b, None, true),
        ["evaluate", "--fhir", b, "--options", o] | ["evaluate", "--options", o, "--fhir", b] => fhir::run(b, Some(o), true),
        ["claim", m] => fhir::claim(m, None),
        ["claim", m, "--context", c] | ["claim", "--context", c, m] => fhir::claim(m, Some(c)),
        ["localities"] => localities(None, None),
        ["localities", st] => localities(Some(st), None),
        ["localities", st, county] => localities(Some(st), Some(county)),
        ["panel", rest @ ..] => panel::run(rest),
        ["what-if"] => what_if(None),
        ["what-if", f] => what_if(Some(f)),
        ["--version"] | ["-V"] => print(&format!("ccm {}", ccm_engine::VERSION), true, ExitCode::SUCCESS),
        ["--help"] | ["-h"] | ["help"] => print(USAGE, true, ExitCode::SUCCESS),
        _ => usage("unrecognized arguments"),
    }
}
