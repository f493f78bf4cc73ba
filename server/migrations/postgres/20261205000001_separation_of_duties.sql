-- Separation of duties (no single administrator obtains a working credential for someone else).
--
-- Staff accounts an administrator creates start unconfirmed (confirmed_at null): the policy
-- refuses them every record until a second administrator confirms them. staff_cccd is the
-- verified identity the account's enrolment codes bind to.
alter table account add column created_by_account_id text;
alter table account add column confirmed_at bigint;
alter table account add column confirmed_by_account_id text;
alter table account add column staff_cccd text;
update account set confirmed_at = created_at;
update account set staff_cccd = (
    select e.cccd from enrolment_code e where e.account_id = account.account_id
    order by e.created_at desc, e.enrolment_code_id limit 1
) where role <> 'citizen';

-- A code for an account that can already read is held (approved_at null) until an administrator
-- other than its issuer approves it; enrolment refuses a held code.
alter table enrolment_code add column approved_at bigint;
alter table enrolment_code add column approved_by_account_id text;
update enrolment_code set approved_at = created_at;

-- The same for a federated link to a confirmed account: sign-in refuses a held link.
alter table federated_link add column approved_at bigint;
alter table federated_link add column approved_by_account_id text;
update federated_link set approved_at = created_at;

-- How each passkey was added, shown to its owner: 'enrolment' (the account's first, with a code),
-- 'enrolment_code' (with a code, to an account that already had one), 'signed_in' (added by the
-- owner while signed in); 'unrecorded' for passkeys older than this column.
alter table passkey add column added_via text not null default 'unrecorded';
alter table passkey add column added_with_code_id text;
