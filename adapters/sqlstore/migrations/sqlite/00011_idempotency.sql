-- +goose Up
-- Idempotency keys, per actor: the request a key was first used for
-- (fingerprint), the claim on it (token, lease_until), the append it made
-- (project_id, version: written in that append's transaction) and its
-- response (status, header, body; size counts header and body). Rows
-- expire by created_at; bodies are dropped oldest first to bound the bytes.
-- Times are UTC text of fixed width, as in events.
CREATE TABLE idempotency_keys (
    actor_id    TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint BLOB    NOT NULL,
    token       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    lease_until TEXT    NOT NULL,
    project_id  TEXT    NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0,
    header      BLOB,
    body        BLOB,
    size        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
