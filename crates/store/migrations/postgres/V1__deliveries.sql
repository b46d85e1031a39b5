-- Every delivery a receiver acknowledged. `dedup_key` is the delivery id where the sender sends
-- one, else the SHA-256 of the body: the same key twice for one vendor is a retry, written once
-- however many receivers share the table. `processed_at` belongs to the consumer: receivers
-- never write it (see README.md, "Consuming deliveries").
CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    vendor TEXT NOT NULL,
    delivery_id TEXT,
    dedup_key TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    body TEXT NOT NULL,
    violations JSONB NOT NULL,
    processed_at TIMESTAMPTZ,
    UNIQUE (vendor, dedup_key)
);

CREATE INDEX deliveries_unprocessed ON deliveries (id) WHERE processed_at IS NULL;
