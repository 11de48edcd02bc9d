-- name: status_projection_lock
-- The last entry whose effects on statuses are projected, locked until the transaction ends.
SELECT seq FROM status_projection FOR UPDATE

-- name: status_projection_set
-- The projection has written the effects of every entry up to seq $1.
UPDATE status_projection SET seq = $1

-- name: status_head
-- The newest entry's seq, 0 on an empty ledger (as the projection's transaction sees it).
SELECT coalesce(max(seq), 0) FROM ledger

-- name: status_changes_since
-- Every (seq, act) after seq $1 up to $2 whose entry concerns the act (ledger_acts) or closed a relation
-- that targets it: the acts whose status may have changed at that seq.
SELECT recorded_seq AS seq, act_id FROM ledger_acts WHERE recorded_seq > $1 AND recorded_seq <= $2
UNION
SELECT superseded_seq, target_act FROM relations WHERE superseded_seq > $1 AND superseded_seq <= $2

-- name: status_closed_relation_targets
-- The acts targeted by relations closed by the entries $1 (a retraction or correction may not name them).
SELECT superseded_seq AS seq, target_act AS act_id FROM relations WHERE superseded_seq = ANY($1::bigint[])

-- name: status_act_versions
-- Every version of the acts $1, in the order they were recorded.
SELECT * FROM acts WHERE id = ANY($1::text[]) ORDER BY recorded_seq, row_id

-- name: status_relation_versions
-- Every version of the relations that target the acts $1 and may bear on their status (service.domain.facts
-- reads no other type: citations, the most numerous, never do), in the order act_entry gives an act's
-- relations (the order the status of one act is derived in).
SELECT * FROM relations
WHERE target_act = ANY($1::text[]) AND type IN ('amends', 'repeals', 'suspends', 'resumes', 'commences')
ORDER BY effective_date NULLS LAST, recorded_seq, id

-- name: status_current_periods
-- The status periods of the acts $1 as the projection holds them now.
SELECT row_id, act_id, code, since, until FROM status_periods
WHERE act_id = ANY($1::text[]) AND superseded_seq IS NULL
ORDER BY act_id, since NULLS FIRST

-- name: status_periods_close
-- Closes the periods $1, each by the entry at the same place in $2.
UPDATE status_periods p SET superseded_seq = c.seq
FROM unnest($1::bigint[], $2::bigint[]) AS c (row_id, seq)
WHERE p.row_id = c.row_id

-- name: status_periods_insert
-- Writes periods, each with the entry that recorded it and the one that closed it (null: current).
INSERT INTO status_periods (act_id, code, since, until, recorded_seq, superseded_seq)
SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::bigint[], $6::bigint[])

-- name: status_projection_seq
-- The last entry whose effects on statuses are written.
SELECT seq FROM status_projection

-- name: status_projection_behind
-- Whether some entry's effects on statuses are not yet projected.
SELECT (SELECT seq FROM status_projection) < coalesce((SELECT max(seq) FROM ledger), 0)
