-- +goose Up
-- The 第四条 index follows the declarations apart from the appends
-- (overlappending.go): overlap_features keeps beside each project's
-- bigrams those its postings hold (indexed_grams, indexed_size), and
-- overlap_pending lists the projects whose features changed since, with a
-- version that each change moves. The postings in place are those of the
-- features as they are.
ALTER TABLE overlap_features ADD COLUMN indexed_grams bytea NOT NULL DEFAULT ''::bytea;
ALTER TABLE overlap_features ADD COLUMN indexed_size integer NOT NULL DEFAULT 0;
UPDATE overlap_features SET indexed_grams = grams, indexed_size = size;
CREATE TABLE overlap_pending (
    id  bigint PRIMARY KEY,
    ver bigint NOT NULL
);

-- +goose Down
-- Fold the pending projects in before going down (Store.FoldOverlap):
-- the postings of projects still pending would be missing.
DROP TABLE overlap_pending;
ALTER TABLE overlap_features DROP COLUMN indexed_size;
ALTER TABLE overlap_features DROP COLUMN indexed_grams;
