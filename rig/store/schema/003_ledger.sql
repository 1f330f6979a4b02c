-- 003_ledger.sql - the entries of a report folder's ledger (ledger.txt,
-- docs/records.md), as written: one row per whole line. ledger_id names
-- the ledger (the SHA-256 of its first entry's line), so that the entries
-- of several folders can share a table. The ledger stays the record;
-- `rig verify` checks it, the index only answers questions about it.
CREATE TABLE ledger_entries (
    ledger_id  TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    object     TEXT,
    sha256     TEXT,
    actor      TEXT,
    detail     TEXT,
    prev       TEXT NOT NULL,
    key        TEXT,
    sig        TEXT,
    entry_hash TEXT NOT NULL,
    PRIMARY KEY (ledger_id, seq)
);
CREATE INDEX ledger_by_object ON ledger_entries (object);
