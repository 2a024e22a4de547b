-- +goose Up
-- The event log: one row per event, appended, never updated. seq is the
-- store's global order; (project_id, version) is unique, which is what
-- makes an append at a stale version fail. Project IDs use the "C"
-- collation so that they order by bytes, as in every other store.
CREATE TABLE events (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  text COLLATE "C" NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 1),
    action      text        NOT NULL,
    actor_id    text        NOT NULL,
    actor_unit  text        NOT NULL,
    actor_roles text        NOT NULL,
    role        text        NOT NULL,
    at          timestamptz NOT NULL,
    article     text        NOT NULL,
    payload     bytea,
    hash        bytea       NOT NULL,
    UNIQUE (project_id, version)
);

-- The projection: one row per project, replaced in the transaction of
-- each append. Amounts are exact numeric, never floating point.
CREATE TABLE projections (
    project_id           text COLLATE "C" PRIMARY KEY,
    name                 text        NOT NULL,
    unit                 text        NOT NULL,
    kind                 text        NOT NULL,
    state                text        NOT NULL,
    version              bigint      NOT NULL,
    approved_central     numeric     NOT NULL,
    approved_municipal   numeric     NOT NULL,
    approved_district    numeric     NOT NULL,
    approved_self_funded numeric     NOT NULL,
    next_due             timestamptz,
    next_duty            text        NOT NULL,
    updated_at           timestamptz
);

CREATE INDEX projections_unit     ON projections (unit, project_id);
CREATE INDEX projections_state    ON projections (state, project_id);
CREATE INDEX projections_kind     ON projections (kind, project_id);
CREATE INDEX projections_next_due ON projections (next_due, project_id) WHERE next_due IS NOT NULL;

-- +goose Down
DROP TABLE projections;
DROP TABLE events;
