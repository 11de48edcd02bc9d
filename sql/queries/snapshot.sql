-- name: fact_tables
-- The tables that hold facts by transaction time (those with a recorded_seq column), each with its
-- columns in order, the generated ones (row ids) apart, and whether facts in it can be superseded.
SELECT c.table_name::text AS table_name,
       array_agg(c.column_name::text ORDER BY c.ordinal_position)
           FILTER (WHERE coalesce(c.column_default, '') NOT LIKE 'nextval(%' AND c.is_identity = 'NO'
                   AND c.is_generated = 'NEVER') AS columns,
       array_agg(c.column_name::text ORDER BY c.ordinal_position)
           FILTER (WHERE c.column_default LIKE 'nextval(%' OR c.is_identity = 'YES'
                   OR c.is_generated <> 'NEVER') AS generated,
       bool_or(c.column_name = 'superseded_seq') AS supersedable
FROM information_schema.columns c
WHERE c.table_schema = current_schema()
  AND c.table_name IN (SELECT table_name FROM information_schema.columns
                       WHERE table_schema = current_schema() AND column_name = 'recorded_seq')
  AND c.table_name IN (SELECT table_name FROM information_schema.tables
                       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
GROUP BY c.table_name
ORDER BY c.table_name

-- name: snapshot_rows
-- The rows of table {table} recorded up to seq $1, as JSON without the generated columns $2, in the order
-- they were recorded ({order}).
SELECT to_jsonb(t) - $2::text[] AS row FROM {table} AS t WHERE t.recorded_seq <= $1 ORDER BY {order}

-- name: snapshot_insert
-- Inserts rows given as JSON objects (from a snapshot) into table {table}, columns {columns}.
INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, $1::jsonb)

-- name: snapshot_texts
-- The texts the entries up to seq $1 reference: every sha256 member anywhere in their payloads.
SELECT t.sha256, t.body FROM texts t
WHERE t.sha256 IN (SELECT v #>> '{}' FROM ledger l CROSS JOIN LATERAL jsonb_path_query(l.payload, 'lax $.**.sha256') AS v
                   WHERE l.seq <= $1 AND jsonb_typeof(v) = 'string')
ORDER BY t.sha256

-- name: ledger_is_empty
-- Whether nothing has been recorded yet.
SELECT NOT EXISTS (SELECT 1 FROM ledger)

-- name: snapshot_session
-- A snapshot is one long read: its statements and the pauses while the client reads may take minutes.
SET LOCAL statement_timeout = '10min'; SET LOCAL idle_in_transaction_session_timeout = '10min'
