-- name: ledger_head_entry
-- The newest entry's seq, hash, operation and payload (nulls on an empty ledger), and the clock, read
-- inside the append lock.
SELECT l.seq, l.hash, l.operation, l.payload, clock_timestamp() AS now
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (SELECT seq, hash, operation, payload FROM ledger ORDER BY seq DESC LIMIT 1) AS l ON true

-- name: ledger_head_hash
-- The seq and hash of the newest entry up to seq $1 (none on an empty ledger).
SELECT seq, hash FROM ledger WHERE seq <= $1 ORDER BY seq DESC LIMIT 1

-- name: checkpoints_page
-- The checkpoint entries after seq $1 up to seq $2, in order.
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger
WHERE operation = 'checkpoint' AND seq > $1 AND seq <= $2
ORDER BY seq
LIMIT $3

-- name: checkpoint_covering
-- The first checkpoint entry after seq $1 (so signing seq $1 or later), up to seq $2.
SELECT seq, recorded_at, actor, operation, payload, prev_hash, hash
FROM ledger
WHERE operation = 'checkpoint' AND seq > $1 AND seq <= $2
ORDER BY seq
LIMIT 1

-- name: expression_sources_at
-- Where one language's units in force at the end of day $3 (as known at seq $4) were recorded: the seq of
-- the structure and of each unit version, in document order.
WITH structure AS (
    SELECT wids, breaks, recorded_seq FROM expression_structures
    WHERE act_id = $1 AND lang = $2 AND valid_from <= $3
      AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
    ORDER BY valid_from DESC, recorded_seq DESC
    LIMIT 1
)
SELECT s.recorded_seq AS structure_seq, v.wid, v.eid, v.text_sha256, v.text_available, v.valid_from,
       v.recorded_seq, s.breaks[o.ord] AS breaks
FROM structure s
CROSS JOIN LATERAL unnest(s.wids) WITH ORDINALITY AS o(wid, ord)
CROSS JOIN LATERAL (
    SELECT uv.* FROM unit_versions uv
    WHERE uv.act_id = $1 AND uv.lang = $2 AND uv.wid = o.wid AND uv.valid_from <= $3
      AND uv.recorded_seq <= $4 AND (uv.superseded_seq IS NULL OR uv.superseded_seq > $4)
    ORDER BY uv.valid_from DESC, uv.recorded_seq DESC
    LIMIT 1
) v
ORDER BY o.ord
