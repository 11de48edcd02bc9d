-- The whole point-in-time lookup of one text answer in one statement (the database ceiling): the act,
-- the relations that target it, its editions, and the units in force on day $2 in language $3 with
-- their texts, as known now.
SELECT a.id, a.titles, a.eif_date,
       (SELECT coalesce(json_agg(json_build_object('type', r.type, 'source', r.source_act,
                                                   'effective', r.effective_date)), '[]')
        FROM relations r WHERE r.target_act = a.id AND r.superseded_seq IS NULL) AS relations,
       (SELECT coalesce(json_agg(e.valid_from ORDER BY e.valid_from), '[]')
        FROM editions e WHERE e.act_id = a.id AND e.superseded_seq IS NULL) AS editions,
       (SELECT coalesce(json_agg(json_build_object('eid', v.eid, 'text', t.body) ORDER BY o.ord), '[]')
        FROM (SELECT wids FROM expression_structures
              WHERE act_id = a.id AND lang = $3 AND valid_from <= $2 AND superseded_seq IS NULL
              ORDER BY valid_from DESC LIMIT 1) s
        CROSS JOIN LATERAL unnest(s.wids) WITH ORDINALITY AS o(wid, ord)
        CROSS JOIN LATERAL (SELECT uv.eid, uv.text_sha256 FROM unit_versions uv
                            WHERE uv.act_id = a.id AND uv.lang = $3 AND uv.wid = o.wid AND uv.valid_from <= $2
                              AND uv.superseded_seq IS NULL
                            ORDER BY uv.valid_from DESC, uv.recorded_seq DESC LIMIT 1) v
        LEFT JOIN texts t ON t.sha256 = v.text_sha256) AS units
FROM acts a
WHERE a.id = $1 AND a.superseded_seq IS NULL
