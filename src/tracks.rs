//! Stage 5: what each track's time supports (CONTRACT §6.5). Thresholds, unit sizes and caps are
//! the pack's `codes`; this module only applies them.

use crate::pack::{CodeDef, TrackDef};
use crate::time::Pool;

#[derive(Debug, Clone, PartialEq)]
pub struct Unit<'p> {
    pub code: &'p CodeDef,
    pub units: i64,
    /// Day index of the month on which the pool reached this line's minutes.
    pub met_on: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrackTime<'p> {
    pub track: &'p TrackDef,
    pub minutes: i64,
    pub lines: Vec<Unit<'p>>,
    /// The pool holds time for more add-on units than the cap allows.
    pub capped: bool,
    /// The next code within reach and the minutes it still needs.
    pub next: Option<(&'p CodeDef, i64)>,
    /// The track's own requirement (complex: MDM level) is met.
    pub requirement_met: bool,
}

pub fn support<'p>(track: &'p TrackDef, pool: &Pool, mdm: Option<&str>) -> TrackTime<'p> {
    let minutes = pool.minutes();
    let base = &track.base;
    let mut out = TrackTime {
        track,
        minutes,
        lines: Vec::new(),
        capped: false,
        next: None,
        requirement_met: track.mdm.is_empty() || mdm.is_some_and(|m| track.mdm.iter().any(|x| x == m)),
    };
    if minutes < base.threshold_minutes {
        out.next = Some((base, base.threshold_minutes - minutes));
        return out;
    }
    out.lines.push(Unit { code: base, units: 1, met_on: pool.reached_on(base.threshold_minutes) });
    if let Some(addon) = &track.addon {
        let fit = (minutes - base.threshold_minutes) / addon.unit_minutes;
        let units = addon.max_units.map_or(fit, |cap| fit.min(cap));
        out.capped = addon.max_units.is_some_and(|cap| fit > cap);
        if units > 0 {
            let reached = base.threshold_minutes + units * addon.unit_minutes;
            out.lines.push(Unit { code: addon, units, met_on: pool.reached_on(reached) });
        }
        if addon.max_units.map_or(true, |cap| units < cap) {
            let needed = base.threshold_minutes + (units + 1) * addon.unit_minutes - minutes;
            out.next = Some((addon, needed));
        }
    }
    out
}
