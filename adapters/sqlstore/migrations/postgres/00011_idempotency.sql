-- +goose Up
-- Idempotency keys, per actor: the request a key was first used for
-- (fingerprint), the claim on it (token, lease_until), the append it made
-- (project_id, version: written in that append's transaction) and its
-- response (status, header, body; size counts header and body). Rows
-- expire by created_at; bodies are dropped oldest first to bound the bytes.
CREATE TABLE idempotency_keys (
    actor_id    text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    fingerprint bytea       NOT NULL,
    token       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    project_id  text        NOT NULL DEFAULT '',
    version     bigint      NOT NULL DEFAULT 0,
    status      integer     NOT NULL DEFAULT 0,
    header      bytea,
    body        bytea,
    size        bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (actor_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
