-- 006_dispositions.sql - what the operator does with a unit that did not
-- pass (docs/reports.md, "What to do"): the verdict row's reason code,
-- disposition and the operator's line, kept with the run beside its
-- reason. A station's index is rebuilt from its reports after a migration
-- (it is derived); on the line, runs stored before have these empty (their
-- bytes are in reports.content).
ALTER TABLE runs ADD COLUMN reason_code TEXT;
ALTER TABLE runs ADD COLUMN disposition TEXT;
ALTER TABLE runs ADD COLUMN instruction TEXT;
