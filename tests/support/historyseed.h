#pragma once

// Fills a database with a large, realistic-looking chat history, fast (batched
// transactions): for tests that need thousands of messages and for
// bench/history (which compiles this file in). Deterministic: the same options
// give the same text.

#include "common/result.h"

#include <QList>
#include <QRandomGenerator>
#include <QStringList>
#include <functional>

namespace rt::storage {
class StorageContext;
}

namespace rt::test {

struct HistorySeedOptions {
    int messages = 10000;
    int conversations = 100;
    // The newest conversation gets this many of the messages (so paging back
    // has somewhere to go); the others share the rest evenly.
    int newestConversationMessages = 2000;
    // Conversation i uses models[i % size]; its replies carry that model.
    QStringList models { QStringLiteral("llama3:8b") };
    // Every rareEvery-th message (0, rareEvery, 2 * rareEvery, ...) ends with rareWord.
    QString rareWord = QStringLiteral("zanzibarian");
    int rareEvery = 997;
    int batchSize = 5000;
    quint32 seed = 42;
};

// 2,000 distinct words ("model0" … "network99"), used Zipf-like by historySentence.
QStringList historyVocabulary();
// `count` words of `words`, low indexes common and high ones rare, ending with a full stop.
QString historySentence(QRandomGenerator &random, const QStringList &words, int count);

// Writes the conversations and messages; returns the conversation ids, oldest
// first (the last one is the newest, biggest conversation). progress(n) is
// called after each batch with the messages written so far.
rt::Result<QList<qint64>> seedHistory(
    rt::storage::StorageContext &context, const HistorySeedOptions &options, const std::function<void(int)> &progress = {});

} // namespace rt::test
