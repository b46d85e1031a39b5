-- What a person looking at deliveries asks for. `headers`: the request's headers of record (a
-- JSON object; the credentials' headers left out), NULL for rows stored before. `duplicates`:
-- the retries acknowledged since the row was written. The indexes serve the newest-first pages
-- filtered by vendor, by schema, or to the deliveries that break their schema (few, so their
-- partial index costs the writes of the others nothing).
ALTER TABLE deliveries ADD COLUMN headers JSONB;
ALTER TABLE deliveries ADD COLUMN duplicates BIGINT NOT NULL DEFAULT 0;
CREATE INDEX deliveries_by_vendor ON deliveries (vendor, id);
CREATE INDEX deliveries_by_schema ON deliveries (schema, id);
CREATE INDEX deliveries_invalid ON deliveries (id) WHERE violations <> '[]'::jsonb;
