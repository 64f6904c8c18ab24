//! Stage 6: payment (CONTRACT §6.12), in exact integer arithmetic.
//!
//! RVUs are scaled by 10^4, GPCIs by 10^6 and conversion factors by 10^4, so the amount is an
//! exact integer at 10^14 before the one half-up rounding to cents the policy asks for.

use crate::pack::{Pack, Rvu};
use crate::validate::{PaymentOptions, Setting};

/// One unit's amount in cents.
pub fn unit_cents(rvu: &Rvu, pay: &PaymentOptions, pack: &Pack) -> i64 {
    let pe = match pay.setting {
        Setting::NonFacility => rvu.pe_non_facility,
        Setting::Facility => rvu.pe_facility,
    };
    let [gw, gp, gm] = pay.gpci.map(i128::from);
    let rvus = rvu.work as i128 * gw + pe as i128 * gp + rvu.mp as i128 * gm;
    let cf = pack.conversion_factor(pay.qualifying_apm) as i128;
    half_up(rvus * cf, 1_000_000_000_000) as i64
}

/// A line's allowed amount and coinsurance, in cents.
pub fn line_cents(unit: i64, units: i64, pack: &Pack) -> (i64, i64) {
    let allowed = unit.saturating_mul(units);
    let coins = half_up(allowed as i128 * pack.coinsurance_percent as i128, 100) as i64;
    (allowed, coins)
}

fn half_up(x: i128, div: i128) -> i128 {
    (x + div / 2).div_euclid(div)
}

pub fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}
