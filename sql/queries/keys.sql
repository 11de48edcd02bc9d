-- name: key_insert
-- Stores a new API key (its secret only as a hash).
INSERT INTO api_keys (key_id, name, secret_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5)

-- name: key_by_id
-- The key with this id, for authentication.
SELECT key_id, name, secret_hash, scopes, expires_at, revoked_at FROM api_keys WHERE key_id = $1

-- name: key_list
-- Every key, oldest first, without its secret's hash.
SELECT key_id, name, scopes, created_at, expires_at, revoked_at FROM api_keys ORDER BY created_at, name

-- name: key_revoke
-- Revokes the key with this name (kept revoked at its first revocation time); the key, or nothing.
UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE name = $1
RETURNING key_id, name, scopes, created_at, expires_at, revoked_at
