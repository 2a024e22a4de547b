-- +goose Up
-- The budget years of each project's projection, for the list's filter
-- by budget year: budget_year of the declaration in force (0 when it
-- names none) and budget_entry_year of the latest budget entry (纳入预算;
-- 0 before any, or after a re-declaration). Existing rows take the
-- declaration's year from the statistics' figures (else from the latest
-- declaration's payload) and, for 建设类, the year of the latest budget
-- entry after the latest declaration; a 运维类 project's entry is of the
-- year it declared, which budget_year holds, until its next append.
ALTER TABLE projections ADD COLUMN budget_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projections ADD COLUMN budget_entry_year INTEGER NOT NULL DEFAULT 0;
UPDATE projections SET budget_year = COALESCE(
    (SELECT f.budget_year FROM project_figures f WHERE f.project_id = projections.project_id),
    (SELECT CASE WHEN json_valid(CAST(d.payload AS TEXT)) THEN CAST(json_extract(CAST(d.payload AS TEXT), '$.budget_year') AS INTEGER) END
      FROM events d WHERE d.project_id = projections.project_id AND d.action = 'declare' ORDER BY d.version DESC LIMIT 1),
    0);
UPDATE projections SET budget_entry_year = COALESCE(
    (SELECT CASE WHEN json_valid(CAST(b.payload AS TEXT)) THEN CAST(json_extract(CAST(b.payload AS TEXT), '$.year') AS INTEGER) END
      FROM events b WHERE b.project_id = projections.project_id AND b.action = 'budget'
        AND b.version > (SELECT COALESCE(MAX(d.version), 0) FROM events d
                          WHERE d.project_id = projections.project_id AND d.action = 'declare')
      ORDER BY b.version DESC LIMIT 1),
    0)
WHERE kind = 'construction';

-- One unit's projects in one state (the to-do list looks in each state
-- where the actor has work): a range of this index rather than a walk
-- over the unit's projects filtered by state.
CREATE INDEX projections_unit_state ON projections (unit, state, project_id);

-- +goose Down
DROP INDEX projections_unit_state;
ALTER TABLE projections DROP COLUMN budget_entry_year;
ALTER TABLE projections DROP COLUMN budget_year;
