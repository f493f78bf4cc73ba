//! The console's part of federated sign-in: a facility's identity provider, and the links from a
//! provider's subjects to clinicians. Every change needs a fresh passkey confirmation and is
//! audited; the client secret is write-only.

use app::dto::{FederatedLink, ProviderInfo, SignInOptions};
use app::error::InvalidInput;
use app::port::RequestMeta;

use super::{invalid, Portal};
use crate::audit::AuditEvent;
use crate::auth::federation::acceptable_issuer;
use crate::error::ServiceError;
use crate::service::consent::iso;
use crate::store::federation::{LinkRow, ProviderRow};
use crate::store::{self, StoreError};

/// A short identifier (client id, secret, subject), trimmed and within bounds.
fn token(value: &str, max: usize) -> Result<String, ServiceError> {
    let value = value.trim();
    match value.chars().count() {
        0 => Err(invalid(InvalidInput::TextTooShort)),
        n if n > max => Err(invalid(InvalidInput::TextTooLong)),
        _ => Ok(value.to_string()),
    }
}

/// A link as the console shows it to administrator `viewer`.
pub(super) fn link(row: LinkRow, viewer: &str) -> FederatedLink {
    FederatedLink {
        awaiting_approval: row.approved_at.is_none(),
        created_by_me: row.created_by_account_id == viewer,
        link_id: row.federated_link_id,
        issuer: row.issuer,
        subject: row.subject,
        created_at: iso(row.created_at),
    }
}

impl Portal {
    /// What the sign-in and enrolment pages offer besides passkeys. Needs no session.
    pub async fn sign_in_options(&self) -> Result<SignInOptions, ServiceError> {
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let facilities =
            store::federation::providers(&mut conn).await?.into_iter().map(|row| (row.facility_id, row.facility_name)).collect();
        Ok(SignInOptions { facilities, national: self.federation.national_name().map(str::to_string) })
    }

    pub(super) async fn provider_info(&self, conn: &mut store::Conn, facility_id: &str) -> Result<Option<ProviderInfo>, ServiceError> {
        Ok(store::federation::provider(conn, facility_id).await?.map(|row| ProviderInfo { issuer: row.issuer, client_id: row.client_id }))
    }

    /// Sets a facility's identity provider. The issuer must be https (http only on loopback) and
    /// answer discovery now, so a typo is caught here rather than at a clinician's sign-in.
    pub async fn admin_set_provider(
        &self,
        meta: &RequestMeta,
        facility_id: &str,
        issuer: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_set_provider").await?;
        let issuer = issuer.trim().to_string();
        if !acceptable_issuer(&issuer) {
            return Err(invalid(InvalidInput::BadIssuer));
        }
        let client_id = token(client_id, 200)?;
        let client_secret = token(client_secret, 500)?;
        {
            let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
            if store::admin::facility(&mut conn, facility_id, meta.now_ms).await?.is_none() {
                return Err(invalid(InvalidInput::UnknownTarget));
            }
        }
        if !self.federation.reachable(&issuer, meta.now_ms).await {
            return Err(invalid(InvalidInput::BadIssuer));
        }
        let mut tx = self.store.begin().await?;
        // Links name their issuer: with another provider they would never match again, so they go
        // with the change (and the console shows none) rather than linger.
        let dropped = store::federation::remove_links_not_of(&mut tx, facility_id, &issuer).await?;
        let row = ProviderRow { facility_id: facility_id.to_string(), issuer, client_id, client_secret };
        store::federation::set_provider(&mut tx, &row, &session.principal.account.account_id, meta.now_ms).await?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "provider_set",
            patient_id: None,
            target: Some(facility_id),
            basis_ref: None,
            code: (dropped > 0).then_some("links_removed"),
        };
        self.commit_action(tx, meta, event).await
    }

    /// Removes a facility's identity provider; its clinicians sign in with passkeys only.
    pub async fn admin_remove_provider(&self, meta: &RequestMeta, facility_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_remove_provider").await?;
        let mut tx = self.store.begin().await?;
        if !store::federation::remove_provider(&mut tx, facility_id).await? {
            return Err(invalid(InvalidInput::UnknownTarget));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "provider_remove",
            patient_id: None,
            target: Some(facility_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Links a subject of the clinician's facility provider to the clinician.
    pub async fn admin_link_subject(&self, meta: &RequestMeta, account_id: &str, subject: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_link_subject").await?;
        let subject = token(subject, 255)?;
        let mut tx = self.store.begin().await?;
        let person = store::admin::person(&mut tx, account_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        let (Some(facility_id), "clinician") = (person.facility_id.clone(), person.role.as_str()) else {
            return Err(invalid(InvalidInput::NotApplicable));
        };
        let provider = store::federation::provider(&mut tx, &facility_id).await?.ok_or(invalid(InvalidInput::NotApplicable))?;
        // A link is a credential: to an account that can already read, it waits for a second
        // administrator; to an unconfirmed one, the account's confirmation is that second check.
        let confirmed = store::account::staff_facts(&mut tx, account_id).await?.is_some_and(|facts| facts.confirmed_at.is_some());
        let row = LinkRow {
            federated_link_id: store::new_id(),
            issuer: provider.issuer,
            subject,
            account_id: account_id.to_string(),
            facility_id,
            created_by_account_id: session.principal.account.account_id.clone(),
            created_at: meta.now_ms,
            approved_at: (!confirmed).then_some(meta.now_ms),
        };
        store::federation::insert_link(&mut tx, &row).await.map_err(|error| match error {
            StoreError::Conflict => invalid(InvalidInput::AlreadyLinked),
            other => ServiceError::Store(other),
        })?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "link_create",
            patient_id: None,
            target: Some(account_id),
            basis_ref: Some(&row.federated_link_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Approves a held federated link (separation of duties): refused to the administrator who
    /// made it ([`crate::policy::may_approve`]).
    pub async fn admin_approve_link(&self, meta: &RequestMeta, link_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_approve_link").await?;
        let mut tx = self.store.begin().await?;
        let link = store::federation::link(&mut tx, link_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        if link.approved_at.is_some() {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        if let Err(reason) = crate::policy::may_approve(&session.actor, Some(&link.created_by_account_id)) {
            drop(tx);
            return self.refuse(meta, &session.actor, "admin_approve_link", reason).await;
        }
        let by = session.principal.account.account_id.as_str();
        if !store::federation::approve_link(&mut tx, link_id, by, meta.now_ms).await? {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "link_approve",
            patient_id: None,
            target: Some(&link.account_id),
            basis_ref: Some(link_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    pub async fn admin_unlink(&self, meta: &RequestMeta, link_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_unlink").await?;
        let mut tx = self.store.begin().await?;
        let removed = store::federation::remove_link(&mut tx, link_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "link_remove",
            patient_id: None,
            target: Some(&removed.account_id),
            basis_ref: Some(link_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }
}
