-- Bearer tokens for API clients (RFC 6750) reading the FHIR API on a person's behalf: created by
-- the signed-in person, shown once, stored as SHA-256, limited to chosen record categories
-- (intersected with what the policy allows the person anyway), expiring, revocable.
create table api_token (
    api_token_id text primary key,
    token_hash   text not null unique,
    account_id   text not null references account (account_id) on delete cascade,
    name         text not null,
    scopes       text not null,
    created_at   integer not null,
    expires_at   integer not null,
    revoked_at   integer,
    last_used_at integer
);
create index api_token_account_idx on api_token (account_id);
