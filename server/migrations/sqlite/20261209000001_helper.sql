-- A helper for an adult (issue 19): a person lets another enrolled person (a relative, a carer)
-- see chosen parts of their record, and optionally manage their sharing, for a stated time. The
-- person nominates; the helper accepts; either ends it at once. Every read by the helper is
-- audited under the helper's own account with the basis `helper` and this row's id, so it shows
-- in the person's access log as the helper acting for them. Joins two records, like guardianship.
create table helper (
    helper_id           text primary key,
    -- The person helped.
    patient_id          text not null references patient (patient_id),
    -- The helper's own record (their account is the one bound to it).
    helper_patient_id   text not null references patient (patient_id),
    -- Comma-separated category codes the helper may read (policy::Category::as_str).
    categories          text not null,
    -- 1: the helper may also make and revoke the person's consent grants.
    manage_sharing      integer not null default 0 check (manage_sharing in (0, 1)),
    created_at          integer not null,
    expires_at          integer not null,
    accepted_at         integer,
    ended_at            integer,
    ended_by_account_id text references account (account_id),
    check (helper_patient_id <> patient_id),
    check (expires_at > created_at)
);
create index helper_patient_idx on helper (patient_id);
create index helper_helper_idx on helper (helper_patient_id);
-- The service refuses a second open link between the same two people (one that is neither ended
-- nor expired); expiry is a time, not a column, so no partial unique index can say it.
