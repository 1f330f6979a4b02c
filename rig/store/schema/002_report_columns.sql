-- 002_report_columns.sql - the report's columns of the reports issue:
-- the probability of conformance (decision rule `conformance`) and the
-- full-precision measured value and U beside their rounded forms. A
-- station's index is rebuilt from its reports after a migration (it is
-- derived); on the line, runs stored before have these empty (their bytes
-- are in reports.content).
ALTER TABLE measurements ADD COLUMN conformance_probability DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN measured_full DOUBLE PRECISION;
ALTER TABLE measurements ADD COLUMN uncertainty_full DOUBLE PRECISION;
