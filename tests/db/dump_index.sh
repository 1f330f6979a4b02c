#!/bin/sh
# dump_index.sh INDEX.sqlite - the derived content of a results index
# (runs, measurements, calibrations, ledger entries), in key order, one line per row, for
# comparing two indexes (the sync queue's state is not derived content).
set -eu
sqlite3 -batch -noheader "$1" \
  "SELECT 'run', * FROM runs ORDER BY run_id;" \
  "SELECT 'meas', * FROM measurements ORDER BY run_id, seq;" \
  "SELECT 'cal', * FROM calibrations ORDER BY run_id, seq;" \
  "SELECT 'ledger', * FROM ledger_entries ORDER BY ledger_id, seq;"
