-- name: legalize_checkpoint
-- The last commit whose import completed, for a repository and scope.
SELECT last_commit FROM legalize_repositories WHERE repository = $1 AND scope = $2

-- name: legalize_checkpoint_set
-- Records that the import of a repository and scope completed up to a commit.
INSERT INTO legalize_repositories (repository, scope, location, last_commit) VALUES ($1, $2, $3, $4)
ON CONFLICT (repository, scope)
DO UPDATE SET location = EXCLUDED.location, last_commit = EXCLUDED.last_commit, updated_at = now()

-- name: legalize_file
-- The act a law file of a repository became, and the version last recorded from it.
SELECT identifier, path, act_id, last_commit, last_valid_from, retracted
FROM legalize_files WHERE repository = $1 AND identifier = $2

-- name: legalize_file_set
-- Records the act a law file became and the version last recorded from it (a new act for a file whose act was
-- retracted starts afresh).
INSERT INTO legalize_files (repository, identifier, path, act_id, last_commit, last_valid_from)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (repository, identifier)
DO UPDATE SET path = EXCLUDED.path, act_id = EXCLUDED.act_id,
              last_commit = CASE WHEN legalize_files.act_id <> EXCLUDED.act_id THEN EXCLUDED.last_commit
                                 ELSE coalesce(EXCLUDED.last_commit, legalize_files.last_commit) END,
              last_valid_from = CASE WHEN legalize_files.act_id <> EXCLUDED.act_id THEN EXCLUDED.last_valid_from
                                     ELSE coalesce(EXCLUDED.last_valid_from, legalize_files.last_valid_from) END,
              retracted = legalize_files.retracted AND legalize_files.act_id = EXCLUDED.act_id,
              updated_at = now()

-- name: legalize_file_retracted
-- Notes that the act a law file became was retracted, its file removed.
UPDATE legalize_files SET retracted = true, updated_at = now() WHERE repository = $1 AND identifier = $2

-- name: legalize_file_by_path
-- The law file of a repository at a path, if one was read there.
SELECT identifier, path, act_id, last_commit, last_valid_from, retracted
FROM legalize_files WHERE repository = $1 AND path = $2
ORDER BY updated_at DESC LIMIT 1

-- name: legalize_deferred_insert
-- Keeps a change Lextime could not record yet (once per commit, file and kind).
INSERT INTO legalize_deferred (repository, commit, path, identifier, act_id, kind, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (repository, commit, path, kind) DO NOTHING

-- name: legalize_deferred_of
-- The changes of a repository Lextime could not record yet, oldest first.
SELECT commit, path, identifier, act_id, kind, detail, noticed_at
FROM legalize_deferred WHERE repository = $1 ORDER BY row_id
