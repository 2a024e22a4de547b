-- +goose Up
-- A project's events of one action in version order: the pages of the
-- lists the fold keeps only the latest of (audits, supervision records,
-- security opinions, acceptances).
CREATE INDEX events_project_action ON events (project_id, action, version);

-- +goose Down
DROP INDEX events_project_action;
