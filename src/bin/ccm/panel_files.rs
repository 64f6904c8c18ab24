//! Which files of a folder or a ZIP archive `ccm panel` reads, in which order and under which
//! names — the rules of the page's panel (www/js/panel-core.js `panelFileOrder` and
//! `stripTopFolder`, www/js/zip.js's bounds), so a folder or an archive gives the same rows, named
//! the same, on the command line and in the browser.
//!
//! A panel file is `*.json`, `*.jsonl` or `*.ndjson` (any case) with no path part that is hidden
//! (starts with ".") or `__MACOSX`; files are read in path order. An archive's paths are taken
//! relative to its one top folder when every file sits under the same one. Archives are read
//! with the `zip` crate (stored and deflated entries; no encryption), within the page's bounds.

use std::io::Read;
use std::path::{Path, PathBuf};

/// At most this many entries in an archive (www/js/zip.js `MAX_ENTRIES`).
const MAX_ENTRIES: usize = 100_000;
/// At most this many bytes of content in an archive, inflated (www/js/zip.js `MAX_BYTES`).
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// Whether `path` (with "/") names a panel file.
fn is_panel_file(path: &str) -> bool {
    let lower = path.to_lowercase();
    [".json", ".jsonl", ".ndjson"].iter().any(|x| lower.ends_with(x)) && !path.split('/').any(|part| part.starts_with('.') || part == "__MACOSX")
}

/// The panel files among `names`, sorted by path.
fn panel_file_order(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = names.into_iter().filter(|n| is_panel_file(n)).collect();
    out.sort();
    out
}

/// `names` relative to their common top folder ("panel/a.json", "panel/b/c.json" → "a.json",
/// "b/c.json"); unchanged when they do not share one.
fn strip_top_folder(names: &[String]) -> Vec<String> {
    let top = match names.first().and_then(|n| n.find('/')) {
        Some(i) if names.iter().all(|n| n.contains('/')) => names[0][..=i].to_string(),
        _ => String::new(),
    };
    if !top.is_empty() && names.iter().all(|n| n.starts_with(&top)) {
        names.iter().map(|n| n[top.len()..].to_string()).collect()
    } else {
        names.to_vec()
    }
}

/// The panel files under `dir` (recursively), by path relative to it with "/", in reading order.
pub(crate) fn folder_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                todo.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path).components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            if is_panel_file(&rel) {
                found.push((rel, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether `bytes` start like a ZIP archive (a local file header, or an empty archive).
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[..2] == *b"PK" && (bytes[2..4] == [3, 4] || bytes[2..4] == [5, 6])
}

/// The panel files of a ZIP archive, `(name, content)` in reading order, or what is wrong with it.
pub(crate) fn zip_files(bytes: Vec<u8>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a readable ZIP archive ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!("the archive has {} entries; at most {MAX_ENTRIES} are read", archive.len()));
    }
    let names: Vec<String> = archive.file_names().filter(|n| !n.ends_with('/')).map(str::to_string).collect();
    let order = panel_file_order(names);
    let mut total = 0u64;
    let mut out = Vec::with_capacity(order.len());
    for (name, shown) in order.iter().zip(strip_top_folder(&order)) {
        let entry = archive.by_name(name).map_err(|e| format!("{name}: {e}"))?;
        let mut content = Vec::new();
        entry.take(MAX_BYTES - total + 1).read_to_end(&mut content).map_err(|e| format!("{name}: {e}"))?;
        total += content.len() as u64;
        if total > MAX_BYTES {
            return Err(format!("the archive holds more than {} MB", MAX_BYTES >> 20));
        }
        out.push((shown, content));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_files_and_their_names() {
        let names = ["panel/b.JSONL", "panel/a.json", "panel/.hidden.json", "panel/__MACOSX/a.json", "panel/notes.txt", "panel/sub/c.ndjson"];
        let order = panel_file_order(names.map(String::from));
        assert_eq!(order, ["panel/a.json", "panel/b.JSONL", "panel/sub/c.ndjson"]);
        assert_eq!(strip_top_folder(&order), ["a.json", "b.JSONL", "sub/c.ndjson"]);
        assert_eq!(strip_top_folder(&["a/x.json".into(), "b/y.json".into()]), ["a/x.json", "b/y.json"]);
        assert_eq!(strip_top_folder(&["a/x.json".into(), "y.json".into()]), ["a/x.json", "y.json"]);
        assert!(is_zip(b"PK\x03\x04rest") && is_zip(b"PK\x05\x06") && !is_zip(b"PK") && !is_zip(b"{\"a\":1}"));
    }
}
