-- One row, written by a readiness probe after a commit failed (a full disk): the probe asks
-- whether a write succeeds again, without writing a delivery.
CREATE TABLE probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
