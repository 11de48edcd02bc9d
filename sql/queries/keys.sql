-- name: key_insert
-- Stores a new API key (its secret only as a hash).
INSERT INTO api_keys (key_id, name, secret_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5)

-- name: key_by_id
-- The key with this id, for authentication.
SELECT key_id, name, secret_hash, scopes, expires_at, revoked_at FROM api_keys WHERE key_id = $1
