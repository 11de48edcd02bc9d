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

-- name: snapshot_row_lines
-- The rows of table {table} (named $3) recorded up to seq $1, without the generated columns $2, in the order
-- they were recorded ({order}), as lines of a snapshot (JSON text written by the database).
SELECT json_build_object('kind', 'row', 'table', $3::text, 'row', to_jsonb(t) - $2::text[])::text AS line
FROM {table} AS t WHERE t.recorded_seq <= $1 ORDER BY {order}

-- name: snapshot_row_lines_supersedable
-- snapshot_row_lines for a table with superseded_seq: a row superseded after seq $1 is current as of $1 (its
-- superseded_seq null).
SELECT json_build_object('kind', 'row', 'table', $3::text, 'row',
                         to_jsonb(t) - $2::text[] || CASE WHEN t.superseded_seq > $1
                                                          THEN jsonb_build_object('superseded_seq', NULL)
                                                          ELSE jsonb_build_object() END)::text AS line
FROM {table} AS t WHERE t.recorded_seq <= $1 ORDER BY {order}

-- name: snapshot_entry_lines
-- The ledger up to seq $1 as lines of a snapshot: each entry in its exchange form, written by the database.
SELECT json_build_object('kind', 'entry', 'seq', seq,
                         'recorded_at', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         'actor', actor, 'operation', operation, 'payload', payload, 'prev_hash', prev_hash,
                         'hash', hash)::text AS line
FROM ledger WHERE seq <= $1 ORDER BY seq

-- name: snapshot_insert
-- Inserts rows given as JSON objects (from a snapshot) into table {table}, columns {columns}.
INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, $1::jsonb)

-- name: snapshot_text_lines
-- The texts the entries up to seq $1 reference (every sha256 member anywhere in their payloads), as lines
-- of a snapshot (JSON text written by the database).
-- The addresses are sorted before the texts are read, so that the texts themselves are never sorted.
SELECT json_build_object('kind', 'text', 'sha256', t.sha256, 'text', t.body)::text AS line
FROM (SELECT DISTINCT jsonb_build_array(v) ->> 0 AS sha256
      FROM ledger l CROSS JOIN LATERAL jsonb_path_query(l.payload, 'lax $.**.sha256') AS v
      WHERE l.seq <= $1 AND jsonb_typeof(v) = 'string' ORDER BY 1) AS r
JOIN texts t ON t.sha256 = r.sha256
ORDER BY r.sha256

-- name: ledger_is_empty
-- Whether nothing has been recorded yet.
SELECT NOT EXISTS (SELECT 1 FROM ledger)

-- name: snapshot_session
-- A snapshot is one long read: its statements and the pauses while the client reads may take minutes; the
-- set of text addresses it gathers is hashed and sorted in memory.
SET LOCAL statement_timeout = '10min'; SET LOCAL idle_in_transaction_session_timeout = '10min';
SET LOCAL work_mem = '64MB'

-- name: bulk_ledger
-- The ledger up to seq $1 as a bulk snapshot's `ledger` section (COPY ... TO STDOUT), in seq order.
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash FROM ledger WHERE seq <= $1 ORDER BY seq

-- name: bulk_texts
-- The texts the entries up to seq $1 reference, as a bulk snapshot's `texts` section (as snapshot_text_lines).
SELECT t.sha256, t.body
FROM (SELECT DISTINCT jsonb_build_array(v) ->> 0 AS sha256
      FROM ledger l CROSS JOIN LATERAL jsonb_path_query(l.payload, 'lax $.**.sha256') AS v
      WHERE l.seq <= $1 AND jsonb_typeof(v) = 'string' ORDER BY 1) AS r
JOIN texts t ON t.sha256 = r.sha256
ORDER BY r.sha256

-- name: bulk_rows
-- The rows of table {table} recorded up to seq $1, columns {columns} (a superseded_seq after $1 read as
-- null: current as of $1), in the order they were recorded ({order}), as a bulk snapshot's section.
SELECT {columns} FROM {table} AS t WHERE t.recorded_seq <= $1 ORDER BY {order}

-- name: bulk_texts_unsound
-- After a bulk snapshot is loaded: how many texts the entries reference are missing, and how many stored
-- texts do not hash to their address.
SELECT (SELECT count(*)
        FROM (SELECT DISTINCT jsonb_build_array(v) ->> 0 AS sha256
              FROM ledger l CROSS JOIN LATERAL jsonb_path_query(l.payload, 'lax $.**.sha256') AS v
              WHERE jsonb_typeof(v) = 'string') AS r
        WHERE NOT EXISTS (SELECT 1 FROM texts t WHERE t.sha256 = r.sha256)) AS missing,
       (SELECT count(*) FROM texts WHERE encode(sha256(convert_to(body, 'UTF8')), 'hex') <> sha256) AS mismatched
