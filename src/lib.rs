//! ccm-engine: decides, for one Medicare patient and one calendar month, whether Chronic Care
//! Management may be billed, with which codes and units, and why.
//!
//! The pipeline runs one way, one stage per module:
//! parse/validate ([`input`], [`validate`]) → count time ([`time`]) → eligibility ([`eligibility`])
//! → conflicts ([`conflicts`]) → choose track ([`tracks`]) → price ([`price`]) → assemble ([`evaluate`]).
//! Rule thresholds, caps, conflicts, rates and citations live in the rule pack ([`pack`]), not in code.

pub mod icd;
