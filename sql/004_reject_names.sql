-- 004_reject_names.sql — the name a rejected drop was dropped under.
-- rejects.entry is the folder in rejected/, always valid UTF-8 (see
-- spool_reject_name()); a drop's own name may be any bytes a file system
-- allows, so it is kept here escaped (lib/escape.h), while the drop inside
-- the folder keeps the exact bytes.
ALTER TABLE rejects ADD COLUMN drop_name text;
