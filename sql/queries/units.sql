-- name: unit_rows_at
-- The version row of each of an act's units in one language in force at the end of day $3, as known at seq $4.
SELECT DISTINCT ON (wid) wid, eid, kind, num, heading, text_sha256, text_available, repealed, source_act,
       amendment_id, valid_from, recorded_seq
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND valid_from <= $3
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY wid, valid_from DESC, recorded_seq DESC

-- name: unit_rows_after
-- One language's unit version rows effective after day $3 and up to day $4 (any day when $4 is null), as known at seq $5.
SELECT wid, eid, kind, num, heading, text_sha256, text_available, repealed, source_act, amendment_id, valid_from,
       recorded_seq
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND valid_from > $3 AND ($4::date IS NULL OR valid_from <= $4)
  AND recorded_seq <= $5 AND (superseded_seq IS NULL OR superseded_seq > $5)
ORDER BY valid_from, recorded_seq

-- name: structure_at
-- One language's structure (units' wIds in order, the line breaks before each when recorded) in force at the end
-- of day $3, and its day, as known at seq $4.
SELECT valid_from, wids, breaks FROM expression_structures
WHERE act_id = $1 AND lang = $2 AND valid_from <= $3
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY valid_from DESC, recorded_seq DESC
LIMIT 1

-- name: structure_rows_after
-- One language's structures from after day $3 up to day $4 (any day when $4 is null), as known at seq $5.
SELECT valid_from, wids, breaks FROM expression_structures
WHERE act_id = $1 AND lang = $2 AND valid_from > $3 AND ($4::date IS NULL OR valid_from <= $4)
  AND recorded_seq <= $5 AND (superseded_seq IS NULL OR superseded_seq > $5)
ORDER BY valid_from, recorded_seq

-- name: structure_languages
-- The languages in which the act has a structure on or before day $2, as known at seq $3.
SELECT DISTINCT lang FROM expression_structures
WHERE act_id = $1 AND valid_from <= $2
  AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
ORDER BY lang

-- name: text_history_exists
-- Whether the act has any structure, unit version, edition or amendment as known at seq $2: a text history to fold.
SELECT EXISTS (SELECT 1 FROM expression_structures
               WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2))
    OR EXISTS (SELECT 1 FROM unit_versions
               WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2))
    OR EXISTS (SELECT 1 FROM editions
               WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2))
    OR EXISTS (SELECT 1 FROM amendments
               WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2))

-- name: full_edition_after
-- The first day after $3 on which a full edition of the act gives language $2, as known at seq $4.
SELECT min(valid_from) FROM editions
WHERE act_id = $1 AND origin = 'edition' AND $2 = ANY(languages) AND valid_from > $3
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)

-- name: unit_versions_write
-- Projects unit versions of one language, each on its day with its maker.
INSERT INTO unit_versions (act_id, lang, wid, eid, kind, num, heading, text_sha256, text_available, repealed,
                           valid_from, source_act, amendment_id, recorded_seq)
SELECT $1, $2, u.wid, u.eid, u.kind, u.num, u.heading, u.sha, u.available, u.repealed, u.day, u.source, u.amendment,
       $3
FROM unnest($4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],
            $12::boolean[], $13::text[], $14::text[])
     AS u(day, wid, eid, kind, num, heading, sha, available, repealed, source, amendment)

-- name: unit_versions_close
-- Supersedes the current version rows of language $2 on exactly these (day, unit) pairs by entry $5.
UPDATE unit_versions v SET superseded_seq = $5
FROM unnest($3::date[], $4::text[]) AS x(day, wid)
WHERE v.act_id = $1 AND v.lang = $2 AND v.valid_from = x.day AND v.wid = x.wid AND v.superseded_seq IS NULL

-- name: structure_close
-- Supersedes the current structures of language $2 on exactly these days by entry $4.
UPDATE expression_structures SET superseded_seq = $4
WHERE act_id = $1 AND lang = $2 AND valid_from = ANY($3::date[]) AND superseded_seq IS NULL

-- name: structures_write
-- Projects structures of one language, each on its day (the wIds of each, and the line breaks before each
-- unit or null when not recorded, as JSON arrays).
INSERT INTO expression_structures (act_id, lang, valid_from, wids, recorded_seq, breaks)
SELECT $1, $2, s.day, ARRAY(SELECT jsonb_array_elements_text(s.wids::jsonb)), $3,
       CASE WHEN s.breaks IS NULL THEN NULL
            ELSE ARRAY(SELECT b::smallint FROM jsonb_array_elements_text(s.breaks::jsonb) AS b) END
FROM unnest($4::date[], $5::text[], $6::text[]) AS s(day, wids, breaks)

-- name: unit_rows_of
-- Every version row of one unit (by wId), every language, as known at seq $3, in valid time order.
SELECT lang, wid, eid, kind, num, heading, text_sha256, text_available, repealed, source_act, amendment_id,
       valid_from, recorded_seq, t.body AS text
FROM unit_versions LEFT JOIN texts t ON t.sha256 = text_sha256
WHERE act_id = $1 AND wid = $2
  AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
ORDER BY lang, valid_from, recorded_seq

-- name: unit_rows_of_many
-- Every version row of some units (by wId) in one language, as known at seq $4, in valid time order.
SELECT wid, eid, kind, num, heading, text_sha256, text_available, repealed, source_act, amendment_id, valid_from,
       recorded_seq
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND wid = ANY($3::text[])
  AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
ORDER BY wid, valid_from, recorded_seq

-- name: unit_presence
-- At each structure of the act (every language), whether unit $2 is in it and whether it has any unit, as known at seq $3.
SELECT lang, valid_from, $2 = ANY(wids) AS present, cardinality(wids) > 0 AS nonempty FROM expression_structures
WHERE act_id = $1 AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
ORDER BY lang, valid_from, recorded_seq

-- name: unit_presence_many
-- At each structure of one language, which of the units $3 are in it, as known at seq $4.
SELECT s.valid_from, w.wid, w.wid = ANY(s.wids) AS present
FROM expression_structures s CROSS JOIN unnest($3::text[]) AS w(wid)
WHERE s.act_id = $1 AND s.lang = $2 AND s.recorded_seq <= $4 AND (s.superseded_seq IS NULL OR s.superseded_seq > $4)
ORDER BY s.valid_from, s.recorded_seq

-- name: unit_rows_by_eid
-- The version rows (every language) that gave some unit the eId $2, as known at seq $3, newest last: those
-- of the unit whose wId it is (unit_versions_lookup) and those renumbered to it (unit_versions_renumbered).
SELECT lang, wid, valid_from FROM (
    SELECT lang, wid, valid_from, recorded_seq FROM unit_versions
    WHERE act_id = $1 AND wid = $2 AND eid = $2
      AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
    UNION ALL
    SELECT lang, wid, valid_from, recorded_seq FROM unit_versions
    WHERE act_id = $1 AND eid = $2 AND eid <> wid
      AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
) v
ORDER BY valid_from, recorded_seq

-- name: wid_exists
-- Whether any unit of the act ever had wId $2 (in any language), as known at seq $3.
SELECT EXISTS (SELECT 1 FROM unit_versions
               WHERE act_id = $1 AND wid = $2 AND recorded_seq <= $3
                 AND (superseded_seq IS NULL OR superseded_seq > $3))

-- name: unit_rows_of_language
-- Every version row of the act in one language, as known at seq $3, in valid time order (histories, timelines).
SELECT wid, eid, kind, num, heading, text_sha256, text_available, repealed, source_act, amendment_id, valid_from,
       recorded_seq
FROM unit_versions
WHERE act_id = $1 AND lang = $2 AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
ORDER BY valid_from, recorded_seq

-- name: texts_by_sha
-- The bodies of some texts by their content addresses.
SELECT sha256, body FROM texts WHERE sha256 = ANY($1::text[])

-- name: text_counts_at
-- Per language with a structure on day $2: units in the text, and how many have their words, as known at seq $3.
WITH s AS (
    SELECT DISTINCT ON (lang) lang, wids FROM expression_structures
    WHERE act_id = $1 AND valid_from <= $2
      AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
    ORDER BY lang, valid_from DESC, recorded_seq DESC
)
SELECT s.lang,
       count(v.wid) FILTER (WHERE NOT v.repealed) AS units,
       count(v.wid) FILTER (WHERE NOT v.repealed AND v.text_available) AS with_text
FROM s
LEFT JOIN LATERAL unnest(s.wids) AS o(wid) ON true
LEFT JOIN LATERAL (
    SELECT uv.wid, uv.repealed, uv.text_available FROM unit_versions uv
    WHERE uv.act_id = $1 AND uv.lang = s.lang AND uv.wid = o.wid AND uv.valid_from <= $2
      AND uv.recorded_seq <= $3 AND (uv.superseded_seq IS NULL OR uv.superseded_seq > $3)
    ORDER BY uv.valid_from DESC, uv.recorded_seq DESC
    LIMIT 1
) v ON true
GROUP BY s.lang
ORDER BY s.lang

-- name: act_wids
-- Every wId any unit of the act has had, in any language, as known at seq $2 (wIds are never reused).
SELECT DISTINCT wid FROM unit_versions WHERE act_id = $1 AND recorded_seq <= $2

-- name: units_with_eids_at
-- The units (every language) whose version in force at the end of day $3 has one of the eIds $2, as known at seq $4.
-- The candidates are the units whose wId is one of the eIds and those renumbered to one (unit_versions_renumbered).
SELECT v.lang, v.wid, v.eid FROM (
    SELECT DISTINCT ON (lang, wid) lang, wid, eid FROM unit_versions
    WHERE act_id = $1 AND valid_from <= $3
      AND wid IN (SELECT unnest($2::text[])
                  UNION SELECT wid FROM unit_versions WHERE act_id = $1 AND eid = ANY($2::text[]) AND eid <> wid)
      AND recorded_seq <= $4 AND (superseded_seq IS NULL OR superseded_seq > $4)
    ORDER BY lang, wid, valid_from DESC, recorded_seq DESC
) v
WHERE v.eid = ANY($2::text[])

-- name: structure_changes_of_language
-- For each structure of one language, as known at seq $3, the wIds that entered and left it since the one before.
WITH s AS (
    SELECT valid_from, recorded_seq, wids,
           lag(wids) OVER (ORDER BY valid_from, recorded_seq) AS prev
    FROM expression_structures
    WHERE act_id = $1 AND lang = $2 AND recorded_seq <= $3 AND (superseded_seq IS NULL OR superseded_seq > $3)
)
SELECT valid_from,
       ARRAY(SELECT t.w FROM unnest(s.wids) WITH ORDINALITY AS t(w, i)
             WHERE t.w IN (SELECT unnest(s.wids) EXCEPT SELECT unnest(coalesce(s.prev, ARRAY[]::text[]))) ORDER BY t.i) AS entered,
       ARRAY(SELECT unnest(coalesce(s.prev, ARRAY[]::text[])) EXCEPT SELECT unnest(s.wids)) AS left_
FROM s
ORDER BY valid_from, recorded_seq
