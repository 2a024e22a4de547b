-- +goose Up
-- The feed: a position for every event, consecutive from 1 in commit
-- order, assigned in the append's own transaction from feed_head (whose
-- row lock orders the appends' commits). events.seq cannot serve: an
-- identity column leaves holes on rollback and its values commit out of
-- order. store_id names this store in feed cursors.
CREATE TABLE feed_head (
    one      boolean PRIMARY KEY DEFAULT true CHECK (one),
    pos      bigint  NOT NULL,
    store_id text    NOT NULL
);
INSERT INTO feed_head (one, pos, store_id)
    SELECT true, (SELECT count(*) FROM events), md5(random()::text || clock_timestamp()::text);

CREATE TABLE event_feed (
    pos bigint PRIMARY KEY,
    seq bigint NOT NULL UNIQUE
);
INSERT INTO event_feed (pos, seq) SELECT row_number() OVER (ORDER BY seq), seq FROM events;

-- The figures of the statistics: one row per project, replaced with its
-- projection. Amounts are whole millionths of 万元 (fen), so that SUM is
-- exact integer arithmetic in both databases; a project with an amount
-- finer than a fen (which no declaration holds, but a store keeps exactly)
-- has fine = 1, NULL fen columns, and its amounts as exact decimal text in
-- fine_amounts, added in Go.
CREATE TABLE project_figures (
    project_id                text COLLATE "C" PRIMARY KEY,
    unit                      text    NOT NULL,
    kind                      text    NOT NULL,
    state                     text    NOT NULL,
    budget_year               integer NOT NULL,
    requested_central_fen     bigint,
    requested_municipal_fen   bigint,
    requested_district_fen    bigint,
    requested_self_funded_fen bigint,
    approved_central_fen      bigint,
    approved_municipal_fen    bigint,
    approved_district_fen     bigint,
    approved_self_funded_fen  bigint,
    next_due                  timestamptz,
    next_duty                 text    NOT NULL,
    approval_workdays         integer,
    declared_at               timestamptz,
    approved_at               timestamptz,
    fine                      integer NOT NULL DEFAULT 0,
    fine_amounts              text
);
CREATE INDEX project_figures_fine ON project_figures (project_id) WHERE fine <> 0;

-- Running totals of the figures, kept in the append's transaction: Stats
-- reads a few rows per unit, kind, budget year and state (and per duty
-- and due date, per approval time) however many projects there are.
CREATE TABLE figure_totals (
    unit                      text    NOT NULL,
    kind                      text    NOT NULL,
    budget_year               integer NOT NULL,
    state                     text    NOT NULL,
    projects                  bigint  NOT NULL,
    requested_central_fen     bigint  NOT NULL,
    requested_municipal_fen   bigint  NOT NULL,
    requested_district_fen    bigint  NOT NULL,
    requested_self_funded_fen bigint  NOT NULL,
    approved_central_fen      bigint  NOT NULL,
    approved_municipal_fen    bigint  NOT NULL,
    approved_district_fen     bigint  NOT NULL,
    approved_self_funded_fen  bigint  NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, state)
);
CREATE TABLE duty_totals (
    unit        text        NOT NULL,
    kind        text        NOT NULL,
    budget_year integer     NOT NULL,
    duty        text        NOT NULL,
    next_due    timestamptz NOT NULL,
    projects    bigint      NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, duty, next_due)
);
CREATE TABLE approval_totals (
    unit        text    NOT NULL,
    kind        text    NOT NULL,
    budget_year integer NOT NULL,
    workdays    integer NOT NULL,
    projects    bigint  NOT NULL,
    PRIMARY KEY (unit, kind, budget_year, workdays)
);

-- Webhooks and their deliveries: the outbox, written in the append's
-- transaction, one row per event and webhook whose actor may see it.
CREATE TABLE webhooks (
    id         text PRIMARY KEY,
    actor_id   text        NOT NULL,
    sees_all   integer     NOT NULL,
    unit       text        NOT NULL,
    url        text        NOT NULL,
    secret     text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX webhooks_actor ON webhooks (actor_id);

CREATE TABLE webhook_deliveries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id   text        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    pos          bigint      NOT NULL,
    project_id   text        NOT NULL,
    status       text        NOT NULL DEFAULT 'pending',
    attempts     integer     NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL,
    lease_until  timestamptz,
    lease_owner  text,
    last_status  integer,
    last_error   text        NOT NULL DEFAULT '',
    delivered_at timestamptz,
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
