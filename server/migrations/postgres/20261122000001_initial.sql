-- hoso initial schema (PostgreSQL). Times are unix milliseconds; dates are ISO-8601 text,
-- the same shapes as the SQLite schema so one store implementation serves both.

-- A health facility: holds records, employs clinicians.
create table facility (
    facility_id   text primary key,
    name          text not null,
    province_code text not null default '',
    created_at    bigint not null
);

-- A person who can sign in. `user_handle` is random and is all a passkey ever learns of the person.
create table account (
    account_id   text primary key,
    role         text not null check (role in ('citizen', 'clinician', 'administrator')),
    display_name text not null,
    user_handle  text not null unique,
    status       text not null default 'active' check (status in ('active', 'suspended')),
    created_at   bigint not null
);

-- The subject of a record. Identity is bound to the 12-digit CCCD once, at enrolment (account_id).
create table patient (
    patient_id              text primary key,
    cccd                    text not null unique check (length(cccd) = 12),
    social_insurance_number text unique,
    bhyt_card               text unique,
    family_name             text not null,
    given_names             text not null,
    birth_date              text not null,
    sex                     text not null check (sex in ('male', 'female', 'other', 'unknown')),
    phone                   text,
    address                 text,
    account_id              text unique references account (account_id),
    created_at              bigint not null
);

-- A clinician works at one facility.
create table clinician (
    clinician_id text primary key,
    account_id   text not null unique references account (account_id),
    facility_id  text not null references facility (facility_id),
    full_name    text not null,
    created_at   bigint not null
);

-- One-time enrolment codes, stored as SHA-256 only (see the SQLite migration).
create table enrolment_code (
    enrolment_code_id text primary key,
    code_hash         text not null unique,
    cccd              text not null,
    patient_id        text references patient (patient_id),
    account_id        text references account (account_id),
    expires_at        bigint not null,
    used_at           bigint,
    created_at        bigint not null,
    check ((patient_id is null) <> (account_id is null))
);

-- WebAuthn credentials.
create table passkey (
    passkey_id      text primary key,
    account_id      text not null references account (account_id) on delete cascade,
    credential_id   text not null unique,
    name            text not null,
    credential_json text not null,
    created_at      bigint not null,
    last_used_at    bigint
);
create index passkey_account_idx on passkey (account_id);

-- WebAuthn ceremony state: server-side, single-use, short-lived.
create table webauthn_ceremony (
    ceremony_id_hash  text primary key,
    purpose           text not null check (purpose in ('enrol', 'sign_in', 'add_passkey')),
    account_id        text references account (account_id) on delete cascade,
    enrolment_code_id text references enrolment_code (enrolment_code_id),
    state_json        text not null,
    expires_at        bigint not null,
    created_at        bigint not null
);

-- Server-side sessions; only the token's SHA-256 is stored.
create table session (
    session_id_hash     text primary key,
    account_id          text not null references account (account_id) on delete cascade,
    created_at          bigint not null,
    last_seen_at        bigint not null,
    absolute_expires_at bigint not null
);
create index session_account_idx on session (account_id);

-- Clinical data: one FHIR R4 resource per row, as JSON, with indexed search columns.
create table clinical_resource (
    clinical_resource_id text primary key,
    patient_id           text not null references patient (patient_id),
    resource_type        text not null,
    category             text not null,
    code                 text,
    effective_date       text,
    encounter_id         text,
    status               text,
    version_id           bigint not null default 1,
    resource_json        text not null,
    last_updated         bigint not null,
    created_at           bigint not null
);
create index clinical_resource_patient_category_idx on clinical_resource (patient_id, category, effective_date);
create index clinical_resource_encounter_idx on clinical_resource (encounter_id);
create index clinical_resource_patient_code_idx on clinical_resource (patient_id, code);

-- The access log, append-only and hash-chained (see the SQLite migration for the encoding).
create table audit_event (
    audit_event_id   bigint primary key,
    occurred_at      bigint not null,
    request_id       text not null,
    actor_account_id text,
    actor_role       text,
    patient_id       text,
    action           text not null,
    category         text,
    resource_id      text,
    basis            text,
    outcome          text not null check (outcome in ('allowed', 'denied')),
    reason           text,
    purpose          text,
    actor_facility_id text,
    basis_ref        text,
    prev_hash        text not null,
    entry_hash       text not null
);
create index audit_event_patient_idx on audit_event (patient_id, occurred_at);
create index audit_event_actor_idx on audit_event (actor_account_id, occurred_at);

create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_event is append-only';
end;
$$;

create trigger audit_event_no_update_delete before update or delete on audit_event
    for each row execute function audit_event_append_only();

-- The head of the audit chain: one row, locked by every audit write so entries chain in order.
create table audit_head (
    audit_head_id  integer primary key check (audit_head_id = 1),
    last_event_id  bigint not null,
    last_hash      text not null
);
insert into audit_head (audit_head_id, last_event_id, last_hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints: the server's Ed25519 key signs (last id, chain hash) every so many entries.
create table audit_checkpoint (
    audit_checkpoint_id bigint generated always as identity primary key,
    last_event_id       bigint not null,
    chain_hash          text not null,
    signature           text not null,
    key_id              text not null,
    created_at          bigint not null
);

-- Consent: a citizen (or guardian) shares categories of a record with one clinician or a whole
-- facility, for one purpose, from a start to an expiry. Nothing is shared without a row here.
create table consent_grant (
    consent_grant_id       text primary key,
    patient_id             text not null references patient (patient_id),
    granted_by_account_id  text not null references account (account_id),
    grantee_clinician_id   text references clinician (clinician_id),
    grantee_facility_id    text references facility (facility_id),
    categories             text not null,
    purpose                text not null check (purpose in ('treatment', 'insurance_assessment', 'research')),
    written_request        bigint not null default 0,
    starts_at              bigint not null,
    expires_at             bigint not null,
    revoked_at             bigint,
    revoked_by_account_id  text,
    revocation_reason      text,
    created_at             bigint not null,
    check (expires_at > starts_at),
    check ((grantee_clinician_id is null) <> (grantee_facility_id is null)),
    check (purpose <> 'insurance_assessment' or written_request = 1)
);
create index consent_grant_patient_idx on consent_grant (patient_id);
create index consent_grant_clinician_idx on consent_grant (grantee_clinician_id);
create index consent_grant_facility_idx on consent_grant (grantee_facility_id);

-- Break-glass: a clinician's declared emergency access to one record, time-boxed, queued for review.
create table break_glass (
    break_glass_id          text primary key,
    clinician_account_id    text not null references account (account_id),
    facility_id             text references facility (facility_id),
    patient_id              text not null references patient (patient_id),
    reason                  text not null,
    starts_at               bigint not null,
    expires_at              bigint not null,
    review_status           text not null default 'pending' check (review_status in ('pending', 'justified', 'unjustified')),
    reviewed_by_account_id  text,
    reviewed_at             bigint,
    review_note             text,
    created_at              bigint not null,
    check (expires_at > starts_at)
);
create index break_glass_patient_idx on break_glass (patient_id, expires_at);
create index break_glass_review_idx on break_glass (review_status, created_at);
