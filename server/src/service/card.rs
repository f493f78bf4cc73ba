//! Vaccination certificates: issuing a SMART Health Card from the citizen's own record (a guarded,
//! audited read like any other), and checking one (no sign-in, nothing stored).

use app::dto::{CardCheck, CardChoice, CardDose, CardPage, HealthCard};
use app::error::InvalidInput;
use app::port::RequestMeta;

use super::mapping::{self, CardCandidate};
use super::Portal;
use crate::error::ServiceError;
use crate::policy::{Authorized, Category};
use crate::shc::{self, CardSubject, Verdict};
use crate::store::{self, StoreError};

/// A card page with, when a card was issued, its compact JWS (for the file download).
pub struct IssuedCard {
    pub page: CardPage,
    pub jws: Option<String>,
}

impl Portal {
    /// The choices of doses for a card and, with `selection`, the signed card. The citizen's own
    /// record (`patient_id` `None`), or a child's they are the guardian of (the card names the
    /// child: it asserts who was vaccinated, and a parent carries it for an infant).
    pub async fn health_card(
        &self,
        meta: &RequestMeta,
        selection: Option<String>,
        patient_id: Option<String>,
    ) -> Result<Authorized<IssuedCard>, ServiceError> {
        let read = self
            .guarded_read(
                meta,
                super::record::target(patient_id),
                &[Category::Administrative, Category::Immunizations],
                |conn, patient_id| {
                    Box::pin(async move {
                        let patient = store::patient::by_id(conn, &patient_id).await?.ok_or(StoreError::NotFound)?;
                        let rows = store::clinical::by_patient(conn, &patient_id, &["immunizations"]).await?;
                        Ok((patient, rows))
                    })
                },
            )
            .await?;
        let issuer = self.cards.issuer.clone();
        let ring = self.cards.ring();
        let now_ms = meta.now_ms;
        let issued = read.map(|(patient, rows)| {
            let candidates = mapping::card_candidates(&rows);
            let choices = choices(&candidates);
            let Some(selection) = selection.filter(|s| !s.is_empty()) else {
                return Ok(IssuedCard { page: CardPage { choices, card: None }, jws: None });
            };
            let chosen: Vec<&CardCandidate> = candidates.iter().filter(|c| selects(&selection, c)).collect();
            if chosen.is_empty() || !choices.iter().any(|choice| choice.value == selection) {
                return Err(ServiceError::Invalid(InvalidInput::UnknownCardSelection));
            }
            let subject = CardSubject {
                family: patient.family_name.clone(),
                given: patient.given_names.split_whitespace().map(str::to_string).collect(),
                birth_date: patient.birth_date.clone(),
            };
            let doses: Vec<shc::CardDose> = chosen.iter().map(|c| c.dose.clone()).collect();
            let payload = shc::payload(&issuer, now_ms / 1000, &subject, &doses);
            let jws = shc::sign(&ring, &payload);
            if jws.len() > shc::MAX_SINGLE_QR_JWS {
                return Err(ServiceError::Invalid(InvalidInput::CardTooLarge));
            }
            let numeric = shc::to_numeric(&jws);
            let qr_svg = shc::qr_svg(&numeric).map_err(|_| ServiceError::Invalid(InvalidInput::CardTooLarge))?;
            let card = HealthCard {
                selection,
                holder: patient.full_name(),
                birth_date: patient.birth_date.clone(),
                doses: chosen.iter().map(|c| c.view.clone()).collect(),
                shc: numeric,
                qr_svg,
                issuer: issuer.clone(),
                issued_at: super::consent::iso(now_ms),
            };
            Ok(IssuedCard { page: CardPage { choices, card: Some(card) }, jws: Some(jws) })
        });
        issued.transpose()
    }

    /// Checks a card. Public: reads no record, stores nothing.
    pub fn check_card(&self, meta: &RequestMeta, code: &str) -> CardCheck {
        let verdict = self.cards.check(code, meta.now_ms / 1000);
        let outcome = match &verdict {
            Verdict::Valid(_) => "valid",
            Verdict::Malformed => "malformed",
            Verdict::MultiPart { .. } => "multi_part",
            Verdict::BadSignature { .. } => "bad_signature",
            Verdict::UnknownIssuer { .. } => "unknown_issuer",
            Verdict::Expired { .. } => "expired",
            Verdict::NotYetValid { .. } => "not_yet_valid",
        };
        tracing::info!(outcome, "health card checked");
        let mut check = CardCheck {
            outcome: outcome.into(),
            issuer: String::new(),
            issuer_name: String::new(),
            holder: String::new(),
            birth_date: String::new(),
            issued_at: String::new(),
            doses: Vec::new(),
        };
        match verdict {
            Verdict::Valid(card) => {
                check.issuer = card.issuer;
                check.issuer_name = card.issuer_name;
                check.holder = [card.subject.family.as_str()]
                    .into_iter()
                    .chain(card.subject.given.iter().map(String::as_str))
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                check.birth_date = card.subject.birth_date;
                check.issued_at = super::consent::iso(card.issued_at_seconds.saturating_mul(1000));
                check.doses = card
                    .doses
                    .into_iter()
                    .map(|dose| {
                        let (vi, en) = shc::cvx::names(&dose.cvx);
                        CardDose {
                            cvx: dose.cvx,
                            name_vi: vi,
                            name_en: en,
                            date: dose.date,
                            lot: dose.lot.unwrap_or_default(),
                            performer: dose.performer.unwrap_or_default(),
                        }
                    })
                    .collect();
            }
            Verdict::BadSignature { issuer }
            | Verdict::UnknownIssuer { issuer }
            | Verdict::Expired { issuer }
            | Verdict::NotYetValid { issuer } => check.issuer = issuer,
            Verdict::Malformed | Verdict::MultiPart { .. } => {}
        }
        check
    }
}

fn selects(selection: &str, candidate: &CardCandidate) -> bool {
    match selection {
        "all" => true,
        "covid" => candidate.covid,
        other => other.strip_prefix("cvx:").is_some_and(|code| code == candidate.dose.cvx),
    }
}

/// `all`, then `covid` when there are COVID-19 doses, then one choice per vaccine.
fn choices(candidates: &[CardCandidate]) -> Vec<CardChoice> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let count = |value: &str| u32::try_from(candidates.iter().filter(|c| selects(value, c)).count()).unwrap_or(u32::MAX);
    let mut choices = vec![CardChoice { value: "all".into(), label: String::new(), doses: count("all") }];
    if candidates.iter().any(|c| c.covid) {
        choices.push(CardChoice { value: "covid".into(), label: String::new(), doses: count("covid") });
    }
    for candidate in candidates {
        let value = format!("cvx:{}", candidate.dose.cvx);
        if !choices.iter().any(|choice| choice.value == value) {
            let doses = count(&value);
            choices.push(CardChoice { value, label: candidate.view.name_vi.clone(), doses });
        }
    }
    choices
}
