-- Which guidelines the internal review used (global or the organisation's own), as the answer reported them.
ALTER TABLE sessions ADD COLUMN guidelines jsonb;
