//! Built-in consent scripts (CONTRACT §8), embedded from `consent/templates.json`.
//!
//! The versions and hashes the engine checks against are read from the same file the page and
//! `consentTemplates()` serve, so a script edit cannot leave a stale hash behind
//! (tests/consent_templates.rs recomputes every hash).

use serde::Deserialize;
use std::sync::OnceLock;

pub const TEMPLATES_JSON: &str = include_str!("../consent/templates.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateId {
    pub version: String,
    pub language: String,
    pub text_sha256: String,
}

/// Versions and hashes of the built-in templates.
pub fn templates() -> &'static [TemplateId] {
    static T: OnceLock<Vec<TemplateId>> = OnceLock::new();
    T.get_or_init(|| serde_json::from_str(TEMPLATES_JSON).unwrap_or_default())
}

pub fn built_in(version: &str) -> Option<&'static TemplateId> {
    templates().iter().find(|t| t.version == version)
}
