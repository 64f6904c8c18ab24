//! The shape of the code (issue 17), held in CI: the modules of src/ import each other without a
//! circle (data flows one way), every module opens with a doc saying its job, and no function is
//! longer than a screen (80 lines).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files.into_iter().map(|p| (p.strip_prefix(&root).unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap())).collect()
}

/// The top-level module a file belongs to (`json/reader.rs` → `json`, `api.rs` → `api`).
fn module_of(file: &str) -> Option<String> {
    if file.starts_with("bin/") || file == "lib.rs" {
        return None;
    }
    Some(file.split('/').next().unwrap().trim_end_matches(".rs").to_string())
}

#[test]
fn modules_import_each_other_without_a_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in sources() {
        let Some(module) = module_of(&file) else { continue };
        let deps = graph.entry(module.clone()).or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::") {
                let name: String = line[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if !name.is_empty() && name != module {
                    deps.insert(name);
                }
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(n: &str, g: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == n) {
            let mut cycle = path[at..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(cycle) = visit(n, &graph, &mut Vec::new(), &mut done) {
            panic!("import circle: {}", cycle.join(" → "));
        }
    }
    assert!(graph.len() > 15, "found only {} modules", graph.len());
}

#[test]
fn every_module_opens_with_its_job() {
    for (file, text) in sources() {
        assert!(text.trim_start().starts_with("//!"), "src/{file} does not open with a module doc (//!)");
    }
}

#[test]
fn no_function_is_longer_than_a_screen() {
    let mut long = Vec::new();
    for (file, text) in sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let head = t.trim_start_matches("pub ").trim_start_matches("pub(crate) ");
            if !head.starts_with("fn ") || line.trim_end().ends_with(';') {
                continue;
            }
            let indent = line.len() - t.len();
            let close = format!("{}}}", " ".repeat(indent));
            let end = lines[i + 1..].iter().position(|l| l.trim_end() == close).map_or(lines.len(), |e| i + 1 + e);
            let n = end - i + 1;
            if n > 80 {
                let name: String = head[3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                long.push(format!("src/{file}:{} {name} ({n} lines)", i + 1));
            }
        }
    }
    assert!(long.is_empty(), "functions over 80 lines:\n{}", long.join("\n"));
}
