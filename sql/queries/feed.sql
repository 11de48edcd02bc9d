-- name: ledger_lock_shared
-- Waits for an append in progress to commit (appends hold the same key exclusively until commit).
SELECT pg_advisory_xact_lock_shared(7031900002)

-- name: ledger_seq_at
-- The highest seq recorded at or before moment $1 (0 when none), and the database's clock.
SELECT coalesce((SELECT seq FROM ledger WHERE recorded_at <= $1 ORDER BY recorded_at DESC, seq DESC LIMIT 1), 0)
           AS seq,
       clock_timestamp() AS now

-- name: ledger_seq_time
-- When entry $1 was recorded (null when there is none), and the head seq.
SELECT (SELECT recorded_at FROM ledger WHERE seq = $1) AS recorded_at,
       coalesce((SELECT max(seq) FROM ledger), 0) AS head

-- name: changes
-- A page of the feed: entries after seq $1 up to seq $2, in order, of the operations $3 (all when null).
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger
WHERE seq > $1 AND seq <= $2 AND ($3::text[] IS NULL OR operation = ANY($3::text[]))
ORDER BY seq
LIMIT $4

-- name: changes_json
-- The same page with each entry already in its exchange form (JSON text, recorded_at as the hash covers it),
-- and, when $5, the content addresses it references (`sha256` members holding one, at any depth), sorted.
SELECT seq,
       json_build_object('seq', seq,
                         'recorded_at', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         'actor', actor, 'operation', operation, 'payload', payload, 'prev_hash', prev_hash,
                         'hash', hash)::text AS item,
       CASE WHEN $5 THEN ARRAY(SELECT DISTINCT h FROM jsonb_path_query(payload, 'lax $.**.sha256') AS v,
                                             LATERAL (SELECT jsonb_build_array(v) ->> 0 AS h) AS s
                               WHERE jsonb_typeof(v) = 'string' AND length(h) = 64 AND h ~ '^[0-9a-f]+$'
                               ORDER BY h) END AS texts
FROM ledger
WHERE seq > $1 AND seq <= $2 AND ($3::text[] IS NULL OR operation = ANY($3::text[]))
ORDER BY seq
LIMIT $4

-- name: changes_of_act
-- A page of the feed for act $5: its entries after seq $1 up to seq $2, in order, of the operations $3.
SELECT l.seq, l.recorded_at, l.actor, l.operation, l.payload, l.prev_hash, l.hash
FROM ledger_acts a
JOIN ledger l ON l.seq = a.recorded_seq
WHERE a.act_id = $5 AND a.recorded_seq > $1 AND a.recorded_seq <= $2
  AND ($3::text[] IS NULL OR l.operation = ANY($3::text[]))
ORDER BY a.recorded_seq
LIMIT $4

-- name: changes_of_act_json
-- changes_json for act $6: its entries after seq $1 up to seq $2, in order, of the operations $3.
SELECT l.seq,
       json_build_object('seq', l.seq,
                         'recorded_at', to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                         'actor', l.actor, 'operation', l.operation, 'payload', l.payload, 'prev_hash', l.prev_hash,
                         'hash', l.hash)::text AS item,
       CASE WHEN $5 THEN ARRAY(SELECT DISTINCT h FROM jsonb_path_query(l.payload, 'lax $.**.sha256') AS v,
                                             LATERAL (SELECT jsonb_build_array(v) ->> 0 AS h) AS s
                               WHERE jsonb_typeof(v) = 'string' AND length(h) = 64 AND h ~ '^[0-9a-f]+$'
                               ORDER BY h) END AS texts
FROM ledger_acts a
JOIN ledger l ON l.seq = a.recorded_seq
WHERE a.act_id = $6 AND a.recorded_seq > $1 AND a.recorded_seq <= $2
  AND ($3::text[] IS NULL OR l.operation = ANY($3::text[]))
ORDER BY a.recorded_seq
LIMIT $4

-- name: changes_latest
-- The newest $3 entries up to seq $1, newest first, of the operations $2 (all when null).
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger
WHERE seq <= $1 AND ($2::text[] IS NULL OR operation = ANY($2::text[]))
ORDER BY seq DESC
LIMIT $3

-- name: changes_latest_of_act
-- The newest $3 entries concerning act $4 up to seq $1, newest first, of the operations $2.
SELECT l.seq, l.recorded_at, l.actor, l.operation, l.payload, l.prev_hash, l.hash
FROM ledger_acts a
JOIN ledger l ON l.seq = a.recorded_seq
WHERE a.act_id = $4 AND a.recorded_seq <= $1 AND ($2::text[] IS NULL OR l.operation = ANY($2::text[]))
ORDER BY a.recorded_seq DESC
LIMIT $3

-- name: act_ever_recorded
-- Whether any entry up to seq $2 concerns act $1 (an act's ledger outlives a retraction of the act).
SELECT EXISTS (SELECT 1 FROM ledger_acts WHERE act_id = $1 AND recorded_seq <= $2)

-- name: ledger_acts_insert
-- Records which acts entry $2 concerns.
INSERT INTO ledger_acts (act_id, recorded_seq) SELECT unnest($1::text[]), $2

-- name: texts_by_sha256
-- The stored texts among the content addresses $1.
SELECT sha256, body FROM texts WHERE sha256 = ANY($1::text[])

-- name: ledger_entries_between
-- The entries with seq from $1 to $2, in order.
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger WHERE seq >= $1 AND seq <= $2 ORDER BY seq
