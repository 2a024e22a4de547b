-- +goose Up
-- The event log: one row per event, appended, never updated. seq is the
-- store's global order; (project_id, version) is unique, which is what
-- makes an append at a stale version fail. Times are UTC text of fixed
-- width (2006-01-02T15:04:05.000000Z), so they sort as they compare.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    action      TEXT    NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_unit  TEXT    NOT NULL,
    actor_roles TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    article     TEXT    NOT NULL,
    payload     BLOB,
    hash        BLOB    NOT NULL,
    UNIQUE (project_id, version)
);

-- The projection: one row per project, replaced in the transaction of
-- each append. Amounts are decimal text, exactly as given.
CREATE TABLE projections (
    project_id           TEXT    PRIMARY KEY,
    name                 TEXT    NOT NULL,
    unit                 TEXT    NOT NULL,
    kind                 TEXT    NOT NULL,
    state                TEXT    NOT NULL,
    version              INTEGER NOT NULL,
    approved_central     TEXT    NOT NULL,
    approved_municipal   TEXT    NOT NULL,
    approved_district    TEXT    NOT NULL,
    approved_self_funded TEXT    NOT NULL,
    next_due             TEXT,
    next_duty            TEXT    NOT NULL,
    updated_at           TEXT
) WITHOUT ROWID;

CREATE INDEX projections_unit     ON projections (unit, project_id);
CREATE INDEX projections_state    ON projections (state, project_id);
CREATE INDEX projections_kind     ON projections (kind, project_id);
CREATE INDEX projections_next_due ON projections (next_due, project_id) WHERE next_due IS NOT NULL;

-- +goose Down
DROP TABLE projections;
DROP TABLE events;
