#include "searchrepository.h"

#include "database.h"

#include <QRegularExpression>
#include <algorithm>

namespace rt::storage {

namespace {
// Every search query returns rows shaped (id, snippet, score, parent id,
// parent title, who, created_at); scoreSign makes higher always better.
void appendHits(const Query &q, SearchHit::Kind kind, double scoreSign, QList<SearchHit> &hits)
{
    while (q.next()) {
        SearchHit h;
        h.kind = kind;
        h.id = q.integer(0);
        h.snippet = q.text(1);
        h.score = scoreSign * q.real(2);
        h.parentId = q.integer(3);
        h.parentTitle = q.text(4);
        h.who = q.text(5);
        h.createdAt = q.time(6);
        hits.append(h);
    }
}

// The filters of `o` as " AND ..." over a message (alias m) and its
// conversation (alias c), or over a turn (alias t); the same SQL serves
// SQLite and PostgreSQL.
struct Filter {
    QString sql;
    QVariantList binds;
};

Filter messageFilter(const SearchOptions &o, const Database &db, const QString &m, const QString &c)
{
    Filter f;
    if (!o.model.isEmpty()) {
        f.sql += QStringLiteral(" AND COALESCE(NULLIF(%1.model, ''), %2.model) = ?").arg(m, c);
        f.binds << o.model;
    }
    if (!o.agent.isEmpty()) {
        f.sql += QStringLiteral(" AND %1.agent_id IN (SELECT id FROM agents WHERE lower(name) = lower(?))").arg(m);
        f.binds << o.agent;
    }
    if (o.from.isValid()) {
        f.sql += QStringLiteral(" AND %1.created_at >= ?").arg(m);
        f.binds << db.timeValue(o.from);
    }
    if (o.to.isValid()) {
        f.sql += QStringLiteral(" AND %1.created_at < ?").arg(m);
        f.binds << db.timeValue(o.to);
    }
    return f;
}

Filter turnFilter(const SearchOptions &o, const Database &db, const QString &t)
{
    Filter f;
    if (!o.model.isEmpty()) {
        f.sql += QStringLiteral(" AND %1.model = ?").arg(t);
        f.binds << o.model;
    }
    if (!o.agent.isEmpty()) {
        f.sql += QStringLiteral(" AND lower(%1.agent_name) = lower(?)").arg(t);
        f.binds << o.agent;
    }
    if (o.from.isValid()) {
        f.sql += QStringLiteral(" AND %1.created_at >= ?").arg(t);
        f.binds << db.timeValue(o.from);
    }
    if (o.to.isValid()) {
        f.sql += QStringLiteral(" AND %1.created_at < ?").arg(t);
        f.binds << db.timeValue(o.to);
    }
    return f;
}
} // namespace

QString SearchRepository::fts5Query(const QString &text)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    QStringList terms;
    const QStringList words = Database::cleanText(text).split(whitespace, Qt::SkipEmptyParts);
    for (const QString &word : words) {
        // A term without letters or digits would tokenize to nothing; skip it.
        if (std::none_of(word.cbegin(), word.cend(), [](QChar c) { return c.isLetterOrNumber(); }))
            continue;
        QString quoted = word;
        quoted.replace(u'"', QStringLiteral("\"\""));
        terms.append(u'"' + quoted + u'"');
    }
    return terms.join(u' ');
}

rt::Result<QList<SearchHit>> SearchRepository::search(const QString &text, const SearchOptions &options)
{
    if (options.limit <= 0 || (!options.messages && !options.debateTurns))
        return QList<SearchHit>();
    return m_db.isSqlite() ? searchSqlite(text, options) : searchPostgres(text, options);
}

rt::Result<QList<SearchHit>> SearchRepository::searchSqlite(const QString &text, const SearchOptions &o)
{
    const QString match = fts5Query(text);
    if (match.isEmpty())
        return QList<SearchHit>();
    if (o.hasFilters())
        return searchSqliteFiltered(match, o);
    const int window = o.offset + o.limit;
    const int rankWindow = std::max(o.rankWindow, window);
    QList<SearchHit> hits;
    // Rank and snippet inside the FTS query (ORDER BY rank LIMIT lets FTS5 build
    // snippets only for the rows returned), then join for titles. The rowid
    // floor restricts ranking to the newest rankWindow matches; finding it walks
    // the doclist newest-first without scoring.
    if (o.messages) {
        auto q = m_db.query(
            QStringLiteral("SELECT f.rowid, f.snip, f.score, m.conversation_id, c.title, m.role, m.created_at FROM "
                           "(SELECT rowid, snippet(messages_fts, 0, ?, ?, '…', 24) AS snip, rank AS score FROM messages_fts "
                           "WHERE messages_fts MATCH ? AND rowid >= COALESCE((SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? "
                           "ORDER BY rowid DESC LIMIT 1 OFFSET ?), 0) ORDER BY rank LIMIT ?) f "
                           "JOIN messages m ON m.id = f.rowid JOIN conversations c ON c.id = m.conversation_id ORDER BY f.score"),
            { o.highlightStart, o.highlightEnd, match, match, rankWindow - 1, window });
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::Message, -1.0, hits); // bm25: lower is better
    }
    if (o.debateTurns) {
        auto q = m_db.query(
            QStringLiteral(
                "SELECT f.rowid, f.snip, f.score, t.debate_id, d.question, t.agent_name, t.created_at FROM "
                "(SELECT rowid, snippet(debate_turns_fts, 0, ?, ?, '…', 24) AS snip, rank AS score FROM debate_turns_fts "
                "WHERE debate_turns_fts MATCH ? AND rowid >= COALESCE((SELECT rowid FROM debate_turns_fts WHERE debate_turns_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 1 OFFSET ?), 0) ORDER BY rank LIMIT ?) f "
                "JOIN debate_turns t ON t.id = f.rowid JOIN debates d ON d.id = t.debate_id ORDER BY f.score"),
            { o.highlightStart, o.highlightEnd, match, match, rankWindow - 1, window });
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::DebateTurn, -1.0, hits); // bm25: lower is better
    }
    std::stable_sort(hits.begin(), hits.end(), [](const SearchHit &a, const SearchHit &b) { return a.score > b.score; });
    return hits.mid(o.offset, o.limit);
}

rt::Result<QList<SearchHit>> SearchRepository::searchSqliteFiltered(const QString &match, const SearchOptions &o)
{
    const int window = o.offset + o.limit;
    const int rankWindow = std::max(o.rankWindow, window);
    QList<SearchHit> hits;
    // As above, but the filters apply before ranking: the rowid floor is the
    // newest rankWindow *filtered* matches, and snippets are made only for
    // the rows returned (a lookup by rowid each).
    if (o.messages) {
        const Filter f = messageFilter(o, m_db, QStringLiteral("m"), QStringLiteral("c"));
        const Filter f2 = messageFilter(o, m_db, QStringLiteral("m2"), QStringLiteral("c2"));
        QVariantList binds { o.highlightStart, o.highlightEnd, match, match };
        binds << f.binds << match << f2.binds << (rankWindow - 1) << window;
        auto q = m_db.query(
            QStringLiteral("SELECT r.id, (SELECT snippet(messages_fts, 0, ?, ?, '…', 24) FROM messages_fts WHERE messages_fts MATCH ? "
                           "AND rowid = r.id), r.score, m.conversation_id, c.title, m.role, m.created_at FROM "
                           "(SELECT f.rowid AS id, f.rank AS score FROM messages_fts f JOIN messages m ON m.id = f.rowid "
                           "JOIN conversations c ON c.id = m.conversation_id WHERE f.messages_fts MATCH ?%1 AND f.rowid >= COALESCE("
                           "(SELECT f2.rowid FROM messages_fts f2 JOIN messages m2 ON m2.id = f2.rowid JOIN conversations c2 "
                           "ON c2.id = m2.conversation_id WHERE f2.messages_fts MATCH ?%2 ORDER BY f2.rowid DESC LIMIT 1 OFFSET ?), 0) "
                           "ORDER BY f.rank LIMIT ?) r "
                           "JOIN messages m ON m.id = r.id JOIN conversations c ON c.id = m.conversation_id ORDER BY r.score")
                .arg(f.sql, f2.sql),
            binds);
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::Message, -1.0, hits);
    }
    if (o.debateTurns) {
        const Filter f = turnFilter(o, m_db, QStringLiteral("t"));
        const Filter f2 = turnFilter(o, m_db, QStringLiteral("t2"));
        QVariantList binds { o.highlightStart, o.highlightEnd, match, match };
        binds << f.binds << match << f2.binds << (rankWindow - 1) << window;
        auto q = m_db.query(
            QStringLiteral("SELECT r.id, (SELECT snippet(debate_turns_fts, 0, ?, ?, '…', 24) FROM debate_turns_fts "
                           "WHERE debate_turns_fts MATCH ? AND rowid = r.id), r.score, t.debate_id, d.question, t.agent_name, t.created_at "
                           "FROM (SELECT f.rowid AS id, f.rank AS score FROM debate_turns_fts f JOIN debate_turns t ON t.id = f.rowid "
                           "WHERE f.debate_turns_fts MATCH ?%1 AND f.rowid >= COALESCE("
                           "(SELECT f2.rowid FROM debate_turns_fts f2 JOIN debate_turns t2 ON t2.id = f2.rowid "
                           "WHERE f2.debate_turns_fts MATCH ?%2 ORDER BY f2.rowid DESC LIMIT 1 OFFSET ?), 0) "
                           "ORDER BY f.rank LIMIT ?) r "
                           "JOIN debate_turns t ON t.id = r.id JOIN debates d ON d.id = t.debate_id ORDER BY r.score")
                .arg(f.sql, f2.sql),
            binds);
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::DebateTurn, -1.0, hits);
    }
    std::stable_sort(hits.begin(), hits.end(), [](const SearchHit &a, const SearchHit &b) { return a.score > b.score; });
    return hits.mid(o.offset, o.limit);
}

rt::Result<QList<SearchHit>> SearchRepository::searchPostgres(const QString &text, const SearchOptions &o)
{
    const QString cleaned = Database::cleanText(text).trimmed();
    if (std::none_of(cleaned.cbegin(), cleaned.cend(), [](QChar c) { return c.isLetterOrNumber(); }))
        return QList<SearchHit>();
    auto quoteOption = [](QString value) { return u'"' + value.replace(u'"', QStringLiteral("\"\"")) + u'"'; };
    const QString headline = QStringLiteral("StartSel=%1, StopSel=%2, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"")
                                 .arg(quoteOption(o.highlightStart), quoteOption(o.highlightEnd));
    const int window = o.offset + o.limit;
    const int rankWindow = std::max(o.rankWindow, window);
    QList<SearchHit> hits;
    // plainto_tsquery() reads plain words only: no operators from user text.
    // Candidates are the newest rankWindow matches; rank those in a subquery so
    // ts_headline runs only for the rows returned.
    if (o.messages) {
        const Filter mf = messageFilter(o, m_db, QStringLiteral("m"), QStringLiteral("c"));
        auto q = m_db.query(
            QStringLiteral(
                "SELECT m.id, ts_headline('simple', left(m.content, 250000), plainto_tsquery('simple', ?), ?), r.score, "
                "m.conversation_id, c.title, m.role, m.created_at FROM "
                "(SELECT id, ts_rank(search_vector, plainto_tsquery('simple', ?)) AS score FROM "
                "(SELECT m.id, m.search_vector FROM messages m%1 "
                "WHERE m.search_vector @@ plainto_tsquery('simple', ?)%2 ORDER BY m.id DESC LIMIT ?) c "
                "ORDER BY score DESC, id DESC LIMIT ?) r "
                "JOIN messages m ON m.id = r.id JOIN conversations c ON c.id = m.conversation_id ORDER BY r.score DESC, m.id DESC")
                .arg(o.model.isEmpty() ? QString() : QStringLiteral(" JOIN conversations c ON c.id = m.conversation_id"), mf.sql),
            QVariantList { cleaned, headline, cleaned, cleaned } + mf.binds + QVariantList { rankWindow, window });
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::Message, 1.0, hits);
    }
    if (o.debateTurns) {
        const Filter tf = turnFilter(o, m_db, QStringLiteral("t"));
        auto q = m_db.query(
            QStringLiteral("SELECT t.id, ts_headline('simple', left(t.content, 250000), plainto_tsquery('simple', ?), ?), r.score, "
                           "t.debate_id, d.question, t.agent_name, t.created_at FROM "
                           "(SELECT id, ts_rank(search_vector, plainto_tsquery('simple', ?)) AS score FROM "
                           "(SELECT t.id, t.search_vector FROM debate_turns t WHERE t.search_vector @@ plainto_tsquery('simple', ?)%1 "
                           "ORDER BY t.id DESC LIMIT ?) c "
                           "ORDER BY score DESC, id DESC LIMIT ?) r "
                           "JOIN debate_turns t ON t.id = r.id JOIN debates d ON d.id = t.debate_id ORDER BY r.score DESC, t.id DESC")
                .arg(tf.sql),
            QVariantList { cleaned, headline, cleaned, cleaned } + tf.binds + QVariantList { rankWindow, window });
        if (!q.ok())
            return q.error();
        appendHits(q.value(), SearchHit::Kind::DebateTurn, 1.0, hits);
    }
    std::stable_sort(hits.begin(), hits.end(), [](const SearchHit &a, const SearchHit &b) { return a.score > b.score; });
    return hits.mid(o.offset, o.limit);
}

} // namespace rt::storage
