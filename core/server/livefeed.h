#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>
#include <atomic>
#include <functional>
#include <vector>

namespace rt::server {

// What remote viewers see (docs/remote-protocol.md): the state of the live
// debates and shared chats, and the event stream that changes it. Producers
// (debate engines through DebateFeed, the chat page) publish from their
// thread; the one consumer (the ViewerHub on the server thread) drains the
// events, numbered and serialised once, together with a snapshot that is
// exactly the state after them. Text that streams is appended to a batch
// that becomes one `tokens` event when the consumer drains it (every 50 ms),
// or when another event must follow it. Thread-safe; never blocks a
// producer for longer than a small update under a mutex.
class LiveFeed {
public:
    static constexpr int Version = 1;

    struct Frame {
        quint64 seq = 0;
        QByteArray json; // one complete frame, UTF-8
    };
    struct Drained {
        QList<Frame> frames; // in order, seq without gaps
        quint64 seq = 0; // the last event's number (or the previous one when none)
        QByteArray snapshot; // when asked for: the state after `frames`
    };

    LiveFeed();
    ~LiveFeed();
    LiveFeed(const LiveFeed &) = delete;
    LiveFeed &operator=(const LiveFeed &) = delete;

    // Producers (any thread). `fields` are merged into the frame next to v, type and seq.
    void debateEvent(const QString &type, qint64 debateId, const QJsonObject &fields);
    void debateTokens(qint64 debateId, int seat, int turnIndex, int attempt, const QString &text);
    // A conversation shared with viewers: its title, model and messages so far.
    void shareChat(qint64 conversationId, const QString &title, const QString &model, const QJsonArray &messages);
    void unshareChat(qint64 conversationId);
    bool isChatShared(qint64 conversationId) const;
    void chatReplyStarted(qint64 conversationId, const QString &model);
    void chatMessage(qint64 conversationId, const QJsonObject &message); // role, content, model
    void chatTokens(qint64 conversationId, const QString &text);
    void publishMetrics(const QJsonObject &metrics);

    // Whether debates are shared at all (Settings: on by default).
    void setShareDebates(bool on);
    bool sharesDebates() const;
    // Finished debates kept in the snapshot.
    void setKeepFinished(int count);

    // Consumer. Without one, the state is kept but no events are queued.
    // `wake` is called (from a producer's thread, at most once between two
    // drains) when an event other than text is waiting.
    void attachConsumer(std::function<void()> wake);
    void detachConsumer();
    // Takes the waiting events; a text batch still open is closed with `dueMs`
    // (ms since the epoch). With `withSnapshot`, also the state after them.
    Drained drain(qint64 dueMs, bool withSnapshot);
    bool hasPendingText() const;

    // The snapshot object alone (tests, `roundtable watch`).
    QJsonObject snapshotObject() const;

private:
    struct LiveText {
        QJsonObject turn;
        QString text;
        int attempt = 1;
    };
    struct Debate {
        qint64 id = 0;
        qint64 order = 0;
        QJsonObject info;
        QString phase = QStringLiteral("starting");
        QJsonValue round;
        QJsonArray turns;
        QMap<int, LiveText> live; // by seat
        QJsonArray consensus;
        QJsonArray notes;
        QJsonValue pause;
        QJsonValue outcome;
        bool ended = false;
    };
    struct Chat {
        qint64 id = 0;
        qint64 order = 0;
        QString title;
        QString model;
        QJsonArray messages;
        bool replying = false;
        QString reply;
        QString replyModel;
    };
    struct TextEntry {
        qint64 debateId = 0; // 0 for a chat
        qint64 conversationId = 0;
        int seat = 0;
        int index = 0;
        int attempt = 1;
        QString text;
    };
    struct Pending {
        QJsonObject event; // without seq
        bool text = false;
    };

    void queue(QJsonObject event); // under m_mutex
    void appendText(TextEntry entry); // under m_mutex
    void closeTextBatch(qint64 dueMs); // under m_mutex
    void applyDebate(const QString &type, qint64 debateId, const QJsonObject &fields); // under m_mutex
    void prune(); // under m_mutex
    QJsonObject snapshotLocked(quint64 seq) const;
    QJsonObject chatJson(const Chat &c) const;

    mutable QMutex m_mutex;
    QMap<qint64, Debate> m_debates;
    QMap<qint64, Chat> m_chats;
    QJsonObject m_metrics;
    qint64 m_order = 0;
    bool m_shareDebates = true;
    int m_keepFinished = 10;
    std::vector<TextEntry> m_batch;
    std::vector<Pending> m_pending;
    quint64 m_seq = 0;
    std::function<void()> m_wake;
    bool m_wakePending = false;
};

} // namespace rt::server
