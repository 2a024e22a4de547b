-- +goose Up
-- The feed: a position for every event, consecutive from 1 in commit
-- order, assigned in the append's own transaction from feed_head.
-- store_id names this store in feed cursors.
CREATE TABLE feed_head (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    pos      INTEGER NOT NULL,
    store_id TEXT    NOT NULL
);
INSERT INTO feed_head (one, pos, store_id)
    SELECT 1, (SELECT count(*) FROM events), lower(hex(randomblob(16)));

CREATE TABLE event_feed (
    pos INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE
);
INSERT INTO event_feed (pos, seq) SELECT row_number() OVER (ORDER BY seq), seq FROM events;

-- The figures of the statistics: one row per project, replaced with its
-- projection. Amounts are whole millionths of 万元 (fen), so that SUM is
-- exact integer arithmetic; a project with an amount finer than a fen
-- (which no declaration holds, but a store keeps exactly) has fine = 1,
-- NULL fen columns, and its amounts as exact decimal text in
-- fine_amounts, added in Go.
CREATE TABLE project_figures (
    project_id                TEXT    PRIMARY KEY,
    unit                      TEXT    NOT NULL,
    kind                      TEXT    NOT NULL,
    state                     TEXT    NOT NULL,
    budget_year               INTEGER NOT NULL,
    requested_central_fen     INTEGER,
    requested_municipal_fen   INTEGER,
    requested_district_fen    INTEGER,
    requested_self_funded_fen INTEGER,
    approved_central_fen      INTEGER,
    approved_municipal_fen    INTEGER,
    approved_district_fen     INTEGER,
    approved_self_funded_fen  INTEGER,
    next_due                  TEXT,
    next_duty                 TEXT    NOT NULL,
    approval_workdays         INTEGER,
    declared_at               TEXT,
    approved_at               TEXT,
    fine                      INTEGER NOT NULL DEFAULT 0,
    fine_amounts              TEXT
) WITHOUT ROWID;
CREATE INDEX project_figures_fine ON project_figures (project_id) WHERE fine <> 0;

-- Running totals of the figures, kept in the append's transaction: Stats
-- reads a few rows per unit, kind, budget year and state (and per duty
-- and due date, per approval time) however many projects there are.
CREATE TABLE figure_totals (
    unit                      TEXT    NOT NULL,
    kind                      TEXT    NOT NULL,
    budget_year               INTEGER NOT NULL,
    state                     TEXT    NOT NULL,
    projects                  INTEGER NOT NULL,
    requested_central_fen     INTEGER NOT NULL,
    requested_municipal_fen   INTEGER NOT NULL,
    requested_district_fen    INTEGER NOT NULL,
    requested_self_funded_fen INTEGER NOT NULL,
    approved_central_fen      INTEGER NOT NULL,
    approved_municipal_fen    INTEGER NOT NULL,
    approved_district_fen     INTEGER NOT NULL,
    approved_self_funded_fen  INTEGER NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, state)
) WITHOUT ROWID;
CREATE TABLE duty_totals (
    unit        TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    budget_year INTEGER     NOT NULL,
    duty        TEXT        NOT NULL,
    next_due    TEXT        NOT NULL,
    projects    INTEGER     NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, duty, next_due)
) WITHOUT ROWID;
CREATE TABLE approval_totals (
    unit        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    budget_year INTEGER NOT NULL,
    workdays    INTEGER NOT NULL,
    projects    INTEGER NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, workdays)
) WITHOUT ROWID;

-- Webhooks and their deliveries: the outbox, written in the append's
-- transaction, one row per event and webhook whose actor may see it.
CREATE TABLE webhooks (
    id         TEXT    PRIMARY KEY,
    actor_id   TEXT    NOT NULL,
    sees_all   INTEGER NOT NULL,
    unit       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX webhooks_actor ON webhooks (actor_id);

CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id   TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    pos          INTEGER NOT NULL,
    project_id   TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT    NOT NULL,
    lease_until  TEXT,
    lease_owner  TEXT,
    last_status  INTEGER,
    last_error   TEXT    NOT NULL DEFAULT '',
    delivered_at TEXT,
    UNIQUE (webhook_id, pos)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, project_id, pos) WHERE status = 'pending';

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE approval_totals;
DROP TABLE duty_totals;
DROP TABLE figure_totals;
DROP TABLE project_figures;
DROP TABLE event_feed;
DROP TABLE feed_head;
