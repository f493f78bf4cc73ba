-- Facility import (FHIR transaction and batch Bundles from a facility's own system).

-- A facility system's machine credentials (OAuth2 client credentials), issued by an administrator.
-- The client id is public; the secret is shown once and stored as SHA-256 only.
create table facility_client (
    facility_client_id    text primary key,
    facility_id           text not null references facility (facility_id),
    name                  text not null,
    secret_hash           text not null unique,
    created_by_account_id text,
    created_at            bigint not null,
    revoked_at            bigint,
    last_used_at          bigint
);
create index facility_client_facility_idx on facility_client (facility_id);

-- Short-lived access tokens from the token endpoint (SHA-256 only).
create table facility_client_token (
    token_hash         text primary key,
    facility_client_id text not null references facility_client (facility_client_id) on delete cascade,
    created_at         bigint not null,
    expires_at         bigint not null
);

-- Identifiers a facility sent for a person beside the CCCD (its medical record number, ...): a
-- later bundle from the same facility that names the person only by one of them finds the record.
create table patient_identifier (
    facility_id text not null references facility (facility_id),
    system      text not null,
    value       text not null,
    patient_id  text not null references patient (patient_id),
    created_at  bigint not null,
    primary key (facility_id, system, value)
);
create index patient_identifier_patient_idx on patient_identifier (patient_id);

-- Who and where (Organization, Practitioner, PractitionerRole, Location) as facilities sent them,
-- so references in records resolve. No personal health data.
create table directory_resource (
    directory_resource_id text primary key,
    resource_type         text not null,
    facility_id           text not null references facility (facility_id),
    version_id            bigint not null default 1,
    resource_json         text not null,
    last_updated          bigint not null,
    created_at            bigint not null
);

-- One FHIR Provenance per import that changed a record: which facility (and which of its
-- clients) sent what, when, and which resources it wrote.
create table import_provenance (
    provenance_id      text primary key,
    patient_id         text not null references patient (patient_id),
    facility_id        text not null references facility (facility_id),
    facility_client_id text not null,
    bundle_sha256      text not null,
    created_count      bigint not null,
    updated_count      bigint not null,
    resource_json      text not null,
    recorded_at        bigint not null
);
create index import_provenance_patient_idx on import_provenance (patient_id, recorded_at);
