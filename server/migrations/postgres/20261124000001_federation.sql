-- Federated sign-in (OpenID Connect): facility identity providers, administrators' subject links,
-- sign-ins in flight, and identity proofing through a national identity provider.

-- A facility's own identity provider. Its clinicians may sign in there instead of with a passkey.
-- The client secret is write-only in the console (never shown back).
create table identity_provider (
    facility_id           text primary key references facility (facility_id),
    issuer                text not null,
    client_id             text not null,
    client_secret         text not null,
    updated_by_account_id text,
    updated_at            bigint not null
);

-- An administrator's statement "this provider's subject is this clinician". The only way a
-- federated sign-in finds an account: an unknown subject creates nothing.
create table federated_link (
    federated_link_id     text primary key,
    issuer                text not null,
    subject               text not null,
    account_id            text not null references account (account_id) on delete cascade,
    facility_id           text not null references facility (facility_id),
    created_by_account_id text not null,
    created_at            bigint not null,
    unique (issuer, subject)
);
create index federated_link_account_idx on federated_link (account_id);

-- A sign-in at a provider in flight: the state (SHA-256 only), the browser it was started in (a
-- cookie's SHA-256), the PKCE verifier and the nonce. Server-side, single-use, ten minutes.
create table oidc_login (
    state_hash    text primary key,
    browser_hash  text not null,
    purpose       text not null check (purpose in ('clinician', 'citizen')),
    facility_id   text,
    pkce_verifier text not null,
    nonce         text not null,
    expires_at    bigint not null,
    created_at    bigint not null
);

