-- Global guidelines (no organisation) apply to every organisation and only platform keys manage them. An
-- organisation's own guideline overrides the global one with the same title, compared by title_key (trimmed, runs of
-- white space as one space, lower case), so "Budget  rules" overrides "budget rules".
ALTER TABLE guidelines ALTER COLUMN org_id DROP NOT NULL;
ALTER TABLE guidelines ADD COLUMN title_key text GENERATED ALWAYS AS (lower(regexp_replace(btrim(title), '\s+', ' ', 'g'))) STORED;

CREATE UNIQUE INDEX guidelines_global_title_idx ON guidelines (title_key) WHERE org_id IS NULL;
CREATE INDEX guidelines_org_title_idx ON guidelines (org_id, title_key);
