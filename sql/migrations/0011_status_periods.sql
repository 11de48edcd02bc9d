-- The status of every act as a projection: its timeline of status periods, as known at each seq, so that
-- listing the acts with a status on a day is an index scan rather than a derivation per act. Depends on
-- 0001 and 0008. Runs on PostgreSQL 15 through 18.
--
-- The periods are those service.domain.status.status_periods derives from an act's record, the relations
-- that target it and its units not in force (adjacent periods with the same status merged whatever their
-- reason: the reason stays with the per-act status answer). `since` NULL is "from the beginning", `until`
-- NULL "with no end"; both ends are inclusive. Rows follow the fact tables' rule of transaction time: a
-- read at seq S sees the rows with recorded_seq <= S < superseded_seq, so a list with `as_of` answers as
-- it would have then. service.store.statuses writes them in the transaction of the entries that change an
-- act's facts; `status_projection.seq` is the last entry whose effects are written (a database upgraded
-- to this migration is brought up to its head by `lextime migrate`, in one pass over the ledger's acts).
CREATE TABLE status_periods (
    row_id          bigserial PRIMARY KEY,
    act_id          text   NOT NULL,
    code            text   NOT NULL,
    since           date,
    until           date,
    recorded_seq    bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq  bigint REFERENCES ledger (seq),
    CHECK (since IS NULL OR until IS NULL OR since <= until)
);
-- The list's lookup: acts with a status, in id order (the cursor), then the day and seq checked per row.
CREATE INDEX status_periods_code ON status_periods (code, act_id, recorded_seq);
-- The projection's own read: an act's current periods.
CREATE INDEX status_periods_current ON status_periods (act_id) WHERE superseded_seq IS NULL;

CREATE TRIGGER status_periods_close_only BEFORE UPDATE OR DELETE ON status_periods
    FOR EACH ROW EXECUTE FUNCTION lextime_close_only();
CREATE TRIGGER status_periods_no_truncate BEFORE TRUNCATE ON status_periods
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();
GRANT SELECT, INSERT ON status_periods TO lextime_app;
GRANT UPDATE (superseded_seq) ON status_periods TO lextime_app;
GRANT USAGE ON SEQUENCE status_periods_row_id_seq TO lextime_app;

-- How far the projection has got. One row; every write advances it under the ledger's append lock.
CREATE TABLE status_projection (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint  NOT NULL
);
INSERT INTO status_projection (seq) VALUES (0);
GRANT SELECT, UPDATE ON status_projection TO lextime_app;

-- A relation retracted or corrected to another target changes the status of the act it targeted, which the
-- superseding entry may not name: the projection finds those acts by the seq that superseded the relation.
CREATE INDEX relations_superseded ON relations (superseded_seq) WHERE superseded_seq IS NOT NULL;
