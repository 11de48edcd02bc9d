-- name: edition_insert
-- Projects a recorded edition.
INSERT INTO editions (act_id, valid_from, source_acts, languages, text_completeness, note, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7)

-- name: structure_insert
-- Projects one language's structure (units' wIds in order) from a day.
INSERT INTO expression_structures (act_id, lang, valid_from, wids, recorded_seq) VALUES ($1, $2, $3, $4, $5)

-- name: unit_versions_insert
-- Projects new unit versions, many at once.
INSERT INTO unit_versions (act_id, lang, wid, eid, kind, num, heading, text_sha256, text_available,
                           valid_from, source_act, recorded_seq)
SELECT $1, $2, u.wid, u.eid, u.kind, u.num, u.heading, u.sha, u.available, $3, $4, $5
FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[])
     AS u(wid, eid, kind, num, heading, sha, available)

-- name: editions_of_act
-- Every edition of an act as known at seq $2, oldest first.
SELECT act_id, valid_from, source_acts, languages, text_completeness, note, recorded_seq
FROM editions
WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
ORDER BY valid_from

-- name: unit_versions_at
-- The version of each of an act's units in one language in force at the end of day $3, as known at seq $4.
SELECT DISTINCT ON (wid) wid, eid, kind, num, heading, text_sha256, text_available
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND valid_from <= $3
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY wid, valid_from DESC, recorded_seq DESC

-- name: expression_at
-- One language's units in force at the end of day $3, in document order, with their texts, as known at seq $4.
WITH structure AS (
    SELECT wids FROM expression_structures
    WHERE act_id = $1 AND lang = $2 AND valid_from <= $3
      AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
    ORDER BY valid_from DESC, recorded_seq DESC
    LIMIT 1
)
SELECT v.wid, v.eid, v.kind, v.num, v.heading, v.text_sha256, v.text_available, t.body AS text
FROM structure s
CROSS JOIN LATERAL unnest(s.wids) WITH ORDINALITY AS o(wid, ord)
CROSS JOIN LATERAL (
    SELECT uv.* FROM unit_versions uv
    WHERE uv.act_id = $1 AND uv.lang = $2 AND uv.wid = o.wid AND uv.valid_from <= $3
      AND uv.recorded_seq <= $4 AND (uv.superseded_seq IS NULL OR uv.superseded_seq > $4)
    ORDER BY uv.valid_from DESC, uv.recorded_seq DESC
    LIMIT 1
) v
LEFT JOIN texts t ON t.sha256 = v.text_sha256
ORDER BY o.ord
