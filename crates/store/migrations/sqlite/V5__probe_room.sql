-- The readiness probe writes this much (64 KiB) besides its time: a write that a WAL's free
-- frames take on a full disk is no sign that a delivery would be taken too.
ALTER TABLE probe ADD COLUMN room BLOB;
