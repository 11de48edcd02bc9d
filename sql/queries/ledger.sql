-- name: ledger_lock
-- Serialises appends: held to commit, so sequence order equals commit order.
SELECT pg_advisory_xact_lock(7031900002)

-- name: ledger_head
-- The last entry's seq and hash (none on an empty ledger), with the clock read inside the append lock.
SELECT (SELECT seq FROM ledger ORDER BY seq DESC LIMIT 1) AS seq,
       (SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1) AS hash,
       clock_timestamp() AS now

-- name: ledger_insert
-- Appends one entry.
INSERT INTO ledger (seq, recorded_at, actor, operation, payload, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7)

-- name: ledger_insert_in_batch
-- Appends one entry of a batch that holds the append lock, with the acts it concerns ($8, as
-- ledger_acts_insert notes them) and the texts it brings ($9 their content addresses, $10 their bodies, as
-- text_insert stores them), and reads the clock for the batch's next entry (recorded_at rises with seq).
WITH stored AS (
    INSERT INTO texts (sha256, body) SELECT * FROM unnest($9::text[], $10::text[]) ON CONFLICT (sha256) DO NOTHING
), entry AS (
    INSERT INTO ledger (seq, recorded_at, actor, operation, payload, prev_hash, hash)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq
), noted_acts AS (
    INSERT INTO ledger_acts (act_id, recorded_seq) SELECT unnest($8::text[]), seq FROM entry
)
SELECT clock_timestamp() FROM entry

-- name: ledger_range
-- Entries after a seq, in order (chain verification and the feed).
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2

-- name: ledger_head_seq
-- The seq of the newest entry, 0 on an empty ledger.
SELECT coalesce(max(seq), 0) FROM ledger

-- name: text_insert
-- Stores a text once under its content address.
INSERT INTO texts (sha256, body) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (sha256) DO NOTHING

-- name: ledger_changes_since
-- The entries after seq $1 (at most $2), each with the acts whose answers it may change (cache invalidation).
SELECT seq, operation,
       array_remove(ARRAY[payload #>> '{act,id}', payload ->> 'act_id', payload #>> '{relation,source_act}',
                          payload #>> '{relation,target_act}'], NULL) AS acts
FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2
