-- A parent or legal guardian linked to a child's record (issue 19). Law 91/2025/QH15 Art. 24(2):
-- for a child (a person under 16, Law on Children 102/2016/QH13 Art. 1) the legal representative
-- exercises the data subject's rights. The link is made by an administrator after checking the
-- papers (`basis`, and `document_ref`: the birth certificate or decision number), or by the
-- operator's seed; it joins two people (records), not accounts, so it holds before either enrols.
-- The policy ends the guardian's access by itself on the child's 16th birthday; `ended_at` is an
-- explicit end (an administrator, or the young person from 16).
create table guardianship (
    guardianship_id           text primary key,
    guardian_patient_id       text not null references patient (patient_id),
    patient_id                text not null references patient (patient_id),
    basis                     text not null check (basis in ('birth_registration', 'guardianship_decision', 'national_identity')),
    document_ref              text not null,
    established_by_account_id text references account (account_id),
    created_at                bigint not null,
    ended_at                  bigint,
    ended_by_account_id       text references account (account_id),
    end_reason                text,
    check (guardian_patient_id <> patient_id)
);
create index guardianship_patient_idx on guardianship (patient_id);
create index guardianship_guardian_idx on guardianship (guardian_patient_id);
-- One live link per guardian and child.
create unique index guardianship_live_idx on guardianship (guardian_patient_id, patient_id) where ended_at is null;
