-- Legalize corpora (issue 7).
--
-- 1. An expression's layout: the line breaks before each unit, so that a text whose units start on any
--    line (a Markdown law file) is given back exactly. NULL keeps the blank line between units.
-- 2. The importer's bookkeeping beside the ledger: which commit of a repository has been read, which act
--    each law file became, and the changes it could not apply yet. These are not legal facts (those go
--    through the ledger like every other write); like api_keys they are working state, updated in place.

ALTER TABLE expression_structures ADD COLUMN breaks smallint[];
ALTER TABLE expression_structures ADD CONSTRAINT expression_structures_breaks_fit
    CHECK (breaks IS NULL OR cardinality(breaks) = cardinality(wids));

-- One row per repository (named by its root commit, so a clone elsewhere is the same repository) and
-- scope (a jurisdiction, or '*' for the whole repository): the last commit whose import completed.
CREATE TABLE legalize_repositories (
    repository  text        NOT NULL,
    scope       text        NOT NULL,
    location    text        NOT NULL,
    last_commit text        NOT NULL CHECK (last_commit ~ '^[0-9a-f]{40,64}$'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, scope)
);

-- One row per law file read: the act it became and the version last recorded from it.
CREATE TABLE legalize_files (
    repository      text        NOT NULL,
    identifier      text        NOT NULL,
    path            text        NOT NULL,
    act_id          text        NOT NULL,
    last_commit     text        CHECK (last_commit ~ '^[0-9a-f]{40,64}$'),
    last_valid_from date,
    retracted       boolean     NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, identifier)
);
CREATE INDEX legalize_files_act ON legalize_files (act_id);

-- Changes read from a repository that Lextime could not record yet (a correction of a version already
-- recorded, a retraction, a second same-day version after the first was recorded): kept so that nothing
-- read is lost, and listed in the import's summary.
CREATE TABLE legalize_deferred (
    row_id      bigserial   PRIMARY KEY,
    repository  text        NOT NULL,
    commit      text        NOT NULL CHECK (commit ~ '^[0-9a-f]{40,64}$'),
    path        text        NOT NULL,
    identifier  text,
    act_id      text,
    kind        text        NOT NULL CHECK (kind IN ('correction', 'retraction', 'same_day', 'invalid')),
    detail      text        NOT NULL,
    noticed_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository, commit, path, kind)
);

GRANT SELECT, INSERT, UPDATE ON legalize_repositories, legalize_files, legalize_deferred TO lextime_app;
GRANT USAGE ON SEQUENCE legalize_deferred_row_id_seq TO lextime_app;
