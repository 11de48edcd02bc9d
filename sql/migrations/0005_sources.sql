-- Source documents (issue 3): the bytes an import read, content-addressed, and a link from every fact
-- recorded from a document back to those bytes and the lines it was read from, so that an auditor can go
-- from any act, edition or relation to the words. Both tables are append-only, like the texts.

CREATE TABLE sources (
    sha256        text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body          bytea       NOT NULL,
    media_type    text        NOT NULL,
    name          text,
    retrieved_at  timestamptz
);

-- One row per fact an import recorded: the fact's identity in its own table plus the seq that recorded
-- that version of it (acts: act_id; editions: act_id + valid_from; relations: relation_id).
CREATE TABLE fact_sources (
    row_id         bigserial PRIMARY KEY,
    fact           text   NOT NULL CHECK (fact IN ('act', 'edition', 'relation')),
    act_id         text   NOT NULL,
    valid_from     date,
    relation_id    text,
    source_sha256  text   NOT NULL REFERENCES sources (sha256),
    lines          jsonb  NOT NULL DEFAULT '{}',
    recorded_seq   bigint NOT NULL REFERENCES ledger (seq),
    CHECK ((fact = 'edition') = (valid_from IS NOT NULL)),
    CHECK ((fact = 'relation') = (relation_id IS NOT NULL))
);
CREATE INDEX fact_sources_act ON fact_sources (act_id, fact, recorded_seq);
CREATE INDEX fact_sources_relation ON fact_sources (relation_id, recorded_seq) WHERE relation_id IS NOT NULL;
CREATE INDEX fact_sources_source ON fact_sources (source_sha256);

CREATE TRIGGER sources_append_only BEFORE UPDATE OR DELETE ON sources
    FOR EACH ROW EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER sources_no_truncate BEFORE TRUNCATE ON sources
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER fact_sources_append_only BEFORE UPDATE OR DELETE ON fact_sources
    FOR EACH ROW EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER fact_sources_no_truncate BEFORE TRUNCATE ON fact_sources
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();

GRANT SELECT, INSERT ON sources TO lextime_app;
GRANT SELECT, INSERT ON fact_sources TO lextime_app;
GRANT USAGE ON SEQUENCE fact_sources_row_id_seq TO lextime_app;
