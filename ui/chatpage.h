#pragma once

#include "llm/modelinfo.h"
#include "storage/records.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;

namespace rt::agents {
struct Agent;
}
namespace rt::llm {
class EndpointPool;
class OllamaClient;
class PooledChat;
struct ChatResult;
} // namespace rt::llm
namespace rt::storage {
class Storage;
}

namespace rt::server {
class LiveFeed;
}

namespace rt::ui {

class ChatInput;
class ChatMessageModel;
class ChatView;
class ConversationList;
class Workspace;

// One conversation with one model: the stored conversations at the left, a
// model picker filled from /api/tags, the message list, and the input with
// Send and Stop. Replies stream into the model; earlier turns go with every
// request. Every exchange is stored as `roundtable chat` stores it: the
// prompt, a 'partial' reply checkpointed every 2 s, then its final text,
// status and metrics. Storage is never waited for; a failure is said inline
// and the chat goes on.
class ChatPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatPage)
public:
    // Chats go through pool; client (the primary host) lists the models;
    // workspace (may be null: nothing is stored) holds the database.
    ChatPage(rt::llm::EndpointPool *pool, rt::llm::OllamaClient *client, Workspace *workspace, QWidget *parent = nullptr);
    ~ChatPage() override;

    bool isBusy() const;
    bool hasModels() const { return !m_models.isEmpty(); }
    bool modelsLoaded() const { return m_modelsState == ModelsState::Loaded; }
    QString currentModel() const;
    bool selectModel(const QString &name);
    // Whether a picked model is saved as the one to use next time (not in the demo).
    void setRememberModel(bool remember) { m_rememberModel = remember; }

    ChatMessageModel *messages() const { return m_messages; }
    ChatView *view() const { return m_view; }
    ChatInput *input() const { return m_input; }
    QComboBox *modelPicker() const { return m_modelPicker; }
    QPushButton *sendButton() const { return m_sendButton; }
    QPushButton *stopButton() const { return m_stopButton; }
    ConversationList *conversationList() const { return m_conversations; }
    QLabel *storageError() const { return m_storageError; }
    // "Pull it": shown when the model is missing (or none is installed).
    QLabel *pullHint() const { return m_pullHint; }
    // Remote viewers: the Share button shares the stored conversation shown
    // (docs/remote-protocol.md); without a feed it is hidden.
    void setLiveFeed(std::shared_ptr<rt::server::LiveFeed> feed);
    QToolButton *shareButton() const { return m_shareButton; }
    // The stored conversation shown (0: new, not stored yet).
    qint64 conversationId() const;
    QString conversationTitle() const { return m_title; }
    // The agent this chat was started with (startChatWithAgent), else empty.
    QString agentName() const;
    QString systemPrompt() const;
    // Messages of a reopened conversation are on their way.
    bool isOpening() const { return m_opening; }
    // The stored id of the message showMessage() selected (0: none).
    qint64 highlightedMessageId() const { return m_highlightedMessageId; }
    void setCheckpointIntervalMs(int ms) { m_checkpointTimer.setInterval(ms); }

public slots:
    void refreshModels();
    // The host changed: forget its models (a list in flight is ignored).
    void clearModels();
    void newChat();
    // Shows a stored conversation; typing continues it.
    void openConversation(const rt::storage::Conversation &conversation);
    // "Try this agent": a new chat whose system prompt is the agent's role
    // prompt, with its options, and its model when this host has it.
    void startChatWithAgent(const rt::agents::Agent &agent);
    // Opens a stored conversation at one of its messages (a search result):
    // loads enough of it to reach the message, selects it and scrolls to it.
    void showMessage(qint64 conversationId, qint64 messageId);
    void send();
    bool sendMessage(const QString &text);
    void stop();
    void retry(int row);
    void focusInput();

signals:
    void busyChanged(bool busy);
    void modelsChanged(int count);
    // A request found no server: the window re-checks the connection.
    void connectionLost();
    // A stored conversation's messages are shown.
    void conversationOpened(qint64 id);
    // A reply's final text and status were written (messageId in storage).
    void replyStored(qint64 messageId);
    // The user asked to pull a missing model (empty: any model).
    void pullRequested(const QString &model);
    // showMessage() found the message and scrolled to it (0: it was not there).
    void messageShown(qint64 messageId);

protected:
    void hideEvent(QHideEvent *event) override;

private:
    enum class ModelsState { Idle, Loading, Loaded, Failed };
    struct StoredChat;
    struct StoredReply;

    void startReply();
    void openConversationFrom(const rt::storage::Conversation &conversation, qint64 highlightId);
    bool highlightMessage(qint64 messageId);
    void onFinished(int row, const rt::llm::ChatResult &result);
    rt::storage::Storage *storage() const;
    // Runs fn with the stored conversation's id, creating it first if needed.
    void withConversation(const std::shared_ptr<StoredChat> &chat, std::function<void(qint64)> fn);
    void storeUserMessage(const QString &text);
    std::shared_ptr<StoredReply> beginStoredReply(quint64 rowId, const QString &model);
    void finishStoredReply(const std::shared_ptr<StoredReply> &reply);
    void checkpoint();
    void forgetStoredReply(int row);
    // Ends a reply still streaming (stored as stopped) before the chat changes.
    void abandonReply();
    void resetChat();
    void setTitle(const QString &title);
    void reportStorageError(const QString &message);
    void setModels(const QList<rt::llm::ModelInfo> &models);
    void updateControls();
    void updatePlaceholder();

    bool shared() const;
    void setShared(bool on);
    void updateShareButton();

    rt::llm::EndpointPool *m_pool;
    std::shared_ptr<rt::server::LiveFeed> m_feed;
    QToolButton *m_shareButton = nullptr;
    rt::llm::OllamaClient *m_client;
    ChatMessageModel *m_messages;
    ChatView *m_view;
    ChatInput *m_input;
    QComboBox *m_modelPicker;
    QToolButton *m_refreshButton;
    QLabel *m_titleLabel;
    QPushButton *m_sendButton;
    QPushButton *m_stopButton;
    QLabel *m_hint;
    QLabel *m_storageError;
    QLabel *m_pullHint = nullptr;
    QPointer<Workspace> m_workspace;
    ConversationList *m_conversations;
    QTimer m_checkpointTimer;
    std::shared_ptr<StoredChat> m_chat; // the conversation shown
    std::shared_ptr<StoredReply> m_reply; // the reply streaming now
    std::shared_ptr<StoredReply> m_lastReply; // the newest reply of this page
    QString m_title;
    QString m_preferredModel; // of a reopened conversation, once the models are known
    quint64 m_openRequest = 0;
    bool m_opening = false;
    qint64 m_highlightedMessageId = 0;
    QPointer<rt::llm::PooledChat> m_stream;
    QList<rt::llm::ModelInfo> m_models;
    QString m_modelsError;
    ModelsState m_modelsState = ModelsState::Idle;
    quint64 m_modelsRequest = 0;
    bool m_populating = false;
    bool m_rememberModel = true;
};

} // namespace rt::ui
