//! Built-in consent scripts (CONTRACT §8), embedded from `consent/templates.json`.
//!
//! The versions and hashes the engine checks against are read from the same file the page and
//! `consentTemplates()` serve, so a script edit cannot leave a stale hash behind
//! (tests/consent_templates.rs recomputes every hash).

use crate::input::Json;
use std::sync::OnceLock;

pub const TEMPLATES_JSON: &str = include_str!("../consent/templates.json");

#[derive(Debug, Clone, Default)]
pub struct TemplateId {
    pub version: String,
    pub language: String,
    pub text_sha256: String,
}

/// Versions and hashes of the built-in templates.
pub fn templates() -> &'static [TemplateId] {
    static T: OnceLock<Vec<TemplateId>> = OnceLock::new();
    T.get_or_init(|| match Json::parse(TEMPLATES_JSON) {
        Ok(Json::Arr(items)) => items.into_iter().filter_map(template).collect(),
        _ => Vec::new(),
    })
}

// Read with the engine's one JSON reader (a derived Deserialize would add its own to the wasm).
fn template(item: Json) -> Option<TemplateId> {
    let Json::Obj(fields) = item else { return None };
    let mut t = TemplateId::default();
    for (k, v) in fields {
        if let Json::Str(s) = v {
            match &*k {
                "version" => t.version = s.into_owned(),
                "language" => t.language = s.into_owned(),
                "textSha256" => t.text_sha256 = s.into_owned(),
                _ => {}
            }
        }
    }
    Some(t)
}

pub fn built_in(version: &str) -> Option<&'static TemplateId> {
    templates().iter().find(|t| t.version == version)
}
