-- Disk: fewer bytes per act without changing what is stored. Depends on 0002. Runs on PostgreSQL 15 through 18.

-- A unit's eId is its wId until a renumbering moves it (every unit of the Adilet and legalize samples, and of
-- the synthetic corpus): an index of every version by eId repeated unit_versions_lookup's keys for all of
-- them (3.6 % of the database at 10k acts). Units whose eId is their wId are found by wId
-- (unit_versions_lookup); this index keeps only the renumbered ones, and the eId queries read both.
DROP INDEX unit_versions_eid;
CREATE INDEX unit_versions_renumbered ON unit_versions (act_id, eid, valid_from) WHERE eid <> wid;

-- Ledger payloads over 2 kB (editions) are compressed in TOAST: lz4 takes 2–4 % fewer bytes than pglz on
-- them and decompresses several times faster (the feed and the snapshot read every payload). Values under
-- the 2 kB tuple threshold are not compressed by either, whatever toast_tuple_target says. A server built
-- without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE ledger ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lextime: this server has no lz4; ledger payloads stay compressed with pglz';
END
$$;
