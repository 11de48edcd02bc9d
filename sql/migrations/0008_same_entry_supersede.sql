-- One ledger entry may record a fact and replace it again (an import writes several facts about the same
-- act in one entry): a row superseded by the entry that recorded it was never visible at any seq, since a
-- read at seq S sees rows with recorded_seq <= S < superseded_seq. So the close is allowed from the
-- recording entry on; closing by an EARLIER entry, twice, or changing anything else stays refused.
CREATE OR REPLACE FUNCTION lextime_close_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'lextime: % on % is not allowed', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.superseded_seq IS NOT NULL OR NEW.superseded_seq IS NULL
       OR NEW.superseded_seq < OLD.recorded_seq
       OR (to_jsonb(NEW) - 'superseded_seq') <> (to_jsonb(OLD) - 'superseded_seq') THEN
        RAISE EXCEPTION 'lextime: a fact in % can only be superseded once, by its own or a later entry', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
