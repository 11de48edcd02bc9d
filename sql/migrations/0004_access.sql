-- Access control: a key's scopes are the four Lextime knows, a revocation is for good, and nobody but the
-- schema's owner creates objects. The service's role (lextime_app) keeps reading keys only: keys are
-- created and revoked by `lextime keys`, which connects as the owner.

ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_scopes_known
        CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write', 'correct', 'admin']::text[]),
    ADD CONSTRAINT api_keys_name_printable
        CHECK (length(name) BETWEEN 1 AND 100 AND name !~ '[[:cntrl:]]' AND name = btrim(name));

-- A key may be revoked (once; revoking again changes nothing) and deleted; nothing else about it changes,
-- so a revoked key cannot be brought back nor its secret replaced.
CREATE FUNCTION lextime_key_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'revoked_at') <> (to_jsonb(OLD) - 'revoked_at')
       OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at) THEN
        RAISE EXCEPTION 'lextime: an API key can only be revoked, once'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER api_keys_revoke_only BEFORE UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION lextime_key_revoke_only();

-- PostgreSQL 15 and later already refuse CREATE in the public schema to ordinary roles; older ones do not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- An `admin` key may revoke keys through the API (never create one: that stays with the owner). Revoking is
-- the one change the service's role may make to a key, and the trigger above keeps it one-way.
GRANT UPDATE (revoked_at) ON api_keys TO lextime_app;
