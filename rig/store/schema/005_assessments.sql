-- 005_assessments.sql - units to be assessed (ISO 13485 §7.6): when a
-- bench check fails, every unit judged on that bench since its last good
-- check gets a `unit.to-assess` entry in the folder's ledger (rig check);
-- the index keeps the mark beside the run it names, so that `rig history`
-- and `rig impact` show it. In a station's index the rows are derived
-- from the ledger (rebuilt with it); `rig sync` sends them to the line
-- (sent_at: when the line acknowledged; NULL on the line).
CREATE TABLE assessments (
    run_id     TEXT PRIMARY KEY,
    state      TEXT NOT NULL,     -- 'to be assessed'
    reason     TEXT,              -- the ledger entry's detail: which check failed
    marked_at  TEXT NOT NULL,     -- the ledger entry's time
    station    TEXT,
    sent_at    TEXT
);
