-- 001_results.sql - runs, their measurements, the fixture calibrations
-- they were made with, the reports' bytes, the sync queue.
-- One text for SQLite (the station's index) and PostgreSQL (the line):
-- TEXT, BIGINT, INTEGER, DOUBLE PRECISION and BYTEA mean the same in both;
-- times are ISO 8601 UTC text ('2026-11-21T10:15:00Z'), which sorts.
-- docs/results-db.md describes every table.

CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    station         TEXT NOT NULL,
    operator        TEXT,
    pen_model       TEXT,
    pen_serial      TEXT NOT NULL,
    serial_key      TEXT NOT NULL,
    pen_firmware    TEXT,
    profile         TEXT,
    profile_version TEXT,
    profile_sha256  TEXT,
    rig_version     TEXT,
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    verdict         TEXT NOT NULL,
    reason          TEXT,
    category        TEXT,
    attempt         INTEGER,
    lot             TEXT,
    bench_time_s    DOUBLE PRECISION,
    report_file     TEXT NOT NULL,
    report_sha256   TEXT NOT NULL,
    report_size     BIGINT NOT NULL
);
CREATE INDEX runs_by_serial ON runs (serial_key, started_at);
CREATE INDEX runs_by_station ON runs (station, started_at);
CREATE INDEX runs_by_start ON runs (started_at);

CREATE TABLE measurements (
    run_id      TEXT NOT NULL REFERENCES runs (run_id),
    seq         INTEGER NOT NULL,
    phase       TEXT NOT NULL,
    step        TEXT NOT NULL,
    quantity    TEXT NOT NULL,
    unit        TEXT,
    commanded   DOUBLE PRECISION,
    measured    DOUBLE PRECISION,
    std         DOUBLE PRECISION,
    n           BIGINT,
    uncertainty DOUBLE PRECISION,
    low_limit   DOUBLE PRECISION,
    high_limit  DOUBLE PRECISION,
    accept_low  DOUBLE PRECISION,
    accept_high DOUBLE PRECISION,
    result      TEXT,
    category    TEXT,
    note        TEXT,
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE calibrations (
    run_id   TEXT NOT NULL REFERENCES runs (run_id),
    seq      INTEGER NOT NULL,
    device   TEXT NOT NULL,
    item     TEXT NOT NULL,
    value    TEXT,
    PRIMARY KEY (run_id, seq)
);

-- The line keeps each report's exact bytes; a station's index does not
-- (its reports are beside it).
CREATE TABLE reports (
    run_id      TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    content     BYTEA NOT NULL,
    station     TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Runs a station still has to send (station index only).
CREATE TABLE sync_queue (
    run_id     TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    tries      INTEGER NOT NULL,
    last_error TEXT,
    sent_at    TEXT
);

-- A run offered with bytes other than those stored (line only): refused,
-- kept here for a person to look at, never overwriting the first.
CREATE TABLE sync_conflicts (
    run_id         TEXT NOT NULL,
    offered_sha256 TEXT NOT NULL,
    stored_sha256  TEXT NOT NULL,
    station        TEXT NOT NULL,
    seen_at        TEXT NOT NULL,
    PRIMARY KEY (run_id, offered_sha256)
);
