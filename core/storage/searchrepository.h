#pragma once

#include "common/result.h"
#include "records.h"

#include <QDateTime>
#include <QList>

namespace rt::storage {

class Database;

struct SearchOptions {
    int limit = 20;
    int offset = 0;
    bool messages = true;
    bool debateTurns = true;
    // Wrapped around each matching word in SearchHit::snippet.
    QString highlightStart = QStringLiteral("**");
    QString highlightEnd = QStringLiteral("**");
    // Ranking a word that occurs in nearly every message would score all of
    // them; only the most recent rankWindow matches are ranked (all of them
    // when there are fewer), which keeps search fast on large histories.
    int rankWindow = 2000;
    // Filters (empty / invalid: no filter). model: the message's model, or
    // its conversation's for messages without one (a user's prompt); the
    // turn's model. agent: the turn's agent name, or the agent a message was
    // written by (case-insensitive). from/to: created_at, from inclusive, to
    // exclusive.
    QString model;
    QString agent;
    QDateTime from;
    QDateTime to;

    bool hasFilters() const { return !model.isEmpty() || !agent.isEmpty() || from.isValid() || to.isValid(); }
};

// Full-text search over message and debate-turn text: SQLite FTS5 (kept in
// sync by triggers), PostgreSQL tsvector + GIN. The user's text is treated as
// plain words, never as query syntax: quotes, '*', NEAR, AND/OR, SQL and
// punctuation are searched literally (or ignored when they are not words).
class SearchRepository final {
public:
    explicit SearchRepository(Database &db)
        : m_db(db)
    {
    }

    // Best matches first; every word must occur (see SearchOptions::rankWindow).
    rt::Result<QList<SearchHit>> search(const QString &text, const SearchOptions &options = {});

    // The FTS5 MATCH expression for `text`: each word as a quoted string with
    // '"' doubled, joined by spaces (AND). Empty when there is nothing to search.
    static QString fts5Query(const QString &text);

private:
    rt::Result<QList<SearchHit>> searchSqlite(const QString &text, const SearchOptions &options);
    rt::Result<QList<SearchHit>> searchPostgres(const QString &text, const SearchOptions &options);
    rt::Result<QList<SearchHit>> searchSqliteFiltered(const QString &match, const SearchOptions &options);
    Database &m_db;
};

} // namespace rt::storage
