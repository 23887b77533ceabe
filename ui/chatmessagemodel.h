#pragma once

#include "llm/chattypes.h"

#include <QAbstractListModel>
#include <QList>
#include <QSet>
#include <QTimer>
#include <utility>

namespace rt::ui {

// The messages of one conversation. Streamed text is appended here as it
// arrives, but views hear about it at most once per frame: deltas are
// coalesced and announced by a ~16 ms timer, so a fast stream never costs a
// repaint (or a re-layout) per token.
class ChatMessageModel final : public QAbstractListModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatMessageModel)
public:
    enum class Sender { User, Assistant };
    enum class Phase {
        Waiting, // sent, nothing back yet
        Loading, // the server is probably loading the model
        Retrying, // the server was busy; trying again
        Streaming, // text arriving
        Done,
        Stopped, // the user stopped it; partial text kept
        Cut, // the stream broke off; partial text kept
        Failed, // nothing usable came back
    };
    Q_ENUM(Phase)

    struct Message {
        quint64 id = 0;
        Sender sender = Sender::User;
        Phase phase = Phase::Done;
        QString model;
        QString content;
        QString thinking;
        QString error; // plain words, from ChatResult.error.message
        QString warning; // e.g. likely context truncation
        double tokensPerSecond = 0;
        qint64 timeToFirstTokenMs = -1;
        qint64 evalCount = 0;
        int retryAttempt = 0;
        quint64 revision = 0; // bumps on every change a view must redraw
        qint64 storedId = 0; // the row in storage, 0 while unknown or not stored
    };

    enum Role {
        IdRole = Qt::UserRole + 1,
        SenderRole, // Sender as int
        PhaseRole, // Phase as int
        ContentRole,
        ThinkingRole,
        ModelRole,
        ErrorRole,
        WarningRole,
        CaptionRole, // "llama3.2:1b · 41.0 tokens/s · first token 180 ms"
        StatusRole, // the line under a reply that did not complete, or the waiting text
        CanRetryRole,
        RevisionRole, // changes whenever anything drawn changes; views key caches on it
    };

    explicit ChatMessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const Message &message(int row) const { return m_messages.at(row); }
    int count() const { return int(m_messages.size()); }
    bool isEmpty() const { return m_messages.isEmpty(); }
    // True while the last reply is still on its way.
    bool isBusy() const;

    int appendUser(const QString &text);
    int appendAssistant(const QString &model);
    // Coalesced: views are told at the next frame.
    void appendDelta(int row, const QString &content, const QString &thinking);
    void setPhase(int row, Phase phase, int retryAttempt = 0);
    void finish(int row, const rt::llm::ChatResult &result);
    void removeLast();
    void clear();
    // Replaces the conversation with finished messages (a stored one reopened);
    // ids are assigned here.
    void setMessages(QList<Message> messages);
    // The row of the message with this id, or -1.
    int rowOfId(quint64 id) const;
    void setStoredId(int row, qint64 storedId);

    // The conversation as the model should see it: every user turn and every
    // assistant reply that has text (stopped and cut replies as they were shown).
    QList<rt::llm::ChatMessage> history() const;

    void setFrameIntervalMs(int ms) { m_frameTimer.setInterval(ms); }
    // How many times streamed text was announced (at most one per frame).
    qint64 flushCount() const { return m_flushes; }
    qint64 deltaCount() const { return m_deltas; }

public slots:
    // Announces pending text now (before a phase change, or for tests).
    void flush();

signals:
    void busyChanged(bool busy);

private:
    void changed(int row, const QList<int> &roles);
    QString caption(const Message &message) const;
    QString status(const Message &message) const;
    bool canRetry(int row) const;

    QList<Message> m_messages;
    QSet<int> m_dirtyRows;
    QTimer m_frameTimer;
    quint64 m_nextId = 1;
    qint64 m_flushes = 0;
    qint64 m_deltas = 0;
};

// "180 ms", "2.4 s", "1 min 5 s", in the user's locale.
QString formatDuration(qint64 ms);

} // namespace rt::ui
