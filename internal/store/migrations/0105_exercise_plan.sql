-- A crisis exercise's participants (crisis cell members) and action plan,
-- in the order they were recorded (pos from 0).
CREATE TABLE exercise_participants (
    entity    TEXT NOT NULL,
    date      TEXT NOT NULL,
    pos       INTEGER NOT NULL,
    role      TEXT NOT NULL,
    direction TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity, date, pos),
    FOREIGN KEY (entity, date) REFERENCES exercises (entity, date)
);

CREATE TABLE exercise_actions (
    entity TEXT NOT NULL,
    date   TEXT NOT NULL,
    pos    INTEGER NOT NULL,
    title  TEXT NOT NULL,
    owner  TEXT NOT NULL DEFAULT '',
    due    TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('a_faire', 'en_cours', 'fait')),
    PRIMARY KEY (entity, date, pos),
    FOREIGN KEY (entity, date) REFERENCES exercises (entity, date)
);
