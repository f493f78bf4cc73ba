-- Names as searched: lowercase, without diacritics, đ as d (`store::fold`), so that "Đỗ Thu Hà",
-- "đỗ thu hà" and "do thu ha" find the same person. Filled by the server on every insert, and for
-- rows without one (older rows, a restored older export) right after migrating.
alter table account add column display_name_folded text;
alter table facility add column name_folded text;
alter table clinician add column full_name_folded text;
create index account_display_name_folded_idx on account (display_name_folded);
create index facility_name_folded_idx on facility (name_folded);
create index clinician_full_name_folded_idx on clinician (full_name_folded);
