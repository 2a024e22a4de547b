-- +goose Up
-- PostgreSQL appends no longer share a row: each append marks its events
-- in feed_pending and writes what it adds to the statistics' running
-- totals as delta rows (figure_deltas, duty_deltas, approval_deltas),
-- insert-only. The sequencer (pgfeed.go), one at a time under feed_head's
-- row lock, gives the committed pending events their feed positions and
-- webhook deliveries and folds the deltas into the totals. Readers of the
-- totals add the deltas not yet folded.
CREATE TABLE feed_pending (
    seq  bigint PRIMARY KEY,
    unit text   NOT NULL
);
-- Events appended before this version already have their positions.

CREATE TABLE figure_deltas (LIKE figure_totals);
CREATE TABLE duty_deltas (LIKE duty_totals);
CREATE TABLE approval_deltas (LIKE approval_totals);
-- The fold drops the duty totals that fall to no project through this.
CREATE INDEX duty_totals_empty ON duty_totals (unit) WHERE projects = 0;
DELETE FROM duty_totals WHERE projects = 0;

-- +goose Down
-- Run the sequencer first (Store.Sequence): pending events would have no
-- position, and unfolded deltas would be lost from the totals.
DROP INDEX duty_totals_empty;
DROP TABLE approval_deltas;
DROP TABLE duty_deltas;
DROP TABLE figure_deltas;
DROP TABLE feed_pending;
