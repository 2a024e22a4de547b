-- +goose Up
-- The 第四条 inverted index in blocks: for each bigram, the projects of one
-- block of internal IDs (overlap_features.id >> overlapBlockBits) holding
-- it, packed in one row (overlapEntry: 4 bytes each, the ID's offset in
-- the block and its bigram count, unordered). Migration 00013
-- (overlapblocks.go) fills it from overlap_features and drops
-- overlap_grams and overlap_sizes.
CREATE TABLE overlap_postings (
    block INTEGER NOT NULL,
    gram  INTEGER NOT NULL,
    ids   BLOB    NOT NULL,
    PRIMARY KEY (block, gram)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE overlap_postings;
