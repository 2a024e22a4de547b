-- +goose Up
-- Each project's duties (lifecycle.Summary.Duties, JSON), written in the
-- transaction of each append, so that the obligation list reads rows
-- rather than projects. NULL: not kept (the list loads the project).
ALTER TABLE projections ADD COLUMN duties TEXT;

-- +goose Down
ALTER TABLE projections DROP COLUMN duties;
