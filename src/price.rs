//! Stage 6: payment (CONTRACT §6.12), in exact integer arithmetic.
//!
//! RVUs are scaled by 10^4, GPCIs by 10^6 and conversion factors by 10^4, so the amount is an
//! exact integer at 10^14 before the one half-up rounding to cents the policy asks for.
//!
//! Before pricing, [`resolve`] settles the month's payment context: a `payment.locality` picks
//! the pack's GPCIs (explicit `payment.gpci` numbers still win), an RHC or FQHC is paid the
//! national non-facility amount, and a contract-priced or uncovered code (a payer pack) bypasses
//! the fee-schedule formula.

use crate::finding::Finding;
use crate::pack::{CodeDef, GpciTable, Pack};
use crate::validate::{Checked, InputError, Issue, PaymentOptions, Setting};

/// The payment options the month is priced with, and the findings that explain them.
#[derive(Debug, Clone)]
pub struct Context {
    pub payment: PaymentOptions,
    pub findings: Vec<Finding>,
}

/// The month's payment context, or `INVALID_INPUT` for a locality the pack cannot price.
pub fn resolve(m: &Checked, pack: &Pack) -> Result<Context, InputError> {
    let mut pay = m.payment.clone();
    let table = localize(&mut pay, pack).map_err(|i| InputError::new("INVALID_INPUT", "1 problem in the input", vec![i]))?;
    let mut findings = Vec::new();
    if pay.setting.is_clinic() {
        findings.push(Finding::new(pack, "RHC_FQHC_NATIONAL_RATE", "payment.setting".into(),
            "an RHC or FQHC is paid the PFS national non-facility amount for these codes, without geographic adjustment (42 CFR 405.2464(c))".into()));
        if let Some((from, before)) = &pack.clinic_codes_from {
            if m.month.first < *from {
                findings.push(Finding::new(pack, "RHC_FQHC_G0511_PERIOD", "serviceMonth".into(), before.clone().into()));
            }
        }
    }
    if let (Some(table), Some(loc)) = (table, &pay.locality) {
        let [w, p, mp] = pay.gpci.map(decimal);
        findings.push(Finding::new(pack, "LOCALITY_GPCI", "payment.locality".into(),
            format!("priced with locality {loc}'s GPCIs (work {w}, PE {p}, MP {mp}; explicit payment.gpci numbers win) from {}", table.source).into()));
        if let Some(note) = &table.stand_in {
            findings.push(Finding::new(pack, "GPCI_STAND_IN", "payment.locality".into(), note.clone().into()));
        }
    }
    if m.qmb {
        findings.push(Finding::new(pack, "QMB_NO_COINSURANCE", "patient.qmb".into(),
            "a Qualified Medicare Beneficiary owes no coinsurance: it may not be billed to the patient (the state pays under its own rules)".into()));
    }
    Ok(Context { payment: pay, findings })
}

/// A value scaled by 10^6 as a short decimal (1042000 → "1.042"), without float formatting
/// (which would add tens of kilobytes to the wasm).
fn decimal(x: i64) -> String {
    let (whole, frac) = (x / 1_000_000, (x % 1_000_000).abs());
    let digits = format!("{frac:06}");
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() { whole.to_string() } else { format!("{whole}.{digits}") }
}

/// Settles the GPCIs: 1.0 for an RHC or FQHC (national amount, a locality ignored), else the
/// pack's GPCIs of `payment.locality` under any explicit `payment.gpci` numbers. Returns the
/// table used, or the issue when the pack cannot price the locality (never a silent default).
pub fn localize<'p>(pay: &mut PaymentOptions, pack: &'p Pack) -> Result<Option<&'p GpciTable>, Issue> {
    if pay.setting.is_clinic() {
        pay.gpci = [1_000_000; 3];
        return Ok(None);
    }
    let Some(loc) = &pay.locality else { return Ok(None) };
    let bad = |message: &str| Issue { path: "payment.locality".into(), message: message.into() };
    let table = pack.gpci.as_ref().ok_or_else(|| bad("the rule pack has no GPCI table to price a locality; give payment.gpci instead"))?;
    let g = table.localities.get(loc).ok_or_else(|| bad("is not a locality of the rule pack's GPCI table (see `ccm localities`)"))?;
    for ((mine, given), theirs) in pay.gpci.iter_mut().zip(pay.gpci_given).zip(g) {
        if !given {
            *mine = *theirs;
        }
    }
    Ok(Some(table))
}

/// One unit's amount in cents: the payer's contract amount, 0 for a code it does not cover, or
/// the fee-schedule formula.
pub fn unit_cents(code: &CodeDef, pay: &PaymentOptions, pack: &Pack) -> i64 {
    if code.not_covered.is_some() {
        return 0;
    }
    match code.contract_cents {
        Some(c) => c,
        None => rvu_cents(&code.rvu, pay, pack),
    }
}

/// The fee-schedule amount of one unit with these RVUs, in cents.
pub fn rvu_cents(rvu: &crate::pack::Rvu, pay: &PaymentOptions, pack: &Pack) -> i64 {
    let pe = match pay.setting {
        Setting::NonFacility | Setting::Rhc | Setting::Fqhc => rvu.pe_non_facility,
        Setting::Facility => rvu.pe_facility,
    };
    let [gw, gp, gm] = pay.gpci.map(i128::from);
    let rvus = rvu.work as i128 * gw + pe as i128 * gp + rvu.mp as i128 * gm;
    let cf = pack.conversion_factor(pay.qualifying_apm) as i128;
    half_up(rvus * cf, 1_000_000_000_000) as i64
}

/// A line's allowed amount and coinsurance, in cents (no coinsurance for a QMB patient).
pub fn line_cents(unit: i64, units: i64, pack: &Pack, qmb: bool) -> (i64, i64) {
    let allowed = unit.saturating_mul(units);
    let percent = if qmb { 0 } else { pack.coinsurance_percent };
    let coins = half_up(allowed as i128 * percent as i128, 100) as i64;
    (allowed, coins)
}

fn half_up(x: i128, div: i128) -> i128 {
    (x + div / 2).div_euclid(div)
}

pub fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}
