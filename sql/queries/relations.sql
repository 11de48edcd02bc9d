-- name: relation_insert
-- Projects a recorded relation.
INSERT INTO relations (id, type, source_act, source_unit, target_act, target_unit, effective_date,
                       effective_rule, effective_earliest, effective_latest, ends_on, basis, note, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

-- name: relations_of_act
-- Every relation in which the act is the source or the target, as known at seq $2.
SELECT * FROM relations
WHERE (source_act = $1 OR target_act = $1)
  AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
ORDER BY effective_date NULLS LAST, recorded_seq, id

-- name: relations_targeting
-- The relations whose target is any of the acts $1, as known at seq $2 (status of many acts at once).
SELECT * FROM relations
WHERE target_act = ANY($1::text[])
  AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
ORDER BY recorded_seq, id
