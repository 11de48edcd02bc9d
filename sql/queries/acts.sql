-- name: act_insert
-- Projects a recorded act.
INSERT INTO acts (id, jurisdiction, type, number, adopted_on, issuing_body, titles, languages,
                  publication_date, publication_source, eif_date, eif_rule, eif_earliest, expires_on,
                  akn_uri, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)

-- name: alias_insert
-- Projects an alias (AKN work URI or external id) of an act.
INSERT INTO act_aliases (alias, kind, act_id, recorded_seq) VALUES ($1, $2, $3, $4)

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
