-- +goose Up
-- The fold of each project at its latest version, written in the
-- transaction of each append, so that a read costs one row whatever the
-- length of the history. data is lifecycle.EncodeSnapshot's bytes.
CREATE TABLE snapshots (
    project_id TEXT    PRIMARY KEY,
    version    INTEGER NOT NULL,
    data       BLOB    NOT NULL
);

-- The 第四条 features of each project's declaration in force: its texts,
-- scored exactly by review.Overlaps, and its distinct bigrams (8-byte
-- big-endian each, sorted) with their count.
CREATE TABLE overlap_features (
    id         INTEGER PRIMARY KEY,
    project_id TEXT    NOT NULL UNIQUE,
    unit       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    parent_id  TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    grams      BLOB    NOT NULL
);

-- The inverted index: one row per bigram of each project's declaration.
CREATE TABLE overlap_grams (
    gram INTEGER NOT NULL,
    id   INTEGER NOT NULL,
    PRIMARY KEY (gram, id)
) WITHOUT ROWID;

-- How many projects hold each bigram, to look up the rarest first.
CREATE TABLE overlap_df (
    gram INTEGER PRIMARY KEY,
    n    INTEGER NOT NULL
);

-- The overdue list of one unit.
CREATE INDEX projections_unit_next_due ON projections (unit, next_due, project_id) WHERE next_due IS NOT NULL;

-- +goose Down
DROP INDEX projections_unit_next_due;
DROP TABLE overlap_df;
DROP TABLE overlap_grams;
DROP TABLE overlap_features;
DROP TABLE snapshots;
