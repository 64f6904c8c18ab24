//! ICD-10-CM FY2026 billable codes with the AHRQ HCUP chronic-condition indicator, embedded in the
//! binary so the engine needs no data files at run time.
//!
//! Encoding of `src/data/icd10cm.bin` (written by `tools/gen_icd_table.py`; see `docs/icd-table.md`):
//! a trie over the billable codes in which identical subtrees are stored once, which turns it into
//! a DAG of about 2,400 nodes (41 KB raw, 17 KB gzipped). After a 10-byte header (magic, code count,
//! root offset) each node is a 5-byte little-endian bitmap over the 36 symbols `0-9A-Z` followed by
//! one little-endian `u16` ref per child in symbol order. Refs 0, 1 and 2 are leaves: a billable
//! code that is not chronic, chronic, or undetermined. Larger refs are byte offsets of child nodes.
//! A lookup follows at most seven refs, each found with one popcount, and never allocates.

/// What AHRQ's chronic condition indicator says of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chronic {
    /// AHRQ's CCIR marks the code chronic.
    Yes,
    /// Not chronic.
    No,
    /// No determination (counted as chronic: the table cannot say it is not).
    Undetermined,
}

/// What the table says of a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeStatus {
    /// A billable ICD-10-CM code, with its chronic indicator.
    Billable(Chronic),
    /// A category header (`E11`), not billable.
    Header,
    /// Not an ICD-10-CM FY2026 code.
    Unknown,
}

/// Provenance string for findings and docs.
pub const SOURCE: &str = "ICD-10-CM FY2026 (April 1, 2026 update), CMS/NCHS; \
                          AHRQ HCUP Chronic Condition Indicator Refined (CCIR) v2026.1";

/// Billable codes in the table.
pub const BILLABLE_CODES: usize = 74_719;

// A `const` rather than a `static` so the header can be checked during compilation.
const TABLE: &[u8] = include_bytes!("data/icd10cm.bin");
const HEADER_LEN: usize = 10;
const NODE_BITMAP_LEN: usize = 5;

// A regenerated table for a different release must fail the build, not ship with stale constants.
// INVARIANT: these indexes run at compile time: an out-of-range one fails the build, not a call.
#[allow(clippy::indexing_slicing)]
const _: () = {
    assert!(TABLE.len() > HEADER_LEN, "icd10cm.bin is truncated");
    assert!(
        TABLE[0] == b'I' && TABLE[1] == b'C' && TABLE[2] == b'D' && TABLE[3] == 1,
        "icd10cm.bin: bad magic or format version"
    );
    let count = u32::from_le_bytes([TABLE[4], TABLE[5], TABLE[6], TABLE[7]]);
    assert!(count as usize == BILLABLE_CODES, "icd10cm.bin code count differs from BILLABLE_CODES");
};

// INVARIANT: evaluated at compile time, after the check above that the header (10 bytes) is there.
#[allow(clippy::indexing_slicing)]
const ROOT: usize = u16::from_le_bytes([TABLE[8], TABLE[9]]) as usize;

/// `code` is already normalized: ASCII upper-case, no dot, e.g. "E119". Anything else → Unknown
/// (never panics). `Header` is a 3- to 6-character code that is not billable but begins at least
/// one billable code; shorter prefixes such as "E1" are not codes and are `Unknown`.
pub fn lookup(code: &str) -> CodeStatus {
    let code = code.as_bytes();
    if !(3..=7).contains(&code.len()) {
        return CodeStatus::Unknown;
    }
    let mut node = ROOT;
    for (i, &byte) in code.iter().enumerate() {
        let (Some(sym), Some(bitmap)) = (symbol(byte), bitmap_at(node)) else {
            return CodeStatus::Unknown;
        };
        let bit = 1u64 << sym;
        if bitmap & bit == 0 {
            return CodeStatus::Unknown;
        }
        let rank = (bitmap & (bit - 1)).count_ones() as usize;
        let Some(child) = u16_at(node + NODE_BITMAP_LEN + 2 * rank) else {
            return CodeStatus::Unknown;
        };
        let chronic = match child {
            0 => Chronic::No,
            1 => Chronic::Yes,
            2 => Chronic::Undetermined,
            // Offsets inside the header cannot be nodes: only a corrupt table has them, and
            // answering Unknown beats decoding the header as a bitmap.
            _ if child < HEADER_LEN => return CodeStatus::Unknown,
            _ => {
                node = child;
                continue;
            }
        };
        // A billable code ends the path: anything longer (e.g. "E1190") is not a code.
        return if i + 1 == code.len() { CodeStatus::Billable(chronic) } else { CodeStatus::Unknown };
    }
    CodeStatus::Header
}

fn symbol(byte: u8) -> Option<u32> {
    match byte {
        b'0'..=b'9' => Some(u32::from(byte - b'0')),
        b'A'..=b'Z' => Some(u32::from(byte - b'A') + 10),
        _ => None,
    }
}

fn bitmap_at(offset: usize) -> Option<u64> {
    let b: [u8; NODE_BITMAP_LEN] = TABLE.get(offset..offset + NODE_BITMAP_LEN)?.try_into().ok()?;
    let [b0, b1, b2, b3, b4] = b;
    Some(u64::from_le_bytes([b0, b1, b2, b3, b4, 0, 0, 0]))
}

fn u16_at(offset: usize) -> Option<usize> {
    let b: [u8; 2] = TABLE.get(offset..offset + 2)?.try_into().ok()?;
    Some(usize::from(u16::from_le_bytes(b)))
}
