//! Stage 4: other services billed for the patient this month (CONTRACT §6.10). The conflict
//! table (codes, and the severity by who billed them) is pack data.

use crate::finding::Finding;
use crate::pack::{Conflict, Pack};
use crate::validate::Checked;

/// The findings of `table` (a program's conflict table) for the month's other services; `name`
/// is how messages call the program.
pub fn find_conflicts(m: &Checked, pack: &Pack, table: &[Conflict], name: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in m.other_services.iter().enumerate() {
        if s.date.is_some_and(|d| !m.month.contains(d)) {
            continue;
        }
        let same_practitioner = s.practitioner_id == Some(m.billing_id);
        let same_group = !same_practitioner
            && matches!((&s.group_id, &m.group_id), (Some(a), Some(b)) if a == b);
        for c in table.iter().filter(|c| c.codes.contains(&s.code)) {
            let (severity, who) = if same_practitioner {
                (c.same_practitioner, "the billing practitioner")
            } else if same_group {
                (c.same_group, "the same group")
            } else {
                (c.other, "another practitioner")
            };
            if let Some(sev) = severity {
                out.push(Finding::with_severity(pack, c.finding.clone(), sev, format!("otherServices[{i}]"),
                    format!("{} billed by {who} in the service month conflicts with {name}", s.code).into()));
            }
        }
    }
    out
}
