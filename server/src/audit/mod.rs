//! The access log, typed. Every read of health data, allowed or denied, becomes one [`AuditEvent`],
//! written with [`record`] inside the same transaction as the read: if the row cannot be written,
//! the transaction fails and the data is not returned.
//!
//! What is logged: who (account, role, facility), whose record, which category or resource, the
//! purpose, the basis (and the grant or break-glass it rests on) or the reason for refusal, the
//! request id. Only ids and codes: never names, CCCDs, health data, codes or credentials, so the
//! hash chain ([`chain`]) never has to hold personal data that a later erasure would remove.

pub mod chain;

use crate::policy::{Actor, Basis, Category, DenyReason, Permit};
use crate::store::audit::AuditRow;
use crate::store::{Conn, StoreError};

#[derive(Clone, Debug)]
pub enum AuditEvent<'a> {
    ReadAllowed {
        actor: &'a Actor,
        patient_id: &'a str,
        category: Category,
        resource_id: Option<&'a str>,
        permit: &'a Permit,
    },
    ReadDenied {
        actor: &'a Actor,
        patient_id: Option<&'a str>,
        category: Category,
        resource_id: Option<&'a str>,
        reason: DenyReason,
    },
    /// A clinician's patient search: which record matched (if any), never the search term.
    PatientSearch {
        actor: &'a Actor,
        patient_id: Option<&'a str>,
    },
    Enrolled {
        account_id: &'a str,
        role: &'a str,
        patient_id: Option<&'a str>,
    },
    SignedIn {
        account_id: &'a str,
        role: &'a str,
    },
    SignedOut {
        account_id: &'a str,
        role: &'a str,
    },
    /// The person ended one or more of their other sessions ("sign out other devices").
    SessionsEnded {
        account_id: &'a str,
        role: &'a str,
    },
    PasskeyAdded {
        account_id: &'a str,
        role: &'a str,
    },
    /// The person created or revoked a bearer token for the FHIR API (`token_id` names it).
    ApiTokenCreated {
        account_id: &'a str,
        role: &'a str,
        token_id: &'a str,
    },
    ApiTokenRevoked {
        account_id: &'a str,
        role: &'a str,
        token_id: &'a str,
    },
    PasskeyRemoved {
        account_id: &'a str,
        role: &'a str,
    },
    /// A consent grant made on `patient_id`'s record. `acting_as` is `Some(Guardian)` or
    /// `Some(Helper)` when someone made it for the person (written as the row's basis), `None` for
    /// the person themselves.
    GrantCreated {
        actor: &'a Actor,
        patient_id: &'a str,
        grant_id: &'a str,
        acting_as: Option<Basis>,
    },
    /// A consent grant revoked; `acting_as` as for [`AuditEvent::GrantCreated`] (`None` also for
    /// an administrator's revocation).
    GrantRevoked {
        actor: &'a Actor,
        patient_id: &'a str,
        grant_id: &'a str,
        acting_as: Option<Basis>,
    },
    BreakGlassDeclared {
        actor: &'a Actor,
        patient_id: &'a str,
        break_glass_id: &'a str,
    },
    /// Someone who is not an active administrator reached an administrator route or function
    /// (`what` is its path), or an administrator tried a destructive action without a fresh
    /// passkey confirmation.
    AdminDenied {
        actor: &'a Actor,
        what: &'a str,
        reason: DenyReason,
    },
    /// The person confirmed it is them with a passkey while signed in (sudo mode).
    Reauthenticated {
        account_id: &'a str,
        role: &'a str,
    },
    /// A clinician signed in through their facility's identity provider.
    FederatedSignIn {
        account_id: &'a str,
        role: &'a str,
        facility_id: &'a str,
    },
    /// A citizen proved who they are at the national identity provider; their record waits for a passkey.
    IdentityProofed {
        patient_id: &'a str,
    },
    /// A federated sign-in or identity proofing was refused. `action` is `oidc_sign_in` or
    /// `identity_proof`; `reason` a [`crate::auth::federation::Refusal`] code.
    FederationRefused {
        action: &'static str,
        facility_id: Option<&'a str>,
        patient_id: Option<&'a str>,
        reason: &'static str,
    },
    /// A facility's system imported a bundle that changed this record (`provenance_id` names the
    /// Provenance listing what it wrote; `client_id` the machine credentials it used).
    Imported {
        facility_id: &'a str,
        client_id: &'a str,
        patient_id: &'a str,
        provenance_id: &'a str,
    },
    /// A facility's system looked a person up by an identifier (a CCCD, an identifier it sent
    /// before, a `Patient/<id>` reference) while importing: `patient_id` is the record found, `None`
    /// if no one matched. Written whatever became of the import (refused or changing nothing
    /// included), since its answer tells the facility whether the person has a record here.
    PatientLookup {
        facility_id: &'a str,
        client_id: &'a str,
        patient_id: Option<&'a str>,
    },
    /// A family link made, accepted or ended, written once for each of its two records so that
    /// both people see it in their access log. Guardianship (`guardianship_establish`,
    /// `guardianship_end`): `code` is the basis (`birth_registration`, ...) or who ended it
    /// (`administrator`, `young_person`); the papers' number stays in its own table. Helper
    /// (`helper_nominate`, `helper_accept`, `helper_end`): `code` is the chosen category codes
    /// or who ended it (`person`, `helper`). `link_id` is the guardianship or helper id.
    Link {
        actor: &'a Actor,
        action: &'static str,
        patient_id: &'a str,
        link_id: &'a str,
        code: &'a str,
    },
    /// An administrator's action. `action` is a code (`account_suspend`, `break_glass_review`, ...);
    /// `target` the account, code, facility or audit query it acted on; `code` a short outcome code
    /// (e.g. `justified`). Free text (reasons, notes) stays in its own table, never in the chain.
    AdminAction {
        actor: &'a Actor,
        action: &'static str,
        patient_id: Option<&'a str>,
        target: Option<&'a str>,
        basis_ref: Option<&'a str>,
        code: Option<&'a str>,
    },
}

fn base(request_id: &str, now: i64) -> AuditRow {
    AuditRow {
        audit_event_id: 0,
        occurred_at: now,
        request_id: request_id.to_string(),
        actor_account_id: None,
        actor_role: None,
        actor_facility_id: None,
        patient_id: None,
        action: String::new(),
        category: None,
        resource_id: None,
        basis: None,
        basis_ref: None,
        purpose: None,
        outcome: "allowed".into(),
        reason: None,
        prev_hash: String::new(),
        entry_hash: String::new(),
    }
}

fn base_action(action: &str, request_id: &str, now: i64) -> AuditRow {
    AuditRow { action: action.to_string(), ..base(request_id, now) }
}

fn by_actor(actor: &Actor, action: &str, request_id: &str, now: i64) -> AuditRow {
    AuditRow {
        actor_account_id: actor.account_id().map(str::to_string),
        actor_role: actor.role().map(str::to_string),
        actor_facility_id: actor.facility_id().map(str::to_string),
        purpose: actor.purpose().map(|p| p.as_str().to_string()),
        action: action.to_string(),
        ..base(request_id, now)
    }
}

fn by_account(account_id: &str, role: &str, action: &str, request_id: &str, now: i64) -> AuditRow {
    AuditRow {
        actor_account_id: Some(account_id.to_string()),
        actor_role: Some(role.to_string()),
        action: action.to_string(),
        ..base(request_id, now)
    }
}

impl AuditEvent<'_> {
    fn to_row(&self, request_id: &str, now: i64) -> AuditRow {
        match self {
            AuditEvent::ReadAllowed { actor, patient_id, category, resource_id, permit } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                category: Some(category.as_str().into()),
                resource_id: resource_id.map(str::to_string),
                basis: Some(permit.basis().as_str().into()),
                basis_ref: permit.basis_ref().map(str::to_string),
                ..by_actor(actor, "read", request_id, now)
            },
            AuditEvent::ReadDenied { actor, patient_id, category, resource_id, reason } => AuditRow {
                patient_id: patient_id.map(str::to_string),
                category: Some(category.as_str().into()),
                resource_id: resource_id.map(str::to_string),
                outcome: "denied".into(),
                reason: Some(reason.as_str().into()),
                ..by_actor(actor, "read", request_id, now)
            },
            AuditEvent::PatientSearch { actor, patient_id } => AuditRow {
                patient_id: patient_id.map(str::to_string),
                category: Some(Category::Administrative.as_str().into()),
                reason: patient_id.is_none().then(|| "no_match".to_string()),
                ..by_actor(actor, "search", request_id, now)
            },
            AuditEvent::Enrolled { account_id, role, patient_id } => {
                AuditRow { patient_id: patient_id.map(str::to_string), ..by_account(account_id, role, "enrol", request_id, now) }
            }
            AuditEvent::Imported { facility_id, client_id, patient_id, provenance_id } => AuditRow {
                actor_role: Some("facility_system".into()),
                actor_facility_id: Some(facility_id.to_string()),
                patient_id: Some(patient_id.to_string()),
                resource_id: Some(provenance_id.to_string()),
                basis_ref: Some(client_id.to_string()),
                ..base_action("import", request_id, now)
            },
            AuditEvent::PatientLookup { facility_id, client_id, patient_id } => AuditRow {
                actor_role: Some("facility_system".into()),
                actor_facility_id: Some(facility_id.to_string()),
                patient_id: patient_id.map(str::to_string),
                category: Some(Category::Administrative.as_str().into()),
                basis_ref: Some(client_id.to_string()),
                reason: patient_id.is_none().then(|| "no_match".to_string()),
                ..base_action("patient_lookup", request_id, now)
            },
            AuditEvent::SignedIn { account_id, role } => by_account(account_id, role, "sign_in", request_id, now),
            AuditEvent::SignedOut { account_id, role } => by_account(account_id, role, "sign_out", request_id, now),
            AuditEvent::SessionsEnded { account_id, role } => by_account(account_id, role, "sessions_end", request_id, now),
            AuditEvent::ApiTokenCreated { account_id, role, token_id } => {
                AuditRow { resource_id: Some(token_id.to_string()), ..by_account(account_id, role, "api_token_create", request_id, now) }
            }
            AuditEvent::ApiTokenRevoked { account_id, role, token_id } => {
                AuditRow { resource_id: Some(token_id.to_string()), ..by_account(account_id, role, "api_token_revoke", request_id, now) }
            }
            AuditEvent::PasskeyAdded { account_id, role } => by_account(account_id, role, "passkey_add", request_id, now),
            AuditEvent::PasskeyRemoved { account_id, role } => by_account(account_id, role, "passkey_remove", request_id, now),
            AuditEvent::GrantCreated { actor, patient_id, grant_id, acting_as } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                basis: acting_as.map(|basis| basis.as_str().to_string()),
                basis_ref: Some(grant_id.to_string()),
                ..by_actor(actor, "grant_create", request_id, now)
            },
            AuditEvent::GrantRevoked { actor, patient_id, grant_id, acting_as } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                basis: acting_as.map(|basis| basis.as_str().to_string()),
                basis_ref: Some(grant_id.to_string()),
                ..by_actor(actor, "grant_revoke", request_id, now)
            },
            AuditEvent::BreakGlassDeclared { actor, patient_id, break_glass_id } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                basis: Some("break_glass".into()),
                basis_ref: Some(break_glass_id.to_string()),
                ..by_actor(actor, "break_glass_declare", request_id, now)
            },
            AuditEvent::AdminDenied { actor, what, reason } => AuditRow {
                resource_id: Some(what.to_string()),
                outcome: "denied".into(),
                reason: Some(reason.as_str().into()),
                ..by_actor(actor, "admin_access", request_id, now)
            },
            AuditEvent::FederatedSignIn { account_id, role, facility_id } => AuditRow {
                actor_facility_id: Some(facility_id.to_string()),
                basis: Some("federated".into()),
                ..by_account(account_id, role, "sign_in", request_id, now)
            },
            AuditEvent::IdentityProofed { patient_id } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                basis: Some("national_idp".into()),
                ..base_action("identity_proof", request_id, now)
            },
            AuditEvent::FederationRefused { action, facility_id, patient_id, reason } => AuditRow {
                patient_id: patient_id.map(str::to_string),
                resource_id: facility_id.map(str::to_string),
                outcome: "denied".into(),
                reason: Some(reason.to_string()),
                ..base_action(action, request_id, now)
            },
            AuditEvent::Reauthenticated { account_id, role } => by_account(account_id, role, "reauth", request_id, now),
            AuditEvent::Link { actor, action, patient_id, link_id, code } => AuditRow {
                patient_id: Some(patient_id.to_string()),
                resource_id: Some(link_id.to_string()),
                basis_ref: Some(link_id.to_string()),
                reason: Some(code.to_string()),
                ..by_actor(actor, action, request_id, now)
            },
            AuditEvent::AdminAction { actor, action, patient_id, target, basis_ref, code } => AuditRow {
                patient_id: patient_id.map(str::to_string),
                resource_id: target.map(str::to_string),
                basis_ref: basis_ref.map(str::to_string),
                reason: code.map(str::to_string),
                ..by_actor(actor, action, request_id, now)
            },
        }
    }
}

/// Appends one event to the chain in the caller's transaction. Returns its id.
pub async fn record(conn: &mut Conn, event: AuditEvent<'_>, request_id: &str, now: i64) -> Result<i64, StoreError> {
    chain::append(conn, event.to_row(request_id, now)).await
}

/// The rows of several events of one request, in order, not yet chained (a group commit chains
/// them with the rest of its group).
pub fn rows(events: &[AuditEvent<'_>], request_id: &str, now: i64) -> Vec<AuditRow> {
    events.iter().map(|event| event.to_row(request_id, now)).collect()
}

/// Appends several events of one request, in order, in the caller's transaction.
pub async fn record_all(conn: &mut Conn, events: &[AuditEvent<'_>], request_id: &str, now: i64) -> Result<Vec<i64>, StoreError> {
    chain::append_all(conn, events.iter().map(|event| event.to_row(request_id, now)).collect()).await
}
