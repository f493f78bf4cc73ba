//! Passkey ceremonies: enrolment (CCCD + one-time code + new passkey), discoverable sign-in,
//! adding and removing passkeys, signing out.

use app::dto::{CeremonyFinish, CeremonyStarted, PasskeyInfo};
use app::port::RequestMeta;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{
    CreationChallengeResponse, DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};

use webauthn_rs_proto::ResidentKeyRequirement;

use super::session::{hash_token, new_token};
use super::AuthError;
use crate::audit::{self, AuditEvent};
use crate::service::Portal;
use crate::store::account::{AccountRow, AddedVia, PasskeyRow};
use crate::store::ceremony::CeremonyRow;
use crate::store::{self, StoreError};

/// Ceremony state lives this long.
pub const CEREMONY_TTL_MS: i64 = 5 * 60 * 1000;

/// A session the caller should set as the cookie.
#[derive(Debug)]
pub struct IssuedSession {
    pub token: String,
    pub max_age_secs: u64,
    /// The account's role, so the browser can go to the right home page.
    pub role: String,
    /// The time zone the account chose (`None`: never chose), for the browser's zone cookie.
    pub time_zone: Option<app::zone::Zone>,
}

#[derive(Serialize, Deserialize)]
struct RegistrationState {
    registration: PasskeyRegistration,
    user_handle: Uuid,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Enrolment codes are compared case-insensitively without spaces or dashes, and stored hashed.
pub fn hash_code(code: &str) -> String {
    let normalised: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// Passkeys must be discoverable so that sign-in needs no user name.
fn require_resident_key(mut options: CreationChallengeResponse) -> CreationChallengeResponse {
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
    }
    options
}

fn to_json<T: Serialize>(value: &T) -> Result<String, AuthError> {
    serde_json::to_string(value).map_err(|_| AuthError::BadRequest("cannot encode ceremony state"))
}

fn options_json<T: Serialize>(value: &T) -> Result<serde_json::Value, AuthError> {
    serde_json::to_value(value).map_err(|_| AuthError::BadRequest("cannot encode options"))
}

/// What "sign out other devices" ended, and what it left working.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndedSessions {
    /// Sessions (devices) signed out.
    pub sessions: u64,
    /// API tokens revoked with them (only when asked for).
    pub tokens_revoked: u64,
    /// API tokens that still work.
    pub tokens_still_active: u64,
}

impl Portal {
    fn session_max_age_secs(&self) -> u64 {
        self.config.session_absolute.as_secs()
    }

    async fn store_ceremony(&self, ceremony: CeremonyRow, now: i64) -> Result<String, AuthError> {
        let ceremony_id = new_token();
        let mut tx = self.store.begin().await?;
        store::ceremony::delete_expired(&mut tx, now).await?;
        store::ceremony::insert(&mut tx, &hash_token(&ceremony_id), &ceremony, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ceremony_id)
    }

    /// Takes the ceremony exactly once, in its own committed transaction: whatever happens next,
    /// the same ceremony id never works again.
    async fn take_ceremony(&self, ceremony_id: &str, purpose: &str, now: i64) -> Result<CeremonyRow, AuthError> {
        let mut tx = self.store.begin().await?;
        let taken = store::ceremony::take(&mut tx, &hash_token(ceremony_id)).await?;
        tx.commit().await.map_err(StoreError::from)?;
        match taken {
            Some(ceremony) if ceremony.purpose == purpose && ceremony.expires_at > now => Ok(ceremony),
            _ => Err(AuthError::CeremonyExpired),
        }
    }

    pub(crate) async fn create_session(
        &self,
        tx: &mut store::Tx,
        account_id: &str,
        role: &str,
        now: i64,
    ) -> Result<IssuedSession, AuthError> {
        let token = new_token();
        let absolute_ms = i64::try_from(self.config.session_absolute.as_millis()).unwrap_or(i64::MAX);
        store::session::insert(tx, &hash_token(&token), account_id, now, now.saturating_add(absolute_ms)).await?;
        // A stored name that is no longer a zone this build knows is ignored, never sent on.
        let time_zone = store::account::time_zone(tx, account_id).await?.and_then(|name| app::zone::Zone::named(&name));
        Ok(IssuedSession { token, max_age_secs: self.session_max_age_secs(), role: role.to_string(), time_zone })
    }

    /// Step 1 of enrolment: check CCCD and code, start a passkey registration.
    pub async fn enrol_start(&self, meta: &RequestMeta, cccd: &str, code: &str) -> Result<CeremonyStarted, AuthError> {
        let now = meta.now_ms;
        let cccd = crate::cccd::parse(cccd).map_err(|_| AuthError::InvalidCccd)?;
        // Guessing codes for one person is limited wherever the guesses come from.
        self.limiters.code_attempt(&cccd).map_err(|_| AuthError::TooManyAttempts)?;
        if code.len() > 64 {
            return Err(AuthError::EnrolmentRefused("code too long"));
        }
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let enrolment = store::enrolment::by_hash(&mut conn, &hash_code(code)).await?.ok_or(AuthError::EnrolmentRefused("unknown code"))?;
        if enrolment.used_at.is_some() {
            return Err(AuthError::EnrolmentRefused("code already used"));
        }
        if enrolment.cancelled_at.is_some() {
            return Err(AuthError::EnrolmentRefused("code cancelled"));
        }
        if enrolment.expires_at <= now {
            return Err(AuthError::EnrolmentRefused("code expired"));
        }
        if enrolment.cccd != cccd {
            return Err(AuthError::EnrolmentRefused("CCCD does not match the code"));
        }
        // Separation of duties: a code for an account that can already read waits for a second administrator.
        if enrolment.approved_at.is_none() {
            return Err(AuthError::EnrolmentRefused("code awaiting a second administrator's approval"));
        }
        let (user_handle, user_name, display_name, excluded) = match (&enrolment.patient_id, &enrolment.account_id) {
            (Some(patient_id), _) => {
                let patient = store::patient::by_id(&mut conn, patient_id).await?.ok_or(AuthError::EnrolmentRefused("patient missing"))?;
                if patient.account_id.is_some() {
                    return Err(AuthError::EnrolmentRefused("patient already enrolled"));
                }
                if !crate::cccd::matches_birth(&patient.cccd, &patient.birth_date, &patient.sex) {
                    tracing::warn!("enrolment: CCCD century/sex digit disagrees with the record's birth date");
                }
                (Uuid::new_v4(), patient.full_name(), patient.full_name(), Vec::new())
            }
            (None, Some(account_id)) => {
                let principal =
                    store::account::principal(&mut conn, account_id).await?.ok_or(AuthError::EnrolmentRefused("account missing"))?;
                let handle = Uuid::parse_str(&principal.account.user_handle)
                    .map_err(|_| AuthError::Store(StoreError::Corrupt("user handle".into())))?;
                let existing = store::account::passkeys_of(&mut conn, account_id).await?;
                let excluded = existing.iter().filter_map(|p| decode_passkey(p).ok()).map(|p| p.cred_id().clone()).collect();
                (handle, principal.account.display_name.clone(), principal.account.display_name, excluded)
            }
            (None, None) => return Err(AuthError::EnrolmentRefused("code targets nothing")),
        };
        drop(conn);
        let excluded = if excluded.is_empty() { None } else { Some(excluded) };
        let (options, registration) = self.webauthn.start_passkey_registration(user_handle, &user_name, &display_name, excluded)?;
        let state = to_json(&RegistrationState { registration, user_handle })?;
        let ceremony_id = self
            .store_ceremony(
                CeremonyRow {
                    purpose: "enrol".into(),
                    account_id: None,
                    enrolment_code_id: Some(enrolment.enrolment_code_id),
                    state_json: state,
                    expires_at: now + CEREMONY_TTL_MS,
                },
                now,
            )
            .await?;
        Ok(CeremonyStarted { ceremony_id, options: options_json(&require_resident_key(options))? })
    }

    /// Step 1 of enrolment after identity proofing: the code identity proofing issued (from its
    /// cookie) stands in for the typed CCCD and code; the rest is [`Portal::enrol_start`].
    pub async fn enrol_start_proofed(&self, meta: &RequestMeta, code: &str) -> Result<CeremonyStarted, AuthError> {
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let code_hash = hash_code(code);
        let enrolment =
            store::enrolment::by_hash(&mut conn, &code_hash).await?.ok_or(AuthError::EnrolmentRefused("unknown proofing code"))?;
        // Only a code identity proofing issued stands in for the typed CCCD; a counter code does not.
        if !store::enrolment::is_proofing(&mut conn, &code_hash).await? {
            return Err(AuthError::EnrolmentRefused("not a proofing code"));
        }
        drop(conn);
        self.enrol_start(meta, &enrolment.cccd, code).await
    }

    /// Step 2 of enrolment: verify the new passkey, consume the code, create the account, sign in.
    pub async fn enrol_finish(&self, meta: &RequestMeta, finish: CeremonyFinish) -> Result<IssuedSession, AuthError> {
        let now = meta.now_ms;
        let ceremony = self.take_ceremony(&finish.ceremony_id, "enrol", now).await?;
        let state: RegistrationState =
            serde_json::from_str(&ceremony.state_json).map_err(|_| AuthError::Store(StoreError::Corrupt("ceremony state".into())))?;
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(finish.credential).map_err(|_| AuthError::EnrolmentRefused("malformed credential"))?;
        let passkey = self
            .webauthn
            .finish_passkey_registration(&credential, &state.registration)
            .map_err(|_| AuthError::EnrolmentRefused("passkey verification failed"))?;
        let code_id = ceremony.enrolment_code_id.ok_or(AuthError::EnrolmentRefused("ceremony without code"))?;

        let mut tx = self.store.begin().await?;
        let enrolment = store::enrolment::by_id(&mut tx, &code_id).await?.ok_or(AuthError::EnrolmentRefused("code vanished"))?;
        if !store::enrolment::consume(&mut tx, &code_id, now).await? {
            return Err(AuthError::EnrolmentRefused("code used or expired meanwhile"));
        }
        let (account_id, role, patient_id) = match (&enrolment.patient_id, &enrolment.account_id) {
            (Some(patient_id), _) => {
                let patient = store::patient::by_id(&mut tx, patient_id).await?.ok_or(AuthError::EnrolmentRefused("patient missing"))?;
                let account = AccountRow {
                    account_id: store::new_id(),
                    role: "citizen".into(),
                    display_name: patient.full_name(),
                    user_handle: state.user_handle.to_string(),
                    status: "active".into(),
                };
                store::account::insert(&mut tx, &account, now).await?;
                if !store::patient::bind_account(&mut tx, patient_id, &account.account_id).await? {
                    return Err(AuthError::EnrolmentRefused("patient already enrolled"));
                }
                (account.account_id, "citizen".to_string(), Some(patient_id.clone()))
            }
            (None, Some(account_id)) => {
                let principal =
                    store::account::principal(&mut tx, account_id).await?.ok_or(AuthError::EnrolmentRefused("account missing"))?;
                (account_id.clone(), principal.account.role, None)
            }
            (None, None) => return Err(AuthError::EnrolmentRefused("code targets nothing")),
        };
        if enrolment.approved_at.is_none() {
            return Err(AuthError::EnrolmentRefused("code awaiting a second administrator's approval"));
        }
        self.insert_passkey(&mut tx, &account_id, &passkey, Some(&code_id), now).await?;
        audit::record(
            &mut tx,
            AuditEvent::Enrolled { account_id: &account_id, role: &role, patient_id: patient_id.as_deref() },
            &meta.request_id,
            now,
        )
        .await?;
        let session = self.create_session(&mut tx, &account_id, &role, now).await?;
        audit::record(&mut tx, AuditEvent::SignedIn { account_id: &account_id, role: &role }, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(session)
    }

    /// Stores a verified passkey; `code_id` the enrolment code it came with (`None`: added by the
    /// signed-in owner). How it was added is recorded for its owner to see.
    async fn insert_passkey(
        &self,
        tx: &mut store::Tx,
        account_id: &str,
        passkey: &Passkey,
        code_id: Option<&str>,
        now: i64,
    ) -> Result<(), AuthError> {
        let count = store::account::passkeys_of(tx, account_id).await?.len();
        let added_via = match (code_id, count) {
            (None, _) => AddedVia::SignedIn,
            (Some(_), 0) => AddedVia::Enrolment,
            (Some(_), _) => AddedVia::EnrolmentCode,
        };
        store::account::insert_passkey(
            tx,
            &PasskeyRow {
                passkey_id: store::new_id(),
                account_id: account_id.to_string(),
                credential_id: b64(passkey.cred_id()),
                name: format!("Passkey {}", count + 1),
                credential_json: to_json(passkey)?,
                created_at: now,
                last_used_at: None,
                added_via: added_via.as_str().to_string(),
                added_with_code_id: code_id.map(str::to_string),
            },
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict => AuthError::EnrolmentRefused("credential already registered"),
            other => AuthError::Store(other),
        })
    }

    /// Discoverable sign-in, step 1.
    pub async fn sign_in_start(&self, meta: &RequestMeta) -> Result<CeremonyStarted, AuthError> {
        let now = meta.now_ms;
        let (mut options, state) = self.webauthn.start_discoverable_authentication()?;
        // A button press asks the browser for a passkey right away (modal), not only via autofill.
        options.mediation = None;
        self.assertion_ceremony(None, &options, &state, now).await
    }

    /// Stores an assertion ceremony and answers its options. `account_id` set: the confirmation of
    /// that signed-in account ([`Portal::reauth_start`]), which sign-in refuses.
    async fn assertion_ceremony<O: Serialize, S: Serialize>(
        &self,
        account_id: Option<String>,
        options: &O,
        state: &S,
        now: i64,
    ) -> Result<CeremonyStarted, AuthError> {
        let ceremony = CeremonyRow {
            purpose: "sign_in".into(),
            account_id,
            enrolment_code_id: None,
            state_json: to_json(state)?,
            expires_at: now + CEREMONY_TTL_MS,
        };
        let ceremony_id = self.store_ceremony(ceremony, now).await?;
        Ok(CeremonyStarted { ceremony_id, options: options_json(options)? })
    }

    /// Discoverable sign-in, step 2. Every failure is the same `SignInFailed` outside.
    pub async fn sign_in_finish(&self, meta: &RequestMeta, finish: CeremonyFinish) -> Result<IssuedSession, AuthError> {
        let now = meta.now_ms;
        let ceremony = self.take_ceremony(&finish.ceremony_id, "sign_in", now).await.map_err(|_| AuthError::SignInFailed("ceremony"))?;
        if ceremony.account_id.is_some() {
            // A confirmation ceremony of a signed-in person, not a sign-in.
            return Err(AuthError::SignInFailed("ceremony"));
        }
        let state: DiscoverableAuthentication = serde_json::from_str(&ceremony.state_json).map_err(|_| AuthError::SignInFailed("state"))?;
        let credential: PublicKeyCredential =
            serde_json::from_value(finish.credential).map_err(|_| AuthError::SignInFailed("malformed credential"))?;
        let (user_handle, credential_id) =
            self.webauthn.identify_discoverable_authentication(&credential).map_err(|_| AuthError::SignInFailed("no user handle"))?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let account_id = store::account::account_id_by_user_handle(&mut conn, &user_handle.to_string())
            .await?
            .ok_or(AuthError::SignInFailed("unknown user handle"))?;
        let stored = store::account::passkey_by_credential_id(&mut conn, &b64(credential_id))
            .await?
            .filter(|passkey| passkey.account_id == account_id)
            .ok_or(AuthError::SignInFailed("unknown credential"))?;
        let principal = store::account::principal(&mut conn, &account_id).await?.ok_or(AuthError::SignInFailed("account missing"))?;
        drop(conn);
        if principal.account.status != "active" {
            return Err(AuthError::SignInFailed("account suspended"));
        }
        let mut passkey = decode_passkey(&stored).map_err(|_| AuthError::SignInFailed("stored passkey"))?;
        let result = self
            .webauthn
            .finish_discoverable_authentication_v2(&credential, state, &passkey)
            .map_err(|_| AuthError::SignInFailed("assertion rejected"))?;
        passkey.update_credential(&result);

        let mut tx = self.store.begin().await?;
        store::account::update_passkey_use(&mut tx, &stored.passkey_id, &to_json(&passkey)?, now).await?;
        let session = self.create_session(&mut tx, &account_id, &principal.account.role, now).await?;
        audit::record(&mut tx, AuditEvent::SignedIn { account_id: &account_id, role: &principal.account.role }, &meta.request_id, now)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(session)
    }

    /// Confirms that the signed-in person is still the one at the keyboard ("sudo mode" before a
    /// destructive action), step 1: an assertion with one of the account's own passkeys. The
    /// ceremony is bound to the account (a sign-in ceremony with an account id, which sign-in
    /// refuses).
    pub async fn reauth_start(&self, meta: &RequestMeta) -> Result<CeremonyStarted, AuthError> {
        let now = meta.now_ms;
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let account_id = session.principal.account.account_id.clone();
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let passkeys: Vec<Passkey> =
            store::account::passkeys_of(&mut conn, &account_id).await?.iter().filter_map(|p| decode_passkey(p).ok()).collect();
        drop(conn);
        if passkeys.is_empty() {
            return Err(AuthError::BadRequest("no passkey to confirm with"));
        }
        let (options, state) = self.webauthn.start_passkey_authentication(&passkeys)?;
        self.assertion_ceremony(Some(account_id), &options, &state, now).await
    }

    /// Confirmation, step 2: the assertion must come from a passkey of the same signed-in account.
    /// Records the time in the session and audits it (`reauth`).
    pub async fn reauth_finish(&self, meta: &RequestMeta, finish: CeremonyFinish) -> Result<(), AuthError> {
        let now = meta.now_ms;
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let account = &session.principal.account;
        let ceremony = self.take_ceremony(&finish.ceremony_id, "sign_in", now).await?;
        if ceremony.account_id.as_deref() != Some(account.account_id.as_str()) {
            return Err(AuthError::CeremonyExpired);
        }
        let state: PasskeyAuthentication = serde_json::from_str(&ceremony.state_json).map_err(|_| AuthError::SignInFailed("state"))?;
        let credential: PublicKeyCredential =
            serde_json::from_value(finish.credential).map_err(|_| AuthError::SignInFailed("malformed credential"))?;
        let result =
            self.webauthn.finish_passkey_authentication(&credential, &state).map_err(|_| AuthError::SignInFailed("assertion rejected"))?;
        let mut tx = self.store.begin().await?;
        let stored = store::account::passkey_by_credential_id(&mut tx, &b64(result.cred_id()))
            .await?
            .filter(|passkey| passkey.account_id == account.account_id)
            .ok_or(AuthError::SignInFailed("unknown credential"))?;
        let mut passkey = decode_passkey(&stored).map_err(|_| AuthError::SignInFailed("stored passkey"))?;
        passkey.update_credential(&result);
        store::account::update_passkey_use(&mut tx, &stored.passkey_id, &to_json(&passkey)?, now).await?;
        store::session::set_reauth(&mut tx, &session.token_hash, now).await?;
        audit::record(&mut tx, AuditEvent::Reauthenticated { account_id: &account.account_id, role: &account.role }, &meta.request_id, now)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Adds a passkey to the signed-in account, step 1.
    pub async fn add_passkey_start(&self, meta: &RequestMeta) -> Result<CeremonyStarted, AuthError> {
        let now = meta.now_ms;
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let account = &session.principal.account;
        let handle = Uuid::parse_str(&account.user_handle).map_err(|_| AuthError::Store(StoreError::Corrupt("user handle".into())))?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let existing = store::account::passkeys_of(&mut conn, &account.account_id).await?;
        drop(conn);
        let excluded: Vec<_> = existing.iter().filter_map(|p| decode_passkey(p).ok()).map(|p| p.cred_id().clone()).collect();
        let (options, registration) =
            self.webauthn.start_passkey_registration(handle, &account.display_name, &account.display_name, Some(excluded))?;
        let state = to_json(&RegistrationState { registration, user_handle: handle })?;
        let ceremony_id = self
            .store_ceremony(
                CeremonyRow {
                    purpose: "add_passkey".into(),
                    account_id: Some(account.account_id.clone()),
                    enrolment_code_id: None,
                    state_json: state,
                    expires_at: now + CEREMONY_TTL_MS,
                },
                now,
            )
            .await?;
        Ok(CeremonyStarted { ceremony_id, options: options_json(&require_resident_key(options))? })
    }

    /// Adds a passkey, step 2. The ceremony must belong to the same signed-in account.
    pub async fn add_passkey_finish(&self, meta: &RequestMeta, finish: CeremonyFinish) -> Result<(), AuthError> {
        let now = meta.now_ms;
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let ceremony = self.take_ceremony(&finish.ceremony_id, "add_passkey", now).await?;
        let account = &session.principal.account;
        if ceremony.account_id.as_deref() != Some(account.account_id.as_str()) {
            return Err(AuthError::CeremonyExpired);
        }
        let state: RegistrationState =
            serde_json::from_str(&ceremony.state_json).map_err(|_| AuthError::Store(StoreError::Corrupt("ceremony state".into())))?;
        let credential: RegisterPublicKeyCredential =
            serde_json::from_value(finish.credential).map_err(|_| AuthError::BadRequest("malformed credential"))?;
        let passkey = self
            .webauthn
            .finish_passkey_registration(&credential, &state.registration)
            .map_err(|_| AuthError::BadRequest("passkey verification failed"))?;
        let mut tx = self.store.begin().await?;
        self.insert_passkey(&mut tx, &account.account_id, &passkey, None, now).await?;
        audit::record(&mut tx, AuditEvent::PasskeyAdded { account_id: &account.account_id, role: &account.role }, &meta.request_id, now)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    pub async fn list_passkeys(&self, meta: &RequestMeta) -> Result<Vec<PasskeyInfo>, AuthError> {
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let rows = store::account::passkeys_of(&mut conn, &session.principal.account.account_id).await?;
        Ok(rows
            .into_iter()
            .map(|row| PasskeyInfo {
                passkey_id: row.passkey_id,
                name: row.name,
                created_at: iso_date(row.created_at),
                last_used_at: row.last_used_at.map(iso_date),
                added_via: row.added_via,
            })
            .collect())
    }

    /// Removes one of the caller's passkeys, never the last one.
    pub async fn remove_passkey(&self, meta: &RequestMeta, passkey_id: &str) -> Result<(), AuthError> {
        let now = meta.now_ms;
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let account = &session.principal.account;
        let mut tx = self.store.begin().await?;
        let owned = store::account::passkeys_of(&mut tx, &account.account_id).await?;
        if !owned.iter().any(|passkey| passkey.passkey_id == passkey_id) {
            return Err(AuthError::BadRequest("no such passkey"));
        }
        if !store::account::delete_passkey_keeping_one(&mut tx, &account.account_id, passkey_id).await? {
            return Err(AuthError::LastPasskey);
        }
        audit::record(&mut tx, AuditEvent::PasskeyRemoved { account_id: &account.account_id, role: &account.role }, &meta.request_id, now)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The caller's live sessions, the current one marked.
    pub async fn my_sessions(&self, meta: &RequestMeta) -> Result<Vec<app::dto::SessionInfo>, AuthError> {
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(self.live_sessions(&mut conn, &session.principal.account.account_id, &session.token_hash, meta.now_ms).await?)
    }

    /// An account's sessions that have not idled out, most recent first; `current` (the asking
    /// session's hash) is marked, and always listed.
    pub async fn live_sessions(
        &self,
        conn: &mut store::Conn,
        account_id: &str,
        current: &str,
        now: i64,
    ) -> Result<Vec<app::dto::SessionInfo>, StoreError> {
        let idle_ms = self.config.session_idle_ms();
        Ok(store::session::for_account(conn, account_id)
            .await?
            .into_iter()
            .filter(|row| now - row.last_seen_at < idle_ms || row.token_hash == current)
            .map(|row| app::dto::SessionInfo {
                current: row.token_hash == current,
                signed_in_at: crate::service::consent::iso(row.created_at),
                last_active_at: crate::service::consent::iso(row.last_seen_at),
                session_id: row.token_hash,
            })
            .collect())
    }

    /// Ends one of the caller's sessions (`Some(id)`) or every one but the current (`None`).
    /// Returns how many ended; an id that is not one of the caller's sessions is a bad request.
    pub async fn end_sessions(
        &self,
        meta: &RequestMeta,
        session_id: Option<&str>,
        revoke_tokens: bool,
    ) -> Result<EndedSessions, AuthError> {
        let session = self.session(meta).await?.ok_or(AuthError::NotSignedIn)?;
        let account = &session.principal.account;
        let mut tx = self.store.begin().await?;
        let ended = match session_id {
            Some(id) if id == session.token_hash => return Err(AuthError::BadRequest("use sign-out for this session")),
            Some(id) => {
                if !store::session::delete_of_account(&mut tx, &account.account_id, id).await? {
                    return Err(AuthError::BadRequest("no such session"));
                }
                1
            }
            None => store::session::delete_others(&mut tx, &account.account_id, &session.token_hash).await?,
        };
        let mut events = Vec::new();
        if ended > 0 {
            events.push(AuditEvent::SessionsEnded { account_id: &account.account_id, role: &account.role });
        }
        // API tokens are not devices' sessions: they end only when asked, and the answer says how
        // many still work otherwise.
        let live = store::api_token::live_ids(&mut tx, &account.account_id, meta.now_ms).await?;
        let mut tokens_revoked = 0u64;
        if revoke_tokens {
            for token_id in &live {
                if store::api_token::revoke(&mut tx, &account.account_id, token_id, meta.now_ms).await? {
                    tokens_revoked += 1;
                }
            }
            events.extend(live.iter().map(|token_id| AuditEvent::ApiTokenRevoked {
                account_id: &account.account_id,
                role: &account.role,
                token_id,
            }));
        }
        audit::record_all(&mut tx, &events, &meta.request_id, meta.now_ms).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let tokens_still_active = u64::try_from(live.len()).unwrap_or_default() - tokens_revoked;
        Ok(EndedSessions { sessions: ended, tokens_revoked, tokens_still_active })
    }

    /// Ends the request's session (if any).
    pub async fn sign_out(&self, meta: &RequestMeta) -> Result<(), AuthError> {
        let now = meta.now_ms;
        let session = match self.session(meta).await {
            Ok(Some(session)) => session,
            Ok(None) | Err(crate::error::ServiceError::Unauthenticated) => return Ok(()),
            Err(other) => return Err(other.into()),
        };
        let mut tx = self.store.begin().await?;
        store::session::delete(&mut tx, &session.token_hash).await?;
        let account = &session.principal.account;
        audit::record(&mut tx, AuditEvent::SignedOut { account_id: &account.account_id, role: &account.role }, &meta.request_id, now)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

pub fn decode_passkey(row: &PasskeyRow) -> Result<Passkey, StoreError> {
    serde_json::from_str(&row.credential_json).map_err(|_| StoreError::Corrupt("passkey".into()))
}

fn iso_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}
