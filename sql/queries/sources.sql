-- name: source_insert
-- Stores a source document's bytes once under their sha256 (the first name and retrieval time are kept).
INSERT INTO sources (sha256, body, media_type, name, retrieved_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (sha256) DO NOTHING

-- name: source_by_sha256
-- A stored source document with its bytes.
SELECT sha256, body, media_type, name, retrieved_at FROM sources WHERE sha256 = $1

-- name: source_is_known
-- Whether a source document with this sha256 is stored.
SELECT EXISTS (SELECT 1 FROM sources WHERE sha256 = $1)

-- name: fact_source_insert
-- Links one recorded fact (act, edition or relation, by the seq that recorded it) to its source and lines.
INSERT INTO fact_sources (fact, act_id, valid_from, relation_id, source_sha256, lines, recorded_seq)
VALUES ($1, $2, $3, $4, $5, $6, $7)

-- name: relation_sources
-- The sources of the given relations, every recorded version (the caller picks by recorded_seq).
SELECT relation_id, recorded_seq, source_sha256, lines FROM fact_sources
WHERE fact = 'relation' AND relation_id = ANY($1::text[])

-- name: edition_sources
-- The sources of an act's editions, every recorded version (the caller picks by valid_from and recorded_seq).
SELECT valid_from, recorded_seq, source_sha256, lines FROM fact_sources
WHERE fact = 'edition' AND act_id = $1

-- name: act_sources
-- The sources of the given acts' recorded versions (the caller picks by recorded_seq).
SELECT act_id, recorded_seq, source_sha256, lines FROM fact_sources
WHERE fact = 'act' AND act_id = ANY($1::text[])
