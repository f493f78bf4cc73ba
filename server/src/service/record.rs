//! Record use cases: what a person sees of a record, each through [`Portal::guarded_read`].

use app::dto::{Overview, Vaccinations, VisitDetail, Visits};
use app::port::RequestMeta;

use super::mapping;
use super::{Portal, Target};
use crate::error::ServiceError;
use crate::policy::{Authorized, Category};
use crate::store::{self, StoreError};

/// How many visits the overview lists.
const LATEST_VISITS: usize = 5;

pub(crate) fn target(patient_id: Option<String>) -> Target {
    match patient_id {
        None => Target::Own,
        Some(id) => Target::Patient(id),
    }
}

async fn patient(conn: &mut store::Conn, patient_id: &str) -> Result<store::patient::PatientRow, StoreError> {
    store::patient::by_id(conn, patient_id).await?.ok_or(StoreError::NotFound)
}

/// The schedule engine's verdicts for this person today, with the schedule version; `None` when
/// the schedule or the birth date cannot be read.
fn schedule(
    patient: &store::patient::PatientRow,
    rows: &[store::clinical::ClinicalRow],
    today: chrono::NaiveDate,
) -> Option<(Vec<app::dto::ScheduleItem>, String)> {
    let schedule = crate::schedule::Schedule::shared()?;
    let birth = crate::fhir::date::latest_day(&patient.birth_date)?;
    let statuses = crate::schedule::evaluate(schedule, birth, &mapping::given_doses(rows), today);
    Some((mapping::schedule_items(&statuses), schedule.version.clone()))
}

impl Portal {
    pub async fn overview(&self, meta: &RequestMeta, patient_id: Option<String>) -> Result<Authorized<Overview>, ServiceError> {
        const CATEGORIES: [Category; 6] = [
            Category::Administrative,
            Category::Allergies,
            Category::Conditions,
            Category::Medications,
            Category::Visits,
            Category::Immunizations,
        ];
        let today = meta.zone.date_at(meta.now_ms);
        self.guarded_read(meta, target(patient_id), &CATEGORIES, move |conn, patient_id| {
            Box::pin(async move {
                let patient = patient(conn, &patient_id).await?;
                let rows =
                    store::clinical::by_patient(conn, &patient_id, &["allergies", "conditions", "medications", "visits", "immunizations"])
                        .await?;
                let mut overview = mapping::overview(&patient, &rows, LATEST_VISITS);
                overview.vaccinations_due = schedule(&patient, &rows, today)
                    .map(|(items, _)| {
                        items.into_iter().filter(|item| matches!(item.state.as_str(), "due" | "overdue" | "recommended")).collect()
                    })
                    .unwrap_or_default();
                overview.emergencies = super::consent::emergencies_on(conn, &patient_id).await?;
                Ok(overview)
            })
        })
        .await
    }

    pub async fn vaccinations(&self, meta: &RequestMeta, patient_id: Option<String>) -> Result<Authorized<Vaccinations>, ServiceError> {
        let today = meta.zone.date_at(meta.now_ms);
        self.guarded_read(meta, target(patient_id), &[Category::Administrative, Category::Immunizations], move |conn, patient_id| {
            Box::pin(async move {
                let patient = patient(conn, &patient_id).await?;
                let rows = store::clinical::by_patient(conn, &patient_id, &["immunizations"]).await?;
                let mut vaccinations = mapping::vaccinations(&patient, &rows);
                if let Some((items, version)) = schedule(&patient, &rows, today) {
                    vaccinations.schedule = items;
                    vaccinations.schedule_version = version;
                }
                Ok(vaccinations)
            })
        })
        .await
    }

    pub async fn visits(&self, meta: &RequestMeta, patient_id: Option<String>) -> Result<Authorized<Visits>, ServiceError> {
        self.guarded_read(meta, target(patient_id), &[Category::Administrative, Category::Visits], |conn, patient_id| {
            Box::pin(async move {
                let patient = patient(conn, &patient_id).await?;
                let rows = store::clinical::by_patient(conn, &patient_id, &["visits"]).await?;
                Ok(mapping::visits(&patient, &rows))
            })
        })
        .await
    }

    pub async fn visit_detail(&self, meta: &RequestMeta, visit_id: String) -> Result<Authorized<VisitDetail>, ServiceError> {
        const CATEGORIES: [Category; 5] =
            [Category::Visits, Category::Conditions, Category::LabResults, Category::Medications, Category::Documents];
        let target = Target::Resource(visit_id.clone());
        self.guarded_read(meta, target, &CATEGORIES, move |conn, patient_id| {
            Box::pin(async move {
                let encounter = store::clinical::by_id(conn, &visit_id).await?.ok_or(StoreError::NotFound)?;
                if encounter.resource_type != "Encounter" || encounter.patient_id != patient_id {
                    return Err(StoreError::NotFound);
                }
                let related = store::clinical::by_encounter(conn, &patient_id, &visit_id).await?;
                mapping::visit_detail(&encounter, &related)
            })
        })
        .await
        .map_err(|error| match error {
            ServiceError::Store(StoreError::NotFound) => ServiceError::NotFound,
            other => other,
        })
    }
}
