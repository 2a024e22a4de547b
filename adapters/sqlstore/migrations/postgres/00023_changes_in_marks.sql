-- +goose Up
-- An append's change to the statistics' running totals travels with its
-- first event's mark in feed_pending (the project's figures before and
-- after it) instead of delta rows in three tables of their own; the
-- sequencer folds it in the statement that moves the marks. The deltas
-- left by appends before this version are folded here.
ALTER TABLE feed_pending
    ADD COLUMN was_unit text, ADD COLUMN was_kind text, ADD COLUMN was_year integer, ADD COLUMN was_state text,
    ADD COLUMN was_fen bigint[], ADD COLUMN was_due timestamptz, ADD COLUMN was_duty text, ADD COLUMN was_days integer,
    ADD COLUMN now_unit text, ADD COLUMN now_kind text, ADD COLUMN now_year integer, ADD COLUMN now_state text,
    ADD COLUMN now_fen bigint[], ADD COLUMN now_due timestamptz, ADD COLUMN now_duty text, ADD COLUMN now_days integer;

INSERT INTO figure_totals (unit, kind, budget_year, state, projects,
    requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
    approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen)
SELECT unit, kind, budget_year, state, SUM(projects),
    SUM(requested_central_fen), SUM(requested_municipal_fen), SUM(requested_district_fen), SUM(requested_self_funded_fen),
    SUM(approved_central_fen), SUM(approved_municipal_fen), SUM(approved_district_fen), SUM(approved_self_funded_fen)
FROM figure_deltas GROUP BY unit, kind, budget_year, state
ON CONFLICT (unit, kind, budget_year, state) DO UPDATE SET
    projects = figure_totals.projects + excluded.projects,
    requested_central_fen = figure_totals.requested_central_fen + excluded.requested_central_fen,
    requested_municipal_fen = figure_totals.requested_municipal_fen + excluded.requested_municipal_fen,
    requested_district_fen = figure_totals.requested_district_fen + excluded.requested_district_fen,
    requested_self_funded_fen = figure_totals.requested_self_funded_fen + excluded.requested_self_funded_fen,
    approved_central_fen = figure_totals.approved_central_fen + excluded.approved_central_fen,
    approved_municipal_fen = figure_totals.approved_municipal_fen + excluded.approved_municipal_fen,
    approved_district_fen = figure_totals.approved_district_fen + excluded.approved_district_fen,
    approved_self_funded_fen = figure_totals.approved_self_funded_fen + excluded.approved_self_funded_fen;
INSERT INTO duty_totals (unit, kind, budget_year, duty, next_due, projects)
SELECT unit, kind, budget_year, duty, next_due, SUM(projects) FROM duty_deltas
GROUP BY unit, kind, budget_year, duty, next_due
ON CONFLICT (unit, kind, budget_year, duty, next_due) DO UPDATE SET projects = duty_totals.projects + excluded.projects;
DELETE FROM duty_totals WHERE projects = 0;
INSERT INTO approval_totals (unit, kind, budget_year, workdays, projects)
SELECT unit, kind, budget_year, workdays, SUM(projects) FROM approval_deltas
GROUP BY unit, kind, budget_year, workdays
ON CONFLICT (unit, kind, budget_year, workdays) DO UPDATE SET projects = approval_totals.projects + excluded.projects;
DROP TABLE approval_deltas;
DROP TABLE duty_deltas;
DROP TABLE figure_deltas;

-- +goose Down
-- The changes the pending marks carry become delta rows again.
CREATE TABLE figure_deltas (LIKE figure_totals);
CREATE TABLE duty_deltas (LIKE duty_totals);
CREATE TABLE approval_deltas (LIKE approval_totals);
INSERT INTO figure_deltas (unit, kind, budget_year, state, projects,
    requested_central_fen, requested_municipal_fen, requested_district_fen, requested_self_funded_fen,
    approved_central_fen, approved_municipal_fen, approved_district_fen, approved_self_funded_fen)
SELECT was_unit, was_kind, was_year, was_state, -1,
    -COALESCE(was_fen[1], 0), -COALESCE(was_fen[2], 0), -COALESCE(was_fen[3], 0), -COALESCE(was_fen[4], 0),
    -COALESCE(was_fen[5], 0), -COALESCE(was_fen[6], 0), -COALESCE(was_fen[7], 0), -COALESCE(was_fen[8], 0)
FROM feed_pending WHERE was_unit IS NOT NULL
UNION ALL
SELECT now_unit, now_kind, now_year, now_state, 1,
    COALESCE(now_fen[1], 0), COALESCE(now_fen[2], 0), COALESCE(now_fen[3], 0), COALESCE(now_fen[4], 0),
    COALESCE(now_fen[5], 0), COALESCE(now_fen[6], 0), COALESCE(now_fen[7], 0), COALESCE(now_fen[8], 0)
FROM feed_pending WHERE now_unit IS NOT NULL;
INSERT INTO duty_deltas (unit, kind, budget_year, duty, next_due, projects)
SELECT was_unit, was_kind, was_year, was_duty, was_due, -1 FROM feed_pending
WHERE was_unit IS NOT NULL AND was_duty <> '' AND was_due IS NOT NULL
UNION ALL
SELECT now_unit, now_kind, now_year, now_duty, now_due, 1 FROM feed_pending
WHERE now_unit IS NOT NULL AND now_duty <> '' AND now_due IS NOT NULL;
INSERT INTO approval_deltas (unit, kind, budget_year, workdays, projects)
SELECT was_unit, was_kind, was_year, was_days, -1 FROM feed_pending WHERE was_unit IS NOT NULL AND was_days IS NOT NULL
UNION ALL
SELECT now_unit, now_kind, now_year, now_days, 1 FROM feed_pending WHERE now_unit IS NOT NULL AND now_days IS NOT NULL;
ALTER TABLE feed_pending
    DROP COLUMN was_unit, DROP COLUMN was_kind, DROP COLUMN was_year, DROP COLUMN was_state,
    DROP COLUMN was_fen, DROP COLUMN was_due, DROP COLUMN was_duty, DROP COLUMN was_days,
    DROP COLUMN now_unit, DROP COLUMN now_kind, DROP COLUMN now_year, DROP COLUMN now_state,
    DROP COLUMN now_fen, DROP COLUMN now_due, DROP COLUMN now_duty, DROP COLUMN now_days;
