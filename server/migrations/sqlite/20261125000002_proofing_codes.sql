-- Which enrolment codes identity proofing issued: only those may enrol through the proofed path
-- (which needs no typed CCCD). Codes issued at a counter need the CCCD typed with them.
alter table enrolment_code add column source text not null default 'counter';
