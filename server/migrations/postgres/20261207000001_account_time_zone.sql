-- The time zone a person chose (IANA name, e.g. Asia/Ho_Chi_Minh), kept with their account so
-- that it follows them to every browser they sign in on; null: the portal's default
-- (Asia/Ho_Chi_Minh). Validated by the application (app::zone::Zone::named) before it is stored.
alter table account add column time_zone text;
