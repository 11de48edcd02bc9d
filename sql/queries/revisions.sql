-- name: act_close
-- Supersedes the current version of an act (a later entry records its new version).
UPDATE acts SET superseded_seq = $2 WHERE id = $1 AND superseded_seq IS NULL

-- name: alias_insert_missing
-- Projects an alias of an act unless the act already has it.
INSERT INTO act_aliases (alias, kind, act_id, recorded_seq)
SELECT $1, $2, $3, $4
WHERE NOT EXISTS (SELECT 1 FROM act_aliases WHERE alias = $1 AND act_id = $3 AND superseded_seq IS NULL)

-- name: structures_close
-- Supersedes the current structures of an act's expressions starting on a day.
UPDATE expression_structures SET superseded_seq = $3
WHERE act_id = $1 AND valid_from = $2 AND superseded_seq IS NULL

-- name: unit_versions_close_day
-- Supersedes the current unit versions of an act starting on a day.
UPDATE unit_versions SET superseded_seq = $3 WHERE act_id = $1 AND valid_from = $2 AND superseded_seq IS NULL

