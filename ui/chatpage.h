#pragma once

#include "llm/modelinfo.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;

namespace rt::llm {
class EndpointPool;
class OllamaClient;
class PooledChat;
struct ChatResult;
} // namespace rt::llm

namespace rt::ui {

class ChatInput;
class ChatMessageModel;
class ChatView;

// One conversation with one model: a model picker filled from /api/tags, the
// message list, and the input with Send and Stop. Replies stream into the
// model; earlier turns go with every request.
class ChatPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatPage)
public:
    // Chats go through pool; client (the primary host) lists the models.
    ChatPage(rt::llm::EndpointPool *pool, rt::llm::OllamaClient *client, QWidget *parent = nullptr);
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

public slots:
    void refreshModels();
    // The host changed: forget its models (a list in flight is ignored).
    void clearModels();
    void newChat();
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

private:
    enum class ModelsState { Idle, Loading, Loaded, Failed };

    void startReply();
    void onFinished(int row, const rt::llm::ChatResult &result);
    void setModels(const QList<rt::llm::ModelInfo> &models);
    void updateControls();
    void updatePlaceholder();

    rt::llm::EndpointPool *m_pool;
    rt::llm::OllamaClient *m_client;
    ChatMessageModel *m_messages;
    ChatView *m_view;
    ChatInput *m_input;
    QComboBox *m_modelPicker;
    QToolButton *m_refreshButton;
    QPushButton *m_newChatButton;
    QPushButton *m_sendButton;
    QPushButton *m_stopButton;
    QLabel *m_hint;
    QPointer<rt::llm::PooledChat> m_stream;
    QList<rt::llm::ModelInfo> m_models;
    QString m_modelsError;
    ModelsState m_modelsState = ModelsState::Idle;
    quint64 m_modelsRequest = 0;
    bool m_populating = false;
    bool m_rememberModel = true;
};

} // namespace rt::ui
