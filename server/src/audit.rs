//! The access log, typed. Every read of health data, allowed or denied, becomes one [`AuditEvent`],
//! written with [`record`] inside the same transaction as the read: if the row cannot be written,
//! the transaction fails and the data is not returned.
//!
//! What is logged: who (account and role), whose record, which category or resource, the basis or
//! the reason for refusal, the request id. Never the health data itself, codes or credentials.

use crate::policy::{Actor, Basis, Category, DenyReason};
use crate::store::audit::AuditRow;
use crate::store::{Conn, StoreError};

#[derive(Clone, Debug)]
pub enum AuditEvent<'a> {
    ReadAllowed { actor: &'a Actor, patient_id: &'a str, category: Category, resource_id: Option<&'a str>, basis: Basis },
    ReadDenied { actor: &'a Actor, patient_id: Option<&'a str>, category: Category, resource_id: Option<&'a str>, reason: DenyReason },
    Enrolled { account_id: &'a str, role: &'a str, patient_id: Option<&'a str> },
    SignedIn { account_id: &'a str, role: &'a str },
    SignedOut { account_id: &'a str, role: &'a str },
    PasskeyAdded { account_id: &'a str, role: &'a str },
    PasskeyRemoved { account_id: &'a str, role: &'a str },
}

impl AuditEvent<'_> {
    fn to_row(&self, request_id: &str, now: i64) -> AuditRow {
        let base = AuditRow {
            audit_event_id: 0,
            occurred_at: now,
            request_id: request_id.to_string(),
            actor_account_id: None,
            actor_role: None,
            patient_id: None,
            action: String::new(),
            category: None,
            resource_id: None,
            basis: None,
            outcome: "allowed".into(),
            reason: None,
        };
        let account = |account_id: &str, role: &str, action: &str| AuditRow {
            actor_account_id: Some(account_id.to_string()),
            actor_role: Some(role.to_string()),
            action: action.to_string(),
            ..base.clone()
        };
        match self {
            AuditEvent::ReadAllowed { actor, patient_id, category, resource_id, basis } => AuditRow {
                actor_account_id: actor.account_id().map(str::to_string),
                actor_role: actor.role().map(str::to_string),
                patient_id: Some(patient_id.to_string()),
                action: "read".into(),
                category: Some(category.as_str().into()),
                resource_id: resource_id.map(str::to_string),
                basis: Some(basis.as_str().into()),
                ..base
            },
            AuditEvent::ReadDenied { actor, patient_id, category, resource_id, reason } => AuditRow {
                actor_account_id: actor.account_id().map(str::to_string),
                actor_role: actor.role().map(str::to_string),
                patient_id: patient_id.map(str::to_string),
                action: "read".into(),
                category: Some(category.as_str().into()),
                resource_id: resource_id.map(str::to_string),
                outcome: "denied".into(),
                reason: Some(reason.as_str().into()),
                ..base
            },
            AuditEvent::Enrolled { account_id, role, patient_id } => AuditRow {
                patient_id: patient_id.map(str::to_string),
                ..account(account_id, role, "enrol")
            },
            AuditEvent::SignedIn { account_id, role } => account(account_id, role, "sign_in"),
            AuditEvent::SignedOut { account_id, role } => account(account_id, role, "sign_out"),
            AuditEvent::PasskeyAdded { account_id, role } => account(account_id, role, "passkey_add"),
            AuditEvent::PasskeyRemoved { account_id, role } => account(account_id, role, "passkey_remove"),
        }
    }
}

/// Appends one event in the caller's transaction.
pub async fn record(conn: &mut Conn, event: AuditEvent<'_>, request_id: &str, now: i64) -> Result<(), StoreError> {
    crate::store::audit::insert(conn, &event.to_row(request_id, now)).await
}
