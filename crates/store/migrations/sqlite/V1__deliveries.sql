-- Every delivery a receiver acknowledged, in the order it was stored. `dedup_key` is the
-- delivery id where the sender sends one, else the SHA-256 of the body: the same key twice for
-- one vendor is a retry, written once.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor TEXT NOT NULL,
    delivery_id TEXT,
    dedup_key TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL,
    violations TEXT NOT NULL,
    UNIQUE (vendor, dedup_key)
);
