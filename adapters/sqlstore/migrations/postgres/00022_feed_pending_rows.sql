-- +goose Up
-- A pending event's mark carries what the sequencer writes (the project
-- and the event's time, for the webhook deliveries), so that the
-- sequencer never joins the events table: a join the planner ran as a
-- scan of every event.
ALTER TABLE feed_pending ADD COLUMN project_id text;
ALTER TABLE feed_pending ADD COLUMN at timestamptz;
UPDATE feed_pending p SET project_id = e.project_id, at = e.at FROM events e WHERE e.seq = p.seq;
ALTER TABLE feed_pending ALTER COLUMN project_id SET NOT NULL;
ALTER TABLE feed_pending ALTER COLUMN at SET NOT NULL;

-- +goose Down
ALTER TABLE feed_pending DROP COLUMN at;
ALTER TABLE feed_pending DROP COLUMN project_id;
