#include "historyseed.h"

#include "storage/storagecontext.h"

#include <QDateTime>
#include <algorithm>

namespace rt::test {

using namespace rt::storage;

QStringList historyVocabulary()
{
    QStringList words;
    const QStringList stems { QStringLiteral("model"), QStringLiteral("agent"), QStringLiteral("debate"), QStringLiteral("consensus"),
        QStringLiteral("token"), QStringLiteral("argument"), QStringLiteral("evidence"), QStringLiteral("question"),
        QStringLiteral("answer"), QStringLiteral("reason"), QStringLiteral("climate"), QStringLiteral("economy"), QStringLiteral("history"),
        QStringLiteral("science"), QStringLiteral("garden"), QStringLiteral("tomato"), QStringLiteral("rust"), QStringLiteral("python"),
        QStringLiteral("kernel"), QStringLiteral("network") };
    for (const QString &stem : stems) {
        for (int i = 0; i < 100; ++i)
            words.append(stem + QString::number(i)); // 2,000 distinct words, Zipf-ish use below
    }
    return words;
}

QString historySentence(QRandomGenerator &random, const QStringList &words, int count)
{
    QString text;
    for (int i = 0; i < count; ++i) {
        // Skewed: low indexes are common, high ones rare.
        const double u = random.generateDouble();
        const int index = std::min(int(words.size()) - 1, int(u * u * u * words.size()));
        if (i)
            text += u' ';
        text += words.at(index);
    }
    return text + u'.';
}

rt::Result<QList<qint64>> seedHistory(StorageContext &c, const HistorySeedOptions &o, const std::function<void(int)> &progress)
{
    QRandomGenerator random(o.seed);
    const QStringList words = historyVocabulary();
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-365);
    const int conversations = std::max(1, o.conversations);
    const int newest = std::clamp(o.newestConversationMessages, 0, o.messages);
    const int older = o.messages - newest;
    const QStringList models = o.models.isEmpty() ? QStringList { QStringLiteral("llama3:8b") } : o.models;
    // One conversation per interval of a year, the newest ending about now.
    const qint64 spacing = std::max<qint64>(1, 365LL * 86400 / conversations);
    QList<qint64> ids;
    for (int i = 0; i < conversations; ++i) {
        Conversation conv;
        conv.title = historySentence(random, words, 4);
        conv.model = models.at(i % models.size());
        conv.createdAt = start.addSecs(qint64(i) * spacing);
        conv.updatedAt = conv.createdAt;
        auto id = c.conversations().create(conv);
        if (!id.ok())
            return id.error();
        ids.append(*id);
    }
    QList<Message> batch;
    int written = 0;
    auto flush = [&]() -> rt::Status {
        if (batch.isEmpty())
            return {};
        auto done = c.messages().appendBatch(batch);
        written += int(batch.size());
        batch.clear();
        if (!done.ok())
            return done.error();
        if (progress)
            progress(written);
        return {};
    };
    for (int n = 0; n < o.messages; ++n) {
        Message m;
        const bool inNewest = n >= older || conversations == 1;
        const int convIndex
            = inNewest ? conversations - 1 : int(qint64(n) * (conversations - 1) / std::max(older, 1)); // no int overflow at 1M
        m.conversationId = ids.at(convIndex);
        m.role = n % 2 ? MessageRole::Assistant : MessageRole::User;
        m.content = historySentence(random, words, m.role == MessageRole::User ? int(random.bounded(8, 40)) : int(random.bounded(40, 300)));
        if (!o.rareWord.isEmpty() && o.rareEvery > 0 && n % o.rareEvery == 0)
            m.content += u' ' + o.rareWord;
        if (m.role == MessageRole::Assistant) {
            m.model = models.at(convIndex % models.size());
            m.metrics.evalCount = random.bounded(50, 500);
            m.metrics.evalDurationNs = random.bounded(1'000'000'000);
            m.metrics.ttftMs = random.bounded(100, 900);
        }
        m.createdAt = start.addSecs(qint64(convIndex) * spacing + n % 1000);
        m.updatedAt = m.createdAt; // conversations are as recent as their messages
        batch.append(m);
        if (batch.size() >= o.batchSize) {
            if (auto done = flush(); !done.ok())
                return done.error();
        }
    }
    if (auto done = flush(); !done.ok())
        return done.error();
    return ids;
}

} // namespace rt::test
