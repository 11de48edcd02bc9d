-- Sync and audit: the change feed's wake-up call, the acts each ledger entry touches (feed filter and
-- an act's transaction-time log), `as_of` by timestamp, and the checkpoints kept in the ledger.
-- Depends on 0001 only. Runs on PostgreSQL 15 through 18.

-- Every append wakes the feed's long-polls: NOTIFY inside the append transaction is delivered at commit,
-- so a listener never hears of an entry it cannot yet read.
CREATE FUNCTION lextime_notify_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('lextime_ledger', NEW.seq::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER ledger_notify AFTER INSERT ON ledger
    FOR EACH ROW EXECUTE FUNCTION lextime_notify_append();

-- `as_of=<timestamp>` resolves to the highest seq recorded at or before it (recorded_at rises with seq).
CREATE INDEX ledger_recorded_at ON ledger (recorded_at, seq);
-- The feed filtered by operation, and the checkpoints (operation 'checkpoint') in order.
CREATE INDEX ledger_operation ON ledger (operation, seq);

-- Which acts each entry concerns: written with the entry's projections, from its payload alone, and
-- append-only like the ledger it indexes.
CREATE TABLE ledger_acts (
    act_id        text   NOT NULL,
    recorded_seq  bigint NOT NULL REFERENCES ledger (seq),
    PRIMARY KEY (act_id, recorded_seq)
);

CREATE TRIGGER ledger_acts_append_only BEFORE UPDATE OR DELETE ON ledger_acts
    FOR EACH ROW EXECUTE FUNCTION lextime_refuse_change();
CREATE TRIGGER ledger_acts_no_truncate BEFORE TRUNCATE ON ledger_acts
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();

GRANT SELECT, INSERT ON ledger_acts TO lextime_app;

-- Nobody but the owner and the service's role reads or appends to the source of truth.
REVOKE ALL ON ledger, texts, ledger_acts FROM PUBLIC;
