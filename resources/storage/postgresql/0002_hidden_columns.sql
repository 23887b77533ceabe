-- Roundtable schema 2 (PostgreSQL): columns for what schema 1 kept inside JSON.
-- Schema 1 stored an agent's vote weight in its options under
-- "_roundtable": {"weight": ...} and a task's host in its payload under "_host".
-- Both move to their own column here and leave the JSON.

ALTER TABLE agents ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight >= 0);
-- Only a number was ever read as a weight (anything else meant 1).
UPDATE agents SET weight = (options #>> '{_roundtable,weight}')::double precision
    WHERE jsonb_typeof(options #> '{_roundtable,weight}') = 'number'
      AND (options #>> '{_roundtable,weight}')::double precision >= 0;
UPDATE agents SET options = options - '_roundtable'
    WHERE options -> '_roundtable' IS NOT NULL;

ALTER TABLE tasks ADD COLUMN host TEXT NOT NULL DEFAULT '';
UPDATE tasks SET host = payload ->> '_host'
    WHERE jsonb_typeof(payload -> '_host') = 'string';
UPDATE tasks SET payload = payload - '_host'
    WHERE payload -> '_host' IS NOT NULL;
-- Per-host limits look up the live tasks of one host.
CREATE INDEX tasks_host ON tasks (host, status) WHERE host <> '';

-- The write journal keeps a write's result as JSON (a number, a string, or an
-- object such as {"kind": "debate", "id": 7, "items": 12}) instead of text the
-- reader had to split; NULL for writes without a result. Older entries become
-- JSON strings: only the process that wrote an entry ever looks it up.
ALTER TABLE write_journal ALTER COLUMN result DROP DEFAULT;
ALTER TABLE write_journal ALTER COLUMN result DROP NOT NULL;
ALTER TABLE write_journal ALTER COLUMN result TYPE JSONB USING to_jsonb(result);
