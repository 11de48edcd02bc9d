-- name: amendment_insert
-- Projects a recorded unit-level amendment.
INSERT INTO amendments (id, act_id, amending_act, amending_unit, effective_date, effective_rule, effective_earliest,
                        effective_latest, basis, note, operations, flags, commenced_by, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

-- name: amendment_close
-- Supersedes the current row of amendment $1 by entry $2 (a prospective amendment that now takes effect).
UPDATE amendments SET superseded_seq = $2 WHERE id = $1 AND superseded_seq IS NULL

-- name: amendment_by_id
-- The amendment with this id as known at seq $2.
SELECT * FROM amendments
WHERE id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)

-- name: amendments_of_act
-- Every amendment of an act as known at seq $2: dated ones by day, then the prospective ones, each in recorded order.
SELECT * FROM amendments
WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
ORDER BY effective_date NULLS LAST, recorded_seq, row_id

-- name: amendments_dated_between
-- The act's amendments effective after day $2 and before day $3 (no bound when null), in the order they apply.
SELECT * FROM amendments
WHERE act_id = $1 AND effective_date > $2 AND ($3::date IS NULL OR effective_date < $3)
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY effective_date, recorded_seq, row_id

-- name: edition_row_at
-- The act's edition starting on day $2, as known at seq $3, with what made it.
SELECT act_id, valid_from, source_acts, languages, text_completeness, note, origin, amendments, recorded_seq
FROM editions
WHERE act_id = $1 AND valid_from = $2 AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)

-- name: edition_rows_between
-- The act's editions starting after day $2 and before day $3 (no bound when null), as known at seq $4.
SELECT act_id, valid_from, source_acts, languages, text_completeness, note, origin, amendments, recorded_seq
FROM editions
WHERE act_id = $1 AND valid_from > $2 AND ($3::date IS NULL OR valid_from < $3)
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY valid_from

-- name: edition_close
-- Supersedes the current edition of the act on day $2 by entry $3 (merged with later contributions).
UPDATE editions SET superseded_seq = $3 WHERE act_id = $1 AND valid_from = $2 AND superseded_seq IS NULL

-- name: edition_write
-- Projects an edition with what made it (a full edition, or the amendments effective that day).
INSERT INTO editions (act_id, valid_from, source_acts, languages, text_completeness, note, origin, amendments,
                      recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)

-- name: relation_insert_unit
-- Projects a relation recorded by an amendment, naming the target unit by eId and wId.
INSERT INTO relations (id, type, source_act, source_unit, target_act, target_unit, target_wid, effective_date,
                       effective_rule, effective_earliest, effective_latest, ends_on, basis, note,
                       commenced_amendment, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)

-- name: relation_close
-- Supersedes the current relation $1 by entry $2 (its effective date became known).
UPDATE relations SET superseded_seq = $2 WHERE id = $1 AND superseded_seq IS NULL

-- name: relation_by_id
-- The relation with this id as known at seq $2.
SELECT * FROM relations
WHERE id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)

-- name: edition_rows_of_act
-- Every edition of the act as known at seq $2, oldest first, with what made it.
SELECT act_id, valid_from, source_acts, languages, text_completeness, note, origin, amendments, recorded_seq
FROM editions
WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
ORDER BY valid_from
