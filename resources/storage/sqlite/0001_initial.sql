-- Roundtable schema 1 (SQLite). Timestamps are UTC ISO 8601 text with
-- milliseconds ("2024-05-01T12:00:00.000Z"), fixed width so they sort as text.
-- JSON columns hold compact JSON text and are checked with json_valid().

CREATE TABLE agents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    system_prompt   TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    fallback_models TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(fallback_models) AND json_type(fallback_models) = 'array'),
    options         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options) AND json_type(options) = 'object'),
    colour          TEXT NOT NULL DEFAULT '',
    avatar          TEXT NOT NULL DEFAULT '',
    builtin         INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX agents_name_ci ON agents (lower(name));

CREATE TABLE models (
    host            TEXT NOT NULL,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    digest          TEXT NOT NULL DEFAULT '',
    size            INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    family          TEXT NOT NULL DEFAULT '',
    parameter_size  TEXT NOT NULL DEFAULT '',
    quantization    TEXT NOT NULL DEFAULT '',
    context_length  INTEGER CHECK (context_length > 0),
    capabilities    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(capabilities) AND json_type(capabilities) = 'array'),
    details         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details) AND json_type(details) = 'object'),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (host, name)
);

CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    system_prompt   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX conversations_updated ON conversations (updated_at DESC, id DESC);

CREATE TABLE messages (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id         INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role                    TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool', 'moderator')),
    content                 TEXT NOT NULL DEFAULT '',
    thinking                TEXT NOT NULL DEFAULT '',
    agent_id                INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    model                   TEXT NOT NULL DEFAULT '',
    status                  TEXT NOT NULL DEFAULT 'complete'
                            CHECK (status IN ('complete', 'partial', 'interrupted', 'failed', 'cancelled')),
    prompt_eval_count       INTEGER CHECK (prompt_eval_count >= 0),
    eval_count              INTEGER CHECK (eval_count >= 0),
    total_duration_ns       INTEGER CHECK (total_duration_ns >= 0),
    load_duration_ns        INTEGER CHECK (load_duration_ns >= 0),
    prompt_eval_duration_ns INTEGER CHECK (prompt_eval_duration_ns >= 0),
    eval_duration_ns        INTEGER CHECK (eval_duration_ns >= 0),
    ttft_ms                 INTEGER CHECK (ttft_ms >= 0),
    error                   TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_agent ON messages (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX messages_partial ON messages (updated_at) WHERE status = 'partial';

CREATE TABLE debates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    question        TEXT NOT NULL,
    format          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'paused', 'finished', 'failed', 'interrupted', 'cancelled')),
    settings        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    consensus_score REAL CHECK (consensus_score BETWEEN 0 AND 1),
    stop_reason     TEXT NOT NULL DEFAULT '',
    final_answer    TEXT NOT NULL DEFAULT '',
    synthesis       TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX debates_created ON debates (created_at DESC, id DESC);
CREATE INDEX debates_status ON debates (status);

CREATE TABLE debate_participants (
    debate_id       INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    seat            INTEGER NOT NULL CHECK (seat >= 0),
    agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    agent           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(agent) AND json_type(agent) = 'object'),
    PRIMARY KEY (debate_id, seat)
);

CREATE TABLE debate_turns (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    debate_id               INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    round                   INTEGER NOT NULL CHECK (round >= 0),
    seat                    INTEGER NOT NULL CHECK (seat >= -1),
    agent_name              TEXT NOT NULL DEFAULT '',
    kind                    TEXT NOT NULL DEFAULT 'turn'
                            CHECK (kind IN ('turn', 'interjection', 'synthesis', 'verdict', 'ranking', 'repair')),
    content                 TEXT NOT NULL DEFAULT '',
    thinking                TEXT NOT NULL DEFAULT '',
    stance                  TEXT CHECK (stance IS NULL OR json_valid(stance)),
    confidence              REAL CHECK (confidence BETWEEN 0 AND 1),
    changed                 INTEGER NOT NULL DEFAULT 0 CHECK (changed IN (0, 1)),
    parse_ok                INTEGER NOT NULL DEFAULT 1 CHECK (parse_ok IN (0, 1)),
    status                  TEXT NOT NULL DEFAULT 'complete'
                            CHECK (status IN ('complete', 'partial', 'interrupted', 'failed')),
    model                   TEXT NOT NULL DEFAULT '',
    prompt_eval_count       INTEGER CHECK (prompt_eval_count >= 0),
    eval_count              INTEGER CHECK (eval_count >= 0),
    total_duration_ns       INTEGER CHECK (total_duration_ns >= 0),
    load_duration_ns        INTEGER CHECK (load_duration_ns >= 0),
    prompt_eval_duration_ns INTEGER CHECK (prompt_eval_duration_ns >= 0),
    eval_duration_ns        INTEGER CHECK (eval_duration_ns >= 0),
    ttft_ms                 INTEGER CHECK (ttft_ms >= 0),
    error                   TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX debate_turns_debate ON debate_turns (debate_id, id);
CREATE INDEX debate_turns_partial ON debate_turns (updated_at) WHERE status = 'partial';

CREATE TABLE debate_rounds (
    debate_id       INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    round           INTEGER NOT NULL CHECK (round >= 0),
    score           REAL CHECK (score BETWEEN 0 AND 1),
    groups          TEXT CHECK (groups IS NULL OR json_valid(groups)),
    flips           INTEGER NOT NULL DEFAULT 0 CHECK (flips >= 0),
    PRIMARY KEY (debate_id, round)
);

CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (length(kind) > 0),
    title           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    progress        REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    progress_text   TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload) AND json_type(payload) = 'object'),
    error           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX tasks_status ON tasks (status, id);

CREATE TABLE metric_samples (
    name            TEXT NOT NULL CHECK (length(name) > 0),
    labels          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(labels) AND json_type(labels) = 'object'),
    ts              TEXT NOT NULL,
    value           REAL NOT NULL,
    bucket_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (bucket_seconds >= 0)
);
CREATE INDEX metric_samples_name_ts ON metric_samples (name, ts);
CREATE INDEX metric_samples_ts ON metric_samples (ts);

-- Full-text search: external-content FTS5 tables kept in sync by triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE VIRTUAL TABLE debate_turns_fts USING fts5 (
    content, content = 'debate_turns', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER debate_turns_fts_insert AFTER INSERT ON debate_turns BEGIN
    INSERT INTO debate_turns_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER debate_turns_fts_delete AFTER DELETE ON debate_turns BEGIN
    INSERT INTO debate_turns_fts (debate_turns_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER debate_turns_fts_update AFTER UPDATE OF content ON debate_turns BEGIN
    INSERT INTO debate_turns_fts (debate_turns_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO debate_turns_fts (rowid, content) VALUES (new.id, new.content);
END;
