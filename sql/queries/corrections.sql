-- name: editions_citing_act
-- Current editions of any act that name act $1 among the acts that produced them (a few, for the message).
SELECT act_id, valid_from FROM editions
WHERE $1 = ANY(source_acts) AND superseded_seq IS NULL
ORDER BY act_id, valid_from
LIMIT 5

-- name: act_supersede
-- Closes the current version of act $1 by entry $2; returns the seq that recorded it.
UPDATE acts SET superseded_seq = $2 WHERE id = $1 AND superseded_seq IS NULL RETURNING recorded_seq

-- name: aliases_supersede
-- Closes the current aliases of act $1 by entry $2.
UPDATE act_aliases SET superseded_seq = $2 WHERE act_id = $1 AND superseded_seq IS NULL

-- name: relation_supersede
-- Closes the current version of relation $1 by entry $2; returns the seq that recorded it.
UPDATE relations SET superseded_seq = $2 WHERE id = $1 AND superseded_seq IS NULL RETURNING recorded_seq

-- name: edition_supersede
-- Closes the current edition of act $1 from day $2 by entry $3; returns the seq that recorded it.
UPDATE editions SET superseded_seq = $3
WHERE act_id = $1 AND valid_from = $2 AND superseded_seq IS NULL
RETURNING recorded_seq

-- name: expression_languages
-- The languages in which act $1 currently has a structure or unit versions.
SELECT lang FROM expression_structures WHERE act_id = $1 AND superseded_seq IS NULL
UNION
SELECT lang FROM unit_versions WHERE act_id = $1 AND superseded_seq IS NULL
ORDER BY 1

-- name: expression_days_after
-- The days after $3 on which act $1's expression in $2 currently changes (a structure or unit versions).
SELECT valid_from FROM expression_structures
WHERE act_id = $1 AND lang = $2 AND valid_from > $3 AND superseded_seq IS NULL
UNION
SELECT valid_from FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND valid_from > $3 AND superseded_seq IS NULL
ORDER BY 1

-- name: unit_versions_current_at
-- Each unit's current version in force at the end of day $3, with the act credited for it.
SELECT DISTINCT ON (wid) wid, eid, kind, num, heading, text_sha256, text_available, source_act, repealed,
       amendment_id
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND valid_from <= $3 AND superseded_seq IS NULL
ORDER BY wid, valid_from DESC, recorded_seq DESC

-- name: unit_versions_supersede_from
-- Closes, by entry $4, act $1's current unit versions in $2 that start on day $3 or later.
UPDATE unit_versions SET superseded_seq = $4
WHERE act_id = $1 AND lang = $2 AND valid_from >= $3 AND superseded_seq IS NULL

-- name: structure_supersede
-- Closes, by entry $4, act $1's current structure in $2 from day $3.
UPDATE expression_structures SET superseded_seq = $4
WHERE act_id = $1 AND lang = $2 AND valid_from = $3 AND superseded_seq IS NULL

-- name: unit_versions_restore
-- Re-records unit versions from day $3 by entry $4, each credited to its own act.
INSERT INTO unit_versions (act_id, lang, wid, eid, kind, num, heading, text_sha256, text_available,
                           valid_from, source_act, recorded_seq, repealed, amendment_id)
SELECT $1, $2, u.wid, u.eid, u.kind, u.num, u.heading, u.sha, u.available, $3, u.source, $4, u.repealed, u.amendment
FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[], $12::text[],
            $13::boolean[], $14::text[])
     AS u(wid, eid, kind, num, heading, sha, available, source, repealed, amendment)

-- name: structure_current_at
-- The wIds, in order, and the line breaks before each (null when not recorded), of act $1's current structure
-- in $2 in force at the end of day $3.
SELECT wids, breaks FROM expression_structures
WHERE act_id = $1 AND lang = $2 AND valid_from <= $3 AND superseded_seq IS NULL
ORDER BY valid_from DESC, recorded_seq DESC
LIMIT 1
