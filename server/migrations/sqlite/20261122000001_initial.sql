-- hoso initial schema (SQLite). Times are unix milliseconds; dates are ISO-8601 text.

-- A health facility: holds records, employs clinicians.
create table facility (
    facility_id   text primary key,
    name          text not null,
    province_code text not null default '',
    created_at    integer not null
);

-- A person who can sign in. `user_handle` is random and is all a passkey ever learns of the person.
create table account (
    account_id   text primary key,
    role         text not null check (role in ('citizen', 'clinician', 'administrator')),
    display_name text not null,
    user_handle  text not null unique,
    status       text not null default 'active' check (status in ('active', 'suspended')),
    created_at   integer not null
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
    created_at              integer not null
);

-- A clinician works at one facility.
create table clinician (
    clinician_id text primary key,
    account_id   text not null unique references account (account_id),
    facility_id  text not null references facility (facility_id),
    full_name    text not null,
    created_at   integer not null
);

-- One-time enrolment codes, stored as SHA-256 only. A code enrols either a patient (a new citizen
-- account) or an existing staff account, and is bound to the CCCD the person must type with it.
create table enrolment_code (
    enrolment_code_id text primary key,
    code_hash         text not null unique,
    cccd              text not null,
    patient_id        text references patient (patient_id),
    account_id        text references account (account_id),
    expires_at        integer not null,
    used_at           integer,
    created_at        integer not null,
    check ((patient_id is null) <> (account_id is null))
);

-- WebAuthn credentials. `credential_json` is webauthn-rs's Passkey (public key and signature counter).
create table passkey (
    passkey_id      text primary key,
    account_id      text not null references account (account_id) on delete cascade,
    credential_id   text not null unique,
    name            text not null,
    credential_json text not null,
    created_at      integer not null,
    last_used_at    integer
);
create index passkey_account_idx on passkey (account_id);

-- WebAuthn ceremony state: server-side, single-use (deleted when taken), short-lived.
create table webauthn_ceremony (
    ceremony_id_hash  text primary key,
    purpose           text not null check (purpose in ('enrol', 'sign_in', 'add_passkey')),
    account_id        text references account (account_id) on delete cascade,
    enrolment_code_id text references enrolment_code (enrolment_code_id),
    state_json        text not null,
    expires_at        integer not null,
    created_at        integer not null
);

-- Server-side sessions; the cookie holds a random token, the table only its SHA-256.
create table session (
    session_id_hash     text primary key,
    account_id          text not null references account (account_id) on delete cascade,
    created_at          integer not null,
    last_seen_at        integer not null,
    absolute_expires_at integer not null
);
create index session_account_idx on session (account_id);

-- Clinical data: one FHIR R4 resource per row, as JSON, with the columns searches and policy need.
create table clinical_resource (
    clinical_resource_id text primary key,
    patient_id           text not null references patient (patient_id),
    resource_type        text not null,
    category             text not null,
    code                 text,
    effective_date       text,
    encounter_id         text,
    status               text,
    version_id           integer not null default 1,
    resource_json        text not null,
    last_updated         integer not null,
    created_at           integer not null
);
create index clinical_resource_patient_category_idx on clinical_resource (patient_id, category, effective_date);
create index clinical_resource_encounter_idx on clinical_resource (encounter_id);
create index clinical_resource_patient_code_idx on clinical_resource (patient_id, code);

-- The access log: every read of health data, allowed or denied. Append-only (triggers below).
-- No foreign keys: the log outlives what it mentions.
create table audit_event (
    audit_event_id   integer primary key autoincrement,
    occurred_at      integer not null,
    request_id       text not null,
    actor_account_id text,
    actor_role       text,
    patient_id       text,
    action           text not null,
    category         text,
    resource_id      text,
    basis            text,
    outcome          text not null check (outcome in ('allowed', 'denied')),
    reason           text
);
create index audit_event_patient_idx on audit_event (patient_id, occurred_at);
create index audit_event_actor_idx on audit_event (actor_account_id, occurred_at);

create trigger audit_event_no_update before update on audit_event
begin
    select raise(abort, 'audit_event is append-only');
end;

create trigger audit_event_no_delete before delete on audit_event
begin
    select raise(abort, 'audit_event is append-only');
end;
