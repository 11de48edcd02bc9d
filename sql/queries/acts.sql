-- name: act_insert
-- Projects a recorded act.
INSERT INTO acts (id, jurisdiction, type, number, adopted_on, issuing_body, titles, languages,
                  publication_date, publication_source, eif_date, eif_rule, eif_earliest, expires_on,
                  akn_uri, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)

-- name: aliases_insert
-- Projects the aliases of an act in one statement: $1 the aliases, $2 the kind of each, in order.
INSERT INTO act_aliases (alias, kind, act_id, recorded_seq)
SELECT a.alias, a.kind, $3, $4 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS a(alias, kind, n)
ORDER BY a.n

-- name: act_by_id
-- The act with this id as known at seq $2.
SELECT a.*, ARRAY(SELECT x.alias FROM act_aliases x
                  WHERE x.act_id = a.id AND x.kind = 'external'
                    AND x.recorded_seq <= $2 AND (x.superseded_seq IS NULL OR x.superseded_seq > $2)
                  ORDER BY x.alias) AS external_ids
FROM acts a
WHERE a.id = $1 AND a.recorded_seq <= $2 AND (a.superseded_seq IS NULL OR a.superseded_seq > $2)

-- name: act_id_by_alias
-- The id of the act an alias resolves to, as known at seq $2.
SELECT act_id FROM act_aliases
WHERE alias = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)

-- name: acts_page
-- A page of acts after a cursor id, filtered; status is filtered by the caller.
SELECT a.*, ARRAY(SELECT x.alias FROM act_aliases x
                  WHERE x.act_id = a.id AND x.kind = 'external'
                    AND x.recorded_seq <= $1 AND (x.superseded_seq IS NULL OR x.superseded_seq > $1)
                  ORDER BY x.alias) AS external_ids
FROM acts a
WHERE a.recorded_seq <= $1 AND (a.superseded_seq IS NULL OR a.superseded_seq > $1)
  AND a.id > $2
  AND ($3::text IS NULL OR a.type = $3)
  AND ($4::text IS NULL OR a.number = $4)
  AND ($5::date IS NULL OR a.adopted_on = $5)
  AND ($6::text IS NULL OR a.titles->>'kk' ILIKE $6 OR a.titles->>'ru' ILIKE $6 OR a.titles->>'en' ILIKE $6)
  AND ($7::text IS NULL OR EXISTS (
        SELECT 1 FROM act_aliases y
        WHERE y.act_id = a.id AND y.kind = 'external' AND y.alias = $7
          AND y.recorded_seq <= $1 AND (y.superseded_seq IS NULL OR y.superseded_seq > $1)))
ORDER BY a.id
LIMIT $8

-- name: act_entry
-- An act as known at seq $2 with what its answers need, in one round trip: the act (as act_by_id), the
-- relations in which it is the source or the target (as relations_of_act), its editions (as editions_of_act)
-- and, per language, the days its text changes (as expression_change_days).
SELECT a.*,
       ARRAY(SELECT x.alias FROM act_aliases x
             WHERE x.act_id = a.id AND x.kind = 'external'
               AND x.recorded_seq <= $2 AND (x.superseded_seq IS NULL OR x.superseded_seq > $2)
             ORDER BY x.alias) AS external_ids,
       (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'row_id' - 'superseded_seq'
                                  ORDER BY r.effective_date NULLS LAST, r.recorded_seq, r.id), '[]')
        FROM relations r
        WHERE (r.source_act = $1 OR r.target_act = $1)
          AND r.recorded_seq <= $2 AND (r.superseded_seq IS NULL OR r.superseded_seq > $2)) AS relations,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'valid_from', e.valid_from, 'source_acts', e.source_acts, 'languages', e.languages,
                   'text_completeness', e.text_completeness, 'note', e.note, 'recorded_seq', e.recorded_seq)
                   ORDER BY e.valid_from), '[]')
        FROM editions e
        WHERE e.act_id = $1 AND e.recorded_seq <= $2 AND (e.superseded_seq IS NULL OR e.superseded_seq > $2))
           AS editions,
       (SELECT coalesce(jsonb_object_agg(d.lang, d.days), '{}')
        FROM (SELECT lang, array_agg(DISTINCT valid_from ORDER BY valid_from) AS days
              FROM (SELECT lang, valid_from FROM unit_versions
                    WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)
                    UNION ALL
                    SELECT lang, valid_from FROM expression_structures
                    WHERE act_id = $1 AND recorded_seq <= $2 AND (superseded_seq IS NULL OR superseded_seq > $2)) v
              GROUP BY lang) d) AS change_days
FROM acts a
WHERE a.id = $1 AND a.recorded_seq <= $2 AND (a.superseded_seq IS NULL OR a.superseded_seq > $2)

-- name: acts_page_status
-- acts_page for the acts whose status on their day is $9, from the status projection: the day is $10, or
-- without it today in the act's jurisdiction (the days $12 of the jurisdictions $11, else $13).
SELECT a.*, ARRAY(SELECT x.alias FROM act_aliases x
                  WHERE x.act_id = a.id AND x.kind = 'external'
                    AND x.recorded_seq <= $1 AND (x.superseded_seq IS NULL OR x.superseded_seq > $1)
                  ORDER BY x.alias) AS external_ids
FROM status_periods p
JOIN acts a ON a.id = p.act_id AND a.recorded_seq <= $1 AND (a.superseded_seq IS NULL OR a.superseded_seq > $1)
CROSS JOIN LATERAL (SELECT coalesce($10::date,
                                    (SELECT z.day FROM unnest($11::text[], $12::date[]) AS z (jurisdiction, day)
                                     WHERE z.jurisdiction = a.jurisdiction),
                                    $13::date) AS day) d
WHERE p.code = $9 AND p.act_id > $2
  AND p.recorded_seq <= $1 AND (p.superseded_seq IS NULL OR p.superseded_seq > $1)
  AND (p.since IS NULL OR p.since <= d.day) AND (p.until IS NULL OR p.until >= d.day)
  AND ($3::text IS NULL OR a.type = $3)
  AND ($4::text IS NULL OR a.number = $4)
  AND ($5::date IS NULL OR a.adopted_on = $5)
  AND ($6::text IS NULL OR a.titles->>'kk' ILIKE $6 OR a.titles->>'ru' ILIKE $6 OR a.titles->>'en' ILIKE $6)
  AND ($7::text IS NULL OR EXISTS (
        SELECT 1 FROM act_aliases y
        WHERE y.act_id = a.id AND y.kind = 'external' AND y.alias = $7
          AND y.recorded_seq <= $1 AND (y.superseded_seq IS NULL OR y.superseded_seq > $1)))
ORDER BY p.act_id
LIMIT $8
