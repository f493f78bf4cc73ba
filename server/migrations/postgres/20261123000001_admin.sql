-- Administration: fresh re-authentication, suspension, cancellable enrolment codes.

-- When the session's person last proved it was them with a passkey (sign-in or re-authentication).
-- Destructive administrator actions need this within the last five minutes.
alter table session add column reauth_at bigint;

-- Why and when an account was suspended (shown to administrators; cleared on reinstatement).
alter table account add column suspended_at bigint;
alter table account add column suspension_reason text;

-- An administrator can cancel an unused code; who issued it is kept for the console.
alter table enrolment_code add column cancelled_at bigint;
alter table enrolment_code add column created_by_account_id text;
