-- Lextime's first schema: the ledger (source of truth) and the projections written from it.
-- Every projected fact carries its transaction time: the ledger seq that recorded it and, once a later
-- entry supersedes it, the seq that did. Nothing is updated in place except that one-way close of
-- superseded_seq, which a trigger guards. Runs on PostgreSQL 15 through 18.

-- The role the running service uses: it owns nothing, reads everything, appends where appending is its job.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lextime_app') THEN
        CREATE ROLE lextime_app NOLOGIN;
    END IF;
END
$$;

CREATE TABLE ledger (
    seq         bigint      PRIMARY KEY CHECK (seq > 0),
    recorded_at timestamptz NOT NULL,
    actor       text        NOT NULL,
    operation   text        NOT NULL,
    payload     jsonb       NOT NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL UNIQUE
);

-- Content-addressed texts: sha256 of the normalised text, stored once.
CREATE TABLE texts (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body   text NOT NULL
);

CREATE TABLE acts (
    row_id              bigserial PRIMARY KEY,
    id                  text   NOT NULL,
    jurisdiction        text   NOT NULL,
    type                text   NOT NULL,
    number              text,
    adopted_on          date,
    issuing_body        text,
    titles              jsonb  NOT NULL,
    languages           text[] NOT NULL,
    publication_date    date,
    publication_source  text,
    eif_date            date,
    eif_rule            text,
    eif_earliest        date,
    expires_on          date,
    akn_uri             text,
    recorded_seq        bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq      bigint REFERENCES ledger (seq)
);
CREATE UNIQUE INDEX acts_current_id ON acts (id) WHERE superseded_seq IS NULL;
CREATE INDEX acts_id_seq ON acts (id, recorded_seq);
CREATE INDEX acts_adopted ON acts (adopted_on);

-- Aliases resolve to an act's id: its AKN work URI and external ids (e.g. an Adilet document code).
CREATE TABLE act_aliases (
    row_id          bigserial PRIMARY KEY,
    alias           text   NOT NULL,
    kind            text   NOT NULL CHECK (kind IN ('akn', 'external')),
    act_id          text   NOT NULL,
    recorded_seq    bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq  bigint REFERENCES ledger (seq)
);
CREATE UNIQUE INDEX act_aliases_current ON act_aliases (alias) WHERE superseded_seq IS NULL;
CREATE INDEX act_aliases_alias_seq ON act_aliases (alias, recorded_seq);
CREATE INDEX act_aliases_act ON act_aliases (act_id);

-- An edition: the act's text as it applies from valid_from.
CREATE TABLE editions (
    row_id              bigserial PRIMARY KEY,
    act_id              text   NOT NULL,
    valid_from          date   NOT NULL,
    source_acts         text[] NOT NULL DEFAULT '{}',
    languages           text[] NOT NULL,
    text_completeness   text   NOT NULL CHECK (text_completeness IN ('full', 'partial', 'none')),
    note                text,
    recorded_seq        bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq      bigint REFERENCES ledger (seq)
);
CREATE UNIQUE INDEX editions_current ON editions (act_id, valid_from) WHERE superseded_seq IS NULL;
CREATE INDEX editions_act_from ON editions (act_id, valid_from DESC, recorded_seq);

-- The structure of one language's expression from valid_from: the units' wIds in document order.
CREATE TABLE expression_structures (
    row_id          bigserial PRIMARY KEY,
    act_id          text   NOT NULL,
    lang            text   NOT NULL,
    valid_from      date   NOT NULL,
    wids            text[] NOT NULL,
    recorded_seq    bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq  bigint REFERENCES ledger (seq)
);
CREATE INDEX expression_structures_lookup ON expression_structures (act_id, lang, valid_from DESC, recorded_seq);

-- Unit versions are intervals in valid time: a version holds from valid_from until the unit's next version.
CREATE TABLE unit_versions (
    row_id          bigserial PRIMARY KEY,
    act_id          text    NOT NULL,
    lang            text    NOT NULL,
    wid             text    NOT NULL,
    eid             text    NOT NULL,
    kind            text    NOT NULL,
    num             text,
    heading         text,
    text_sha256     text    REFERENCES texts (sha256),
    text_available  boolean NOT NULL,
    valid_from      date    NOT NULL,
    source_act      text,
    recorded_seq    bigint  NOT NULL REFERENCES ledger (seq),
    superseded_seq  bigint  REFERENCES ledger (seq),
    CHECK (text_available OR text_sha256 IS NULL)
);
CREATE INDEX unit_versions_lookup ON unit_versions (act_id, lang, wid, valid_from DESC, recorded_seq);

CREATE TABLE relations (
    row_id              bigserial PRIMARY KEY,
    id                  text   NOT NULL,
    type                text   NOT NULL,
    source_act          text   NOT NULL,
    source_unit         text,
    target_act          text   NOT NULL,
    target_unit         text,
    effective_date      date,
    effective_rule      text,
    effective_earliest  date,
    effective_latest    date,
    ends_on             date,
    basis               text   NOT NULL CHECK (basis IN ('stated', 'convention')),
    note                text,
    recorded_seq        bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq      bigint REFERENCES ledger (seq)
);
CREATE UNIQUE INDEX relations_current_id ON relations (id) WHERE superseded_seq IS NULL;
CREATE INDEX relations_target ON relations (target_act, recorded_seq);
CREATE INDEX relations_source ON relations (source_act, recorded_seq);

-- API keys are access state, not legal facts: they live beside the ledger, not in it.
CREATE TABLE api_keys (
    key_id      text        PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    secret_hash text        NOT NULL,
    scopes      text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- The ledger and the texts are append-only, whoever connects.
CREATE FUNCTION lextime_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lextime: % on % is not allowed: it is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER texts_append_only BEFORE UPDATE OR DELETE ON texts
    FOR EACH ROW EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER texts_no_truncate BEFORE TRUNCATE ON texts
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();

-- A projected fact may only be closed once in transaction time, by a later entry; nothing else changes.
CREATE FUNCTION lextime_close_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lextime: % on % is not allowed', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.superseded_seq IS NOT NULL OR NEW.superseded_seq IS NULL
       OR NEW.superseded_seq <= OLD.recorded_seq
       OR (to_jsonb(NEW) - 'superseded_seq') <> (to_jsonb(OLD) - 'superseded_seq') THEN
        RAISE EXCEPTION 'lextime: a fact in % can only be superseded once, by a later entry', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['acts', 'act_aliases', 'editions', 'expression_structures',
                             'unit_versions', 'relations']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I
                        FOR EACH ROW EXECUTE FUNCTION lextime_close_only()', t || '_close_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change()', t || '_no_truncate', t);
        EXECUTE format('GRANT SELECT, INSERT ON %I TO lextime_app', t);
        EXECUTE format('GRANT UPDATE (superseded_seq) ON %I TO lextime_app', t);
        EXECUTE format('GRANT USAGE ON SEQUENCE %I TO lextime_app', t || '_row_id_seq');
    END LOOP;
END
$$;

GRANT SELECT, INSERT ON ledger TO lextime_app;
GRANT SELECT, INSERT ON texts TO lextime_app;
GRANT SELECT ON api_keys TO lextime_app;
GRANT SELECT ON schema_migrations TO lextime_app;
