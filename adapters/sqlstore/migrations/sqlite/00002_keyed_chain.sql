-- +goose Up
-- The key that sealed each event's chain value: the ID of a key in the
-- store's keyring, or '' for a row chained with the plain hash (a store
-- opened without a keyring, or rows written before one was given).
ALTER TABLE events ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE events DROP COLUMN key_id;
