//! The `ccm` binary's own behaviour at its edges (issue 12): a closed stdout, a full disk, and
//! blank lines in `--jsonl` input. (The results themselves are checked in tests/scenarios.rs and
//! tests/doors.rs.)

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

fn ccm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ccm"))
}

fn typical() -> String {
    format!("{}/tests/data/typical.json", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cmd` with stdout a pipe whose read end is already closed, and `input` on stdin.
/// (`std::io::pipe` is Rust 1.87; only this test needs more than the crate's MSRV.)
#[allow(clippy::incompatible_msrv)]
fn with_closed_stdout(mut cmd: Command, input: &[u8]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = cmd.stdin(Stdio::piped()).stdout(writer).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input); // the child may stop reading first
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn commands() -> Vec<(&'static str, Command)> {
    let mut list = Vec::new();
    let mut c = ccm();
    c.args(["evaluate", &typical()]);
    list.push(("evaluate FILE", c));
    let mut c = ccm();
    c.arg("packs");
    list.push(("packs", c));
    let mut c = ccm();
    c.args(["packs", "--show", "medicare-cy2026"]);
    list.push(("packs --show", c));
    let mut c = ccm();
    c.arg("consent");
    list.push(("consent", c));
    let mut c = ccm();
    c.args(["what-if", "-"]);
    list.push(("what-if", c));
    let mut c = ccm();
    c.args(["evaluate", "--jsonl", "-"]);
    list.push(("evaluate --jsonl", c));
    list
}

const WHAT_IF: &str = r#"{"patients":100,"bands":[{"track":"staff","minutes":45,"share":1}]}"#;

fn input_for(name: &str) -> Vec<u8> {
    match name {
        "what-if" => WHAT_IF.as_bytes().to_vec(),
        "evaluate --jsonl" => {
            let month = std::fs::read_to_string(typical()).unwrap().replace('\n', " ");
            format!("{month}\n").repeat(2000).into_bytes()
        }
        _ => Vec::new(),
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_141() {
    for (name, cmd) in commands() {
        let out = with_closed_stdout(cmd, &input_for(name));
        assert_eq!(out.status.code(), Some(141), "{name}: stderr {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn a_full_disk_says_so_in_one_line_and_exits_2() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here; skipped");
        return;
    }
    for (name, mut cmd) in commands() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let mut child = cmd.stdin(Stdio::piped()).stdout(full).stderr(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input_for(name);
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        feeder.join().unwrap();
        assert_eq!(status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("ccm: cannot write the output: "), "{name}: {err}");
    }
}

#[test]
fn every_jsonl_line_is_answered_blank_ones_too() {
    let month = std::fs::read_to_string(typical()).unwrap().replace('\n', " ");
    let input = format!("{month}\n\n   \n{month}\r\n\r\n{month}");
    let mut child = ccm().args(["evaluate", "--jsonl", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let oks: Vec<bool> = lines.iter().map(|l| l["ok"] == true).collect();
    assert_eq!(oks, vec![true, false, false, true, false, true]);
    for i in [1, 2, 4] {
        assert_eq!(lines[i]["error"]["code"], "INVALID_JSON", "line {i}");
    }
    assert_eq!(out.status.code(), Some(1), "a blank line is an invalid input");
}

#[test]
fn localities_are_found_by_state_and_county() {
    let find = |args: &[&str]| -> (Option<i32>, Vec<String>) {
        let out = ccm().arg("localities").args(args).output().unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), rows.as_array().unwrap().iter().map(|r| r["locality"].as_str().unwrap().to_string()).collect())
    };
    let one = |id: &str| (Some(0), vec![id.to_string()]);
    // A county named by a locality, in any case; one answer.
    assert_eq!(find(&["ca", "Santa Clara"]), one("01112-09"));
    assert_eq!(find(&["California", "SANTA CLARA COUNTY"]), one("01112-09"));
    // DC's locality names counties of Maryland and Virginia; 25LOCCO's "ORAGNGE" is Orange.
    assert_eq!(find(&["MD", "Montgomery"]), one("12202-01"));
    assert_eq!(find(&["VA", "Arlington"]), one("12202-01"));
    assert_eq!(find(&["CA", "Orange"]), one("01182-18"));
    assert_eq!(find(&["FL", "Miami-Dade"]), one("09102-04"));
    // Any other county of a state falls to its "all other counties" locality.
    assert_eq!(find(&["CA", "Modoc"]), one("01112-75"));
    // A state: the localities that take its counties.
    assert_eq!(find(&["MD"]), (Some(0), vec!["12202-01".into(), "12302-01".into(), "12302-99".into()]));
    let out = ccm().args(["localities", "AL"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows, serde_json::json!([{ "area": "STATEWIDE", "counties": {}, "except": [], "locality": "10112-00", "name": "ALABAMA", "rest": "all", "state": "AL" }]));
    assert_eq!(find(&["ZZ"]).0, Some(1));
    assert_eq!(find(&["DC", "Nowhere"]), (Some(1), vec![]));
    // Every listed locality prices: the engine's GPCI table has each one.
    let all: serde_json::Value = serde_json::from_slice(&ccm().arg("localities").output().unwrap().stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 109);
    for r in all.as_array().unwrap() {
        let month = format!(r#"{{"serviceMonth":"2026-03","billingPractitioner":{{"id":"1"}},"payment":{{"locality":"{}"}}}}"#, r["locality"].as_str().unwrap());
        assert!(ccm_engine::evaluate_json(&month).starts_with(r#"{"ok":true"#), "{month}");
    }
}

/// The fields of one CSV line as `ccm panel` writes them (quoted fields with doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn ccm_panel_reads_fhir_bundles_in_a_folder() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = std::env::temp_dir().join(format!("ccm-panel-bundles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["month-bundle.json", "transaction.json", "partial.json"] {
        std::fs::copy(format!("{root}/tests/data/fhir/{f}"), dir.join(f)).unwrap();
    }
    std::fs::copy(typical(), dir.join("typical.json")).unwrap();
    // JSON Lines: a Bundle on one line, and an empty Bundle that says nothing.
    let line: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(format!("{root}/tests/data/fhir/time-kinds.json")).unwrap()).unwrap();
    std::fs::write(dir.join("more.jsonl"), format!("{line}\n{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}}\n")).unwrap();
    let run = |flags: &[&str]| {
        let out = ccm().arg("panel").arg(&dir).args(flags).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "the unreadable Bundles make the exit 1: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let worklist = run(&["--as-of", "2026-03-31"]);
    let rows: Vec<Vec<String>> = worklist.lines().skip(1).map(csv_fields).collect();
    // n, source, ref, serviceMonth, asOf, status, track, supportedCodes, supportedAllowed, staffMinutes, blocking, blockingWords
    let pick = |r: &Vec<String>| [0, 1, 2, 3, 4, 5, 7, 10, 11, 12, 20].map(|i| r[i].clone()).to_vec();
    let want: [&[&str]; 6] = [
        &["1", "month-bundle.json", "Patient/p1", "2026-03", "2026-03-31", "blocked", "staff", "99490 x1; 99439 x1", "116.57", "48", "SUPERVISION_NOT_ATTESTED"],
        &["2", "more.jsonl:1", "Patient/p1", "2026-03", "2026-03-31", "blocked", "", "", "0.00", "18", "SUPERVISION_NOT_ATTESTED"],
        &["3", "more.jsonl:2", "", "", "", "invalid", "", "", "", "", "INVALID_INPUT"],
        &["4", "partial.json", "", "", "", "invalid", "", "", "", "", "INVALID_INPUT"],
        &["5", "transaction.json", "urn:uuid:6f1c9a52-2d1e-4c53-9a55-0b1e7f3c2a01", "2026-03", "2026-03-31", "blocked", "staff", "99490 x1; 99439 x2", "167.01", "60", "SUPERVISION_NOT_ATTESTED"],
        &["6", "typical.json", "p-001", "2026-05", "2026-03-31", "below_threshold", "", "", "0.00", "0", ""],
    ];
    assert_eq!(rows.iter().map(pick).collect::<Vec<_>>(), want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>()), "{worklist}");
    assert_eq!(rows[2][21], "Some fields are missing or malformed, so the month cannot be checked yet. Fields: billingPractitioner.id.");
    assert_eq!(rows[3][21], "Some fields are missing or malformed, so the month cannot be checked yet. Fields: billingPractitioner.id.");
    // Without --as-of: the Bundle with no time has no month either; the months end their month.
    let rows: Vec<Vec<String>> = run(&[]).lines().skip(1).map(csv_fields).collect();
    assert_eq!(rows[2][21], "Some fields are missing or malformed, so the month cannot be checked yet. Fields: serviceMonth, billingPractitioner.id.");
    assert_eq!((rows[0][4].as_str(), rows[0][5].as_str(), rows[0][17].as_str()), ("2026-03-31", "blocked", "0"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A ZIP of `[name, content, deflated?]` files, written with the `zip` crate.
fn zip_of(files: &[(&str, &str, bool)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content, deflated) in files {
        let method = if *deflated { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        if name.ends_with('/') {
            w.add_directory(*name, SimpleFileOptions::default()).unwrap();
        } else {
            w.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
            w.write_all(content.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// `ccm panel` reads a .zip of month files as the page does (issue 16): the archive's panel files
/// in path order, named relative to its top folder, give the bytes the same unzipped folder gives;
/// an archive it cannot read is a usage error that says why.
#[test]
fn ccm_panel_reads_a_zip_as_the_folder_it_holds() {
    let root = env!("CARGO_MANIFEST_DIR");
    let typical = std::fs::read_to_string(typical()).unwrap();
    let bundle = std::fs::read_to_string(format!("{root}/tests/data/fhir/month-bundle.json")).unwrap();
    let one_line: serde_json::Value = serde_json::from_str(&typical).unwrap();
    let lines = format!("{one_line}\n\nnot json\n{one_line}\n");
    let files = [("b/typical.json", typical.as_str()), ("a.jsonl", lines.as_str()), ("b/c/bundle.JSON", bundle.as_str())];
    let dir = std::env::temp_dir().join(format!("ccm-panel-zip-{}", std::process::id()));
    for (name, content) in files {
        let path = dir.join("folder").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let mut entries: Vec<(&str, &str, bool)> = vec![("panel/", "", false), ("panel/readme.txt", "x", true), ("__MACOSX/panel/._a.jsonl", "junk", false)];
    let named: Vec<(String, &str)> = files.iter().map(|(n, c)| (format!("panel/{n}"), *c)).collect();
    entries.extend(named.iter().enumerate().map(|(i, (n, c))| (n.as_str(), *c, i % 2 == 0)));
    std::fs::write(dir.join("panel.zip"), zip_of(&entries)).unwrap();
    let run = |input: &std::path::Path| {
        let out = ccm().arg("panel").arg(input).args(["--billing", "-", "--worklist", dir.join("w.csv").to_str().unwrap(), "--as-of", "2026-03-31"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "the line that is not JSON makes the exit 1: {}", String::from_utf8_lossy(&out.stderr));
        (std::fs::read_to_string(dir.join("w.csv")).unwrap(), String::from_utf8(out.stdout).unwrap())
    };
    let (folder_worklist, folder_billing) = run(&dir.join("folder"));
    let (zip_worklist, zip_billing) = run(&dir.join("panel.zip"));
    assert_eq!(zip_worklist, folder_worklist);
    assert_eq!(zip_billing, folder_billing);
    let sources: Vec<String> = zip_worklist.lines().skip(1).map(|l| csv_fields(l)[1].clone()).collect();
    assert_eq!(sources, ["a.jsonl:1", "a.jsonl:3", "a.jsonl:4", "b/c/bundle.JSON", "b/typical.json"]);
    // Stdin too: the archive is recognized by its first bytes.
    let mut child = ccm().args(["panel", "-", "--as-of", "2026-03-31"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(dir.join("panel.zip")).unwrap()).unwrap();
    assert_eq!(String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap(), zip_worklist);
    // What cannot be read says why, exit 2.
    let bytes = std::fs::read(dir.join("panel.zip")).unwrap();
    std::fs::write(dir.join("cut.zip"), &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(dir.join("empty.zip"), zip_of(&[("readme.txt", "x", true)])).unwrap();
    for (file, says) in [("cut.zip", "ccm: panel: cut.zip: not a readable ZIP archive"), ("empty.zip", "ccm: panel: empty.zip: no .json, .jsonl or .ndjson file in the archive")] {
        let out = ccm().arg("panel").arg(dir.join(file)).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with(says), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
