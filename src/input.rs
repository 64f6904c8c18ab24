//! Stage 1a: the input as it arrives (CONTRACT §2), read leniently: the schema.
//!
//! The JSON text is read once, by [`crate::json::reader`], straight into the typed structs below:
//! strings without escapes stay borrowed from the text (`Cow`), nothing else is built. Every leaf
//! is a [`Val`]: absent, valid, of the wrong JSON type, or over its bound. Nothing fails on a wrong
//! type or an oversized list: the problem is recorded in place (the value skipped) and
//! [`crate::validate`] reports all of them in one pass, with paths. Unknown fields are ignored; a
//! key given twice keeps its last value, as `JSON.parse` does.
//!
//! Each struct says which keys it has ([`Fields`], from one macro); the slot protocol is
//! [`crate::json::slot`]. Why not `#[derive(Deserialize)]`: the derived visitors for this lenient
//! shape were a quarter of the wasm module's code. Why not a tree first (`serde_json::Value` or
//! [`Json`]): building it, then moving it into the structs, was over a third of an evaluation.
//! The whole text is bounded (2 MiB) before reading.

pub use crate::json::{Fields, Fill, Json, Key, Leaf, List, Obj, Slot, Val, MAX_STRING_CHARS};
use serde::de::DeserializeSeed;
use std::borrow::Cow;

/// Largest JSON text accepted (bytes).
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;
/// Most time entries a month may hold.
pub const MAX_TIME_ENTRIES: usize = 2_000;
/// Most conditions.
pub const MAX_CONDITIONS: usize = 100;
/// Most other services.
pub const MAX_OTHER_SERVICES: usize = 200;
/// Bands of a what-if scenario.
pub const MAX_BANDS: usize = 100;
/// Small lists the contract leaves unbounded (`revisedOn`, `consent.elements`).
pub const MAX_SMALL_LIST: usize = 100;

/// `rulePack`: a built-in id or a full pack object.
#[derive(Debug, Clone, PartialEq)]
pub enum PackRef<'a> {
    /// A built-in pack's id.
    Id(Cow<'a, str>),
    /// A caller's own pack, as read.
    Custom(Box<Json<'a>>),
}

impl<'de> Leaf<'de> for PackRef<'de> {
    fn text(s: Cow<'de, str>) -> Val<Self> {
        match Cow::text(s) {
            Val::Ok(s) => Val::Ok(PackRef::Id(s)),
            Val::TooLarge(n) => Val::TooLarge(n),
            Val::Wrong(k) => Val::Wrong(k),
            Val::Absent => Val::Absent,
        }
    }
    // A custom pack is read as a tree, which the pack validator reads.
    fn wants_tree() -> bool {
        true
    }
    fn tree(tree: Json<'de>) -> Val<Self> {
        Val::Ok(PackRef::Custom(Box::new(tree)))
    }
}

/// Declares input structs: each field with its JSON name, all lenient, unknown fields ignored.
macro_rules! input_structs {
    ($( $(#[doc = $doc:literal])* pub struct $name:ident $(<$lt:lifetime>)? { $( pub $field:ident : $ty:ty = $key:literal, )* } )*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name $(<$lt>)? { $( #[doc = concat!("`", $key, "`.")] pub $field: $ty, )* }

        impl<'de> Fields<'de> for $name $(<$lt>)? {
            fn field(&mut self, key: &str) -> Option<&mut dyn Slot<'de>> {
                match key {
                    $( $key => Some(&mut self.$field), )*
                    _ => None,
                }
            }
        }
    )*};
}

/// A string leaf.
pub type Str<'a> = Val<Cow<'a, str>>;
/// A boolean leaf.
pub type Bool = Val<bool>;
/// A number leaf.
pub type Num = Val<f64>;

input_structs! {
    /// One patient, one calendar month, one billing practitioner (CONTRACT §2).
    pub struct MonthInput<'de> {
        pub service_month: Str<'de> = "serviceMonth",
        pub as_of: Str<'de> = "asOf",
        pub rule_pack: Val<PackRef<'de>> = "rulePack",
        pub track: Str<'de> = "track",
        pub payment: Val<Obj<PaymentIn<'de>>> = "payment",
        pub billing_practitioner: Val<Obj<BillingIn<'de>>> = "billingPractitioner",
        pub patient: Val<Obj<PatientIn<'de>>> = "patient",
        pub conditions: Val<List<Val<Obj<ConditionIn<'de>>>, MAX_CONDITIONS>> = "conditions",
        pub consent: Val<Obj<ConsentIn<'de>>> = "consent",
        pub initiating_visit: Val<Obj<VisitIn<'de>>> = "initiatingVisit",
        pub care_plan: Val<Obj<CarePlanIn<'de>>> = "carePlan",
        pub complexity: Val<Obj<ComplexityIn<'de>>> = "complexity",
        pub supervision_attested: Bool = "supervisionAttested",
        pub time_entries: Val<List<Val<Obj<TimeEntryIn<'de>>>, MAX_TIME_ENTRIES>> = "timeEntries",
        pub other_services: Val<List<Val<Obj<OtherServiceIn<'de>>>, MAX_OTHER_SERVICES>> = "otherServices",
        pub claim: Val<Obj<ClaimIn<'de>>> = "claim",
        pub programs: Val<List<Str<'de>, MAX_SMALL_LIST>> = "programs",
        pub apcm: Val<Obj<ApcmIn<'de>>> = "apcm",
    }

    /// APCM's attestations (CONTRACT §10).
    pub struct ApcmIn<'de> {
        pub responsible_for_primary_care: Bool = "responsibleForPrimaryCare",
        pub elements_attested: Val<List<Str<'de>, MAX_SMALL_LIST>> = "elementsAttested",
    }

    /// `payment`: setting, APM status, GPCIs, locality.
    pub struct PaymentIn<'de> {
        pub setting: Str<'de> = "setting",
        pub qualifying_apm_participant: Bool = "qualifyingApmParticipant",
        pub gpci: Val<Obj<GpciIn>> = "gpci",
        pub locality: Str<'de> = "locality",
    }

    /// `payment.gpci`.
    pub struct GpciIn {
        pub work: Num = "work",
        pub pe: Num = "pe",
        pub mp: Num = "mp",
    }

    /// `billingPractitioner`.
    pub struct BillingIn<'de> {
        pub id: Str<'de> = "id",
        pub credential: Str<'de> = "credential",
        pub group_id: Str<'de> = "groupId",
    }

    /// `patient`.
    pub struct PatientIn<'de> {
        pub reference: Str<'de> = "ref",
        pub new_patient: Bool = "newPatient",
        pub last_visit_date: Str<'de> = "lastVisitDate",
        pub qmb: Bool = "qmb",
    }

    /// One of `conditions`.
    pub struct ConditionIn<'de> {
        pub code: Str<'de> = "code",
        pub chronic: Bool = "chronic",
        pub significant_risk: Bool = "significantRisk",
        pub pcm_focus: Bool = "pcmFocus",
    }

    /// `consent`.
    pub struct ConsentIn<'de> {
        pub status: Str<'de> = "status",
        pub date: Str<'de> = "date",
        pub method: Str<'de> = "method",
        pub version: Str<'de> = "version",
        pub text_sha256: Str<'de> = "textSha256",
        pub practitioner_id: Str<'de> = "practitionerId",
        pub elements: Val<List<Str<'de>, MAX_SMALL_LIST>> = "elements",
        pub revoked_on: Str<'de> = "revokedOn",
        pub captured_by: Val<Obj<CapturedByIn<'de>>> = "capturedBy",
    }

    /// `consent.capturedBy`.
    pub struct CapturedByIn<'de> {
        pub name: Str<'de> = "name",
        pub role: Str<'de> = "role",
    }

    /// `initiatingVisit`.
    pub struct VisitIn<'de> {
        pub date: Str<'de> = "date",
        pub kind: Str<'de> = "type",
        pub practitioner_id: Str<'de> = "practitionerId",
    }

    /// `carePlan`.
    pub struct CarePlanIn<'de> {
        pub established: Str<'de> = "established",
        pub electronic: Bool = "electronic",
        pub accessible_24x7: Bool = "accessible24x7",
        pub shared_with_patient: Bool = "sharedWithPatient",
        pub signed_by: Str<'de> = "signedBy",
        pub signed_on: Str<'de> = "signedOn",
        pub last_reviewed: Str<'de> = "lastReviewed",
        pub revised_on: Val<List<Str<'de>, MAX_SMALL_LIST>> = "revisedOn",
        pub disease_specific: Bool = "diseaseSpecific",
    }

    /// `complexity`.
    pub struct ComplexityIn<'de> {
        pub mdm: Str<'de> = "mdm",
    }

    /// One of `timeEntries`.
    pub struct TimeEntryIn<'de> {
        pub id: Str<'de> = "id",
        pub performer: Val<Obj<PerformerIn<'de>>> = "performer",
        pub start: Str<'de> = "start",
        pub end: Str<'de> = "end",
        pub date: Str<'de> = "date",
        pub minutes: Num = "minutes",
        pub narrative: Str<'de> = "narrative",
        pub service: Str<'de> = "service",
        pub patient_setting: Str<'de> = "patientSetting",
    }

    /// `timeEntries[].performer`.
    pub struct PerformerIn<'de> {
        pub name: Str<'de> = "name",
        pub role: Str<'de> = "role",
        pub id: Str<'de> = "id",
    }

    /// One of `otherServices`.
    pub struct OtherServiceIn<'de> {
        pub code: Str<'de> = "code",
        pub date: Str<'de> = "date",
        pub practitioner_id: Str<'de> = "practitionerId",
        pub group_id: Str<'de> = "groupId",
    }

    /// `claim`: the consent pinned on the claim.
    pub struct ClaimIn<'de> {
        pub consent_version: Str<'de> = "consentVersion",
        pub consent_text_sha256: Str<'de> = "consentTextSha256",
    }

    /// A what-if scenario (CONTRACT §7; [`crate::whatif`]).
    pub struct ScenarioIn<'de> {
        pub rule_pack: Val<PackRef<'de>> = "rulePack",
        pub service_month: Str<'de> = "serviceMonth",
        pub payment: Val<Obj<PaymentIn<'de>>> = "payment",
        pub patients: Num = "patients",
        pub eligible_share: Num = "eligibleShare",
        pub enrollment: Num = "enrollment",
        pub staff_cost_per_hour: Num = "staffCostPerHour",
        pub bands: Val<List<Val<Obj<BandIn<'de>>>, MAX_BANDS>> = "bands",
        pub programs: Val<List<Str<'de>, MAX_SMALL_LIST>> = "programs",
    }

    /// One band of a what-if scenario: a share of the panel with the same minutes a month.
    pub struct BandIn<'de> {
        pub track: Str<'de> = "track",
        pub minutes: Num = "minutes",
        pub share: Num = "share",
    }
}

/// The top level: an object, or the wrong kind of JSON value.
pub type Root<'a> = Val<Obj<MonthInput<'a>>>;

/// Parses JSON text into the lenient input; only JSON syntax can fail (see [`crate::json::reader`]).
pub fn parse_root(json: &str) -> Result<Root<'_>, crate::json::reader::SyntaxError> {
    let mut root = Root::Absent;
    crate::json::reader::read(json, &mut root)?;
    Ok(root)
}

/// The same through serde_json and [`Fill`]: the reference the reader is tested against
/// (tests/reader.rs). Not used by the engine.
#[doc(hidden)]
pub fn parse_root_serde(json: &str) -> Result<Root<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let mut root = Root::Absent;
    Fill(&mut root).deserialize(&mut de)?;
    de.end()?;
    Ok(root)
}
