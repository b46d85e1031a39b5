-- The schema each delivery was checked against (`github/push-event`): a webhook that
-- dispatches by a header keeps no other trace of it, and `hookschema drift` reads it. NULL for an
-- event without a schema, and for the rows stored before.
ALTER TABLE deliveries ADD COLUMN schema TEXT;
