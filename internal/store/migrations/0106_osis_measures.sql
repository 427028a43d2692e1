-- An oSIS record's priority-measure checklist: measure ID from the
-- catalogue → answer. When present, osis.priority_measures_answered holds
-- the number of rows.
CREATE TABLE osis_measures (
    entity  TEXT NOT NULL,
    year    INTEGER NOT NULL,
    measure TEXT NOT NULL,
    answer  TEXT NOT NULL CHECK (answer IN ('oui', 'partiel', 'non', 'na')),
    PRIMARY KEY (entity, year, measure),
    FOREIGN KEY (entity, year) REFERENCES osis (entity, year)
);
