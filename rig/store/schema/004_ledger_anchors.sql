-- 004_ledger_anchors.sql - the heads of the stations' ledgers, kept off
-- the station (docs/records.md "An anchor off the station"). A ledger cut
-- back at an entry boundary together with the reports of the cut entries
-- looks intact on the station; the line remembers how far it reached.
-- `rig sync` adds the ledger's head (its last whole entry) after each pass
-- that moved it; `rig verify --db` compares the ledger with every row.
-- Rows are only added, never changed. On the line they are the anchors;
-- in a station's index, the heads the line has acknowledged.
CREATE TABLE ledger_anchors (
    ledger_id   TEXT NOT NULL,   -- SHA-256 of the ledger's first entry line
    seq         BIGINT NOT NULL, -- the head entry's number
    entry_hash  TEXT NOT NULL,   -- SHA-256 of the head entry's whole line
    entry_time  TEXT NOT NULL,   -- the head entry's own UTC time
    station     TEXT NOT NULL,
    anchored_at TEXT NOT NULL,
    PRIMARY KEY (ledger_id, seq)
);
