-- Provision-level history: unit-level amendments (replace, insert, repeal, renumber, suspend, resume,
-- commence) recorded as ledger entries and projected onto the same interval tables as full editions.
-- Forward only; depends on 0001 alone.

-- A repealed (excluded) unit stays addressable with no text; its version row says so.
ALTER TABLE unit_versions ADD COLUMN repealed boolean NOT NULL DEFAULT false;
ALTER TABLE unit_versions ADD CONSTRAINT unit_versions_repealed_without_text
    CHECK (NOT repealed OR (text_sha256 IS NULL AND NOT text_available));
-- The amendment whose operation made this version (null for full editions and restored versions).
ALTER TABLE unit_versions ADD COLUMN amendment_id text;
-- Resolving an eId (which renumbering may move) to the stable wId.
CREATE INDEX unit_versions_eid ON unit_versions (act_id, eid, valid_from);

-- What made an edition row: a full edition (its units are the whole text, a barrier for earlier
-- amendments) or the amendments effective on that day (their contributions, in order).
ALTER TABLE editions ADD COLUMN origin text NOT NULL DEFAULT 'edition'
    CHECK (origin IN ('edition', 'amendments'));
ALTER TABLE editions ADD COLUMN amendments text[] NOT NULL DEFAULT '{}';

-- Structures are superseded when a late amendment re-derives them.
CREATE INDEX expression_structures_day ON expression_structures (act_id, lang, valid_from)
    WHERE superseded_seq IS NULL;

-- A relation on one unit names it by eId (as the amending act did) and, when known, by its stable wId.
ALTER TABLE relations ADD COLUMN target_wid text;
-- A `commences` relation that brings a prospective amendment into force names it: it commences that
-- amendment's changes to the unit, not the unit itself (which may have been in force long before).
ALTER TABLE relations ADD COLUMN commenced_amendment text;

-- Unit-level amendments as recorded: the amending act, the effective date (or the window it lies in,
-- or nothing: "not yet appointed"), and the operations, resolved to wIds, texts by their hashes.
CREATE TABLE amendments (
    row_id              bigserial PRIMARY KEY,
    id                  text   NOT NULL,
    act_id              text   NOT NULL,
    amending_act        text   NOT NULL,
    amending_unit       text,
    effective_date      date,
    effective_rule      text,
    effective_earliest  date,
    effective_latest    date,
    basis               text   NOT NULL CHECK (basis IN ('stated', 'convention')),
    note                text,
    operations          jsonb  NOT NULL,
    flags               jsonb  NOT NULL DEFAULT '{}',
    commenced_by        text,
    recorded_seq        bigint NOT NULL REFERENCES ledger (seq),
    superseded_seq      bigint REFERENCES ledger (seq),
    CHECK (effective_date IS NULL OR (effective_earliest IS NULL AND effective_latest IS NULL))
);
CREATE UNIQUE INDEX amendments_current_id ON amendments (id) WHERE superseded_seq IS NULL;
CREATE INDEX amendments_act ON amendments (act_id, effective_date, recorded_seq);

CREATE TRIGGER amendments_close_only BEFORE UPDATE OR DELETE ON amendments
    FOR EACH ROW EXECUTE FUNCTION lextime_close_only();
CREATE TRIGGER amendments_no_truncate BEFORE TRUNCATE ON amendments
    FOR EACH STATEMENT EXECUTE FUNCTION lextime_refuse_change();
GRANT SELECT, INSERT ON amendments TO lextime_app;
GRANT UPDATE (superseded_seq) ON amendments TO lextime_app;
GRANT USAGE ON SEQUENCE amendments_row_id_seq TO lextime_app;
