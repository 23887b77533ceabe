-- Roundtable schema 2 (SQLite): columns for what schema 1 kept inside JSON.
-- Schema 1 stored an agent's vote weight in its options under
-- "_roundtable": {"weight": ...} and a task's host in its payload under "_host".
-- Both move to their own column here and leave the JSON.

ALTER TABLE agents ADD COLUMN weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0);
-- Only a number was ever read as a weight (anything else meant 1).
UPDATE agents SET weight = json_extract(options, '$._roundtable.weight')
    WHERE json_type(options, '$._roundtable.weight') IN ('integer', 'real')
      AND json_extract(options, '$._roundtable.weight') >= 0;
UPDATE agents SET options = json_remove(options, '$._roundtable')
    WHERE json_type(options, '$._roundtable') IS NOT NULL;

ALTER TABLE tasks ADD COLUMN host TEXT NOT NULL DEFAULT '';
UPDATE tasks SET host = json_extract(payload, '$._host')
    WHERE json_type(payload, '$._host') = 'text';
UPDATE tasks SET payload = json_remove(payload, '$._host')
    WHERE json_type(payload, '$._host') IS NOT NULL;
-- Per-host limits look up the live tasks of one host.
CREATE INDEX tasks_host ON tasks (host, status) WHERE host <> '';
