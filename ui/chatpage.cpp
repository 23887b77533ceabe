#include "chatpage.h"

#include "agents/agent.h"
#include "chatinput.h"
#include "chatmessagemodel.h"
#include "chatview.h"
#include "common/appsettings.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "conversationlist.h"
#include "icons.h"
#include "llm/chatcompletion.h"
#include "llm/endpointpool.h"
#include "llm/modelname.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/pooledchat.h"
#include "server/livefeed.h"
#include "storage/storage.h"
#include "theme.h"
#include "workspace.h"

#include <QAction>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <optional>
#include <utility>

namespace rt::ui {

namespace {
QFrame *makeBar(QWidget *parent, bool borderTop)
{
    auto *bar = new QFrame(parent);
    bar->setObjectName(borderTop ? QStringLiteral("composerBar") : QStringLiteral("headerBar"));
    bar->setStyleSheet(QStringLiteral("QFrame#%1 { background: %3; border: none; %2 }")
                           .arg(bar->objectName(),
                               borderTop ? QStringLiteral("border-top: 1px solid %1;").arg(Theme::css(Theme::Border))
                                         : QStringLiteral("border-bottom: 1px solid %1;").arg(Theme::css(Theme::Border)),
                               Theme::css(Theme::Surface)));
    return bar;
}

// A stored message as the chat shows a finished one.
std::optional<ChatMessageModel::Message> shownMessage(const rt::storage::Message &stored)
{
    using rt::storage::MessageRole;
    using rt::storage::MessageStatus;
    using Phase = ChatMessageModel::Phase;
    ChatMessageModel::Message m;
    m.storedId = stored.id;
    m.content = stored.content;
    m.thinking = stored.thinking;
    m.model = stored.model;
    if (stored.role == MessageRole::User) {
        m.sender = ChatMessageModel::Sender::User;
        return m;
    }
    if (stored.role != MessageRole::Assistant)
        return std::nullopt; // system prompts and tool output are not drawn
    m.sender = ChatMessageModel::Sender::Assistant;
    m.error = stored.error;
    const rt::storage::GenerationMetrics &metrics = stored.metrics;
    m.evalCount = metrics.evalCount.value_or(0);
    if (m.evalCount > 0 && metrics.evalDurationNs.value_or(0) > 0)
        m.tokensPerSecond = double(m.evalCount) * 1e9 / double(*metrics.evalDurationNs);
    m.timeToFirstTokenMs = metrics.ttftMs.value_or(-1);
    const bool hasText = !stored.content.isEmpty() || !stored.thinking.isEmpty();
    switch (stored.status) {
    case MessageStatus::Complete:
        m.phase = Phase::Done;
        m.error.clear();
        break;
    case MessageStatus::Cancelled:
        m.phase = Phase::Stopped;
        break;
    case MessageStatus::Failed:
        m.phase = hasText ? Phase::Cut : Phase::Failed;
        break;
    case MessageStatus::Partial:
    case MessageStatus::Interrupted:
        m.phase = hasText ? Phase::Cut : Phase::Failed;
        if (m.error.isEmpty())
            m.error = ChatPage::tr("Roundtable closed before the reply was finished.");
        break;
    }
    return m;
}

// The first prompt, short enough for the list.
QString titleFor(const QString &prompt)
{
    constexpr int MaxLength = 60;
    QString title = prompt.simplified();
    if (title.size() <= MaxLength)
        return title;
    title.truncate(MaxLength);
    if (const int space = int(title.lastIndexOf(u' ')); space > MaxLength / 2)
        title.truncate(space);
    return title + QChar(0x2026);
}
} // namespace

// One conversation as the page stores it. Its id arrives asynchronously; what
// needs it meanwhile waits in `waiting`, in order.
struct ChatPage::StoredChat {
    qint64 id = 0;
    bool creating = false;
    QString title; // from the first prompt
    QString model;
    QString systemPrompt; // an agent's role prompt, sent first with every request
    QString agentName; // the agent it was started with ("Try this agent")
    rt::llm::GenerationOptions options; // that agent's options
    QList<std::function<void(qint64)>> waiting;
};

// One streamed reply: begun ('partial'), checkpointed, finished.
struct ChatPage::StoredReply {
    quint64 rowId = 0; // ChatMessageModel's id
    qint64 id = 0; // the stored message, once begun
    bool failed = false; // begin failed: nothing to checkpoint or finish
    bool discarded = false; // replaced by a retry: remove it once begun
    std::optional<rt::storage::Completion> completion; // set when the stream ended
    std::shared_ptr<StoredChat> chat;
};

ChatPage::ChatPage(rt::llm::EndpointPool *pool, rt::llm::OllamaClient *client, Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_client(client)
    , m_messages(new ChatMessageModel(this))
    , m_workspace(workspace)
    , m_chat(std::make_shared<StoredChat>())
{
    setObjectName(QStringLiteral("chatPage"));

    // The stored conversations, at the left.
    m_conversations = new ConversationList(workspace, this);
    m_conversations->setVisible(workspace != nullptr);

    // Header: the conversation's title, the model picker.
    QFrame *header = makeBar(this, false);
    m_titleLabel = new QLabel(tr("Chat"), header);
    m_titleLabel->setObjectName(QStringLiteral("conversationTitle"));
    m_titleLabel->setFont(Theme::scaledFont(font(), 1.3, true));
    m_titleLabel->setMinimumWidth(80);
    m_titleLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *modelLabel = new QLabel(tr("Model"), header);
    modelLabel->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::MutedText)));
    m_modelPicker = new QComboBox(header);
    m_modelPicker->setObjectName(QStringLiteral("modelPicker"));
    m_modelPicker->setMinimumWidth(240);
    m_modelPicker->setMinimumHeight(30);
    m_modelPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelPicker->setToolTip(tr("The model that answers. Models come from Ollama's /api/tags."));
    modelLabel->setBuddy(m_modelPicker);
    m_refreshButton = new QToolButton(header);
    m_refreshButton->setObjectName(QStringLiteral("refreshModelsButton"));
    m_refreshButton->setIcon(Icons::refresh(Theme::MutedText));
    m_refreshButton->setAutoRaise(true);
    m_refreshButton->setToolTip(tr("Reload the list of models"));
    // Shown to remote viewers (docs/remote-protocol.md) only when shared, one conversation at a time.
    m_shareButton = new QToolButton(header);
    m_shareButton->setObjectName(QStringLiteral("shareChatButton"));
    m_shareButton->setCheckable(true);
    m_shareButton->setText(tr("Share"));
    m_shareButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_shareButton->setVisible(false);
    connect(m_shareButton, &QToolButton::toggled, this, &ChatPage::setShared);
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(24, 12, 20, 12);
    headerLayout->setSpacing(8);
    headerLayout->addWidget(m_titleLabel, 1);
    headerLayout->addWidget(m_shareButton);
    headerLayout->addSpacing(12);
    headerLayout->addWidget(modelLabel);
    headerLayout->addWidget(m_modelPicker);
    headerLayout->addWidget(m_refreshButton);

    // The list's top bar lines up with this one.
    m_conversations->header()->setFixedHeight(header->sizeHint().height());

    // Messages.
    m_view = new ChatView(this);
    m_view->setObjectName(QStringLiteral("messageView"));
    m_view->setModel(m_messages);
    m_view->setAccessibleName(tr("Messages"));

    // Composer: the input in a rounded box with Send/Stop, a hint under it.
    QFrame *composer = makeBar(this, true);
    auto *inputBox = new QFrame(composer);
    inputBox->setObjectName(QStringLiteral("inputBox"));
    inputBox->setStyleSheet(QStringLiteral("QFrame#inputBox { background: %2; border: 1px solid %1; border-radius: 10px; }")
                                .arg(Theme::css(Theme::Border), Theme::css(Theme::Surface)));
    m_input = new ChatInput(inputBox);
    m_input->setObjectName(QStringLiteral("messageInput"));
    m_input->setAccessibleName(tr("Message"));
    m_input->setStyleSheet(QStringLiteral("QPlainTextEdit { background: transparent; border: none; }"));
    m_sendButton = new QPushButton(Icons::send(Theme::AccentText), tr("Send"), inputBox);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setProperty("primary", true);
    m_sendButton->setToolTip(tr("Send the message (Enter)"));
    m_stopButton = new QPushButton(Icons::stop(Theme::ErrorText), tr("Stop"), inputBox);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setProperty("danger", true);
    m_stopButton->setToolTip(tr("Stop the reply; the text so far is kept (Esc)"));
    m_stopButton->hide();
    auto *inputLayout = new QHBoxLayout(inputBox);
    inputLayout->setContentsMargins(8, 6, 8, 6);
    inputLayout->setSpacing(8);
    inputLayout->addWidget(m_input, 1);
    inputLayout->addWidget(m_sendButton, 0, Qt::AlignBottom);
    inputLayout->addWidget(m_stopButton, 0, Qt::AlignBottom);
    m_hint = new QLabel(tr("Enter sends · Shift+Enter adds a line · Esc stops the reply"), composer);
    m_hint->setFont(Theme::scaledFont(font(), 0.86));
    m_hint->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::MutedText)));
    auto *composerLayout = new QVBoxLayout(composer);
    composerLayout->setContentsMargins(24, 12, 24, 10);
    composerLayout->setSpacing(6);
    composerLayout->addWidget(inputBox);
    composerLayout->addWidget(m_hint);

    // A database problem, in words, above the composer; the chat goes on.
    m_storageError = new QLabel(this);
    m_storageError->setObjectName(QStringLiteral("chatStorageError"));
    m_storageError->setWordWrap(true);
    m_storageError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_storageError->setStyleSheet(
        QStringLiteral("QLabel { color: %1; background: %2; border-top: 1px solid %3; padding: 6px 24px; }")
            .arg(Theme::css(Theme::ErrorText), Theme::css(Theme::ErrorBackground), Theme::css(Theme::ErrorBorder)));
    m_storageError->hide();

    // A missing model, with a link to pull it (the Models page).
    m_pullHint = new QLabel(this);
    m_pullHint->setObjectName(QStringLiteral("chatPullHint"));
    m_pullHint->setWordWrap(true);
    m_pullHint->setTextFormat(Qt::RichText);
    m_pullHint->setStyleSheet(QStringLiteral("QLabel { color: %1; background: %2; border-top: 1px solid %3; padding: 6px 24px; }")
                                  .arg(Theme::css(Theme::DemoText), Theme::css(Theme::DemoBackground), Theme::css(Theme::DemoBorder)));
    m_pullHint->hide();
    connect(m_pullHint, &QLabel::linkActivated, this,
        [this](const QString &link) { emit pullRequested(link.startsWith(u"pull:") ? link.mid(5) : QString()); });

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(header);
    column->addWidget(m_view, 1);
    column->addWidget(m_storageError);
    column->addWidget(m_pullHint);
    column->addWidget(composer);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_conversations);
    layout->addLayout(column, 1);

    connect(m_input, &ChatInput::submitted, this, &ChatPage::send);
    connect(m_input, &QPlainTextEdit::textChanged, this, &ChatPage::updateControls);
    connect(m_sendButton, &QPushButton::clicked, this, &ChatPage::send);
    connect(m_stopButton, &QPushButton::clicked, this, &ChatPage::stop);
    connect(m_conversations, &ConversationList::newRequested, this, &ChatPage::newChat);
    connect(m_conversations, &ConversationList::openRequested, this, &ChatPage::openConversation);
    connect(m_conversations, &ConversationList::removed, this, [this](qint64 id) {
        if (id == m_chat->id)
            newChat();
    });
    connect(m_conversations, &ConversationList::renamed, this, [this](qint64 id, bool ok) {
        if (const int row = m_conversations->model()->rowOf(id); ok && id == m_chat->id && row >= 0)
            setTitle(m_conversations->model()->conversation(row).title);
    });

    // Next/previous conversation, wherever the focus is on the page.
    auto *next = new QAction(tr("Next Conversation"), this);
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    next->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(next, &QAction::triggered, m_conversations, &ConversationList::openNext);
    auto *previous = new QAction(tr("Previous Conversation"), this);
    previous->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_PageUp));
    previous->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(previous, &QAction::triggered, m_conversations, &ConversationList::openPrevious);
    addActions({ next, previous });

    m_checkpointTimer.setInterval(2000);
    connect(&m_checkpointTimer, &QTimer::timeout, this, &ChatPage::checkpoint);
    connect(m_refreshButton, &QToolButton::clicked, this, &ChatPage::refreshModels);
    connect(m_view, &ChatView::retryRequested, this, &ChatPage::retry);
    connect(m_messages, &ChatMessageModel::busyChanged, this, [this](bool busy) {
        updateControls();
        emit busyChanged(busy);
    });
    connect(m_modelPicker, &QComboBox::currentIndexChanged, this, [this] {
        if (m_populating)
            return;
        if (const QString model = currentModel(); !model.isEmpty() && m_rememberModel)
            rt::AppSettings::setValue(rt::AppSettings::LastModel, model);
        updatePlaceholder();
        updateControls();
    });

    setTitle({});
    updatePlaceholder();
    updateControls();
    setFocusProxy(m_input);
}

ChatPage::~ChatPage()
{
    abandonReply();
}

void ChatPage::hideEvent(QHideEvent *event)
{
    // The window may be closing: keep the text streamed so far.
    checkpoint();
    QWidget::hideEvent(event);
}

bool ChatPage::isBusy() const
{
    return m_messages->isBusy();
}

QString ChatPage::currentModel() const
{
    return m_modelPicker->currentData().toString();
}

bool ChatPage::selectModel(const QString &name)
{
    const int index = m_modelPicker->findData(name);
    if (index < 0)
        return false;
    m_modelPicker->setCurrentIndex(index);
    return true;
}

void ChatPage::refreshModels()
{
    const quint64 request = ++m_modelsRequest;
    m_modelsState = ModelsState::Loading;
    if (m_models.isEmpty()) {
        m_populating = true;
        m_modelPicker->clear();
        m_modelPicker->addItem(tr("Loading models…"));
        m_populating = false;
    }
    updateControls();
    m_client->fetchModels(this, [this, request](const rt::Result<QList<rt::llm::ModelInfo>> &result) {
        if (request != m_modelsRequest)
            return; // a newer request (or host) superseded this one
        if (result) {
            m_modelsError.clear();
            m_modelsState = ModelsState::Loaded;
            setModels(*result);
        } else {
            m_modelsError = result.error().message;
            m_modelsState = ModelsState::Failed;
            qCWarning(lcUi).noquote() << "could not list models:" << m_modelsError;
            setModels({});
            if (result.error().code == rt::llm::ErrorCode::Unreachable || result.error().code == rt::llm::ErrorCode::ConnectTimeout)
                emit connectionLost();
        }
    });
}

void ChatPage::clearModels()
{
    ++m_modelsRequest;
    m_modelsState = ModelsState::Idle;
    m_modelsError.clear();
    m_models.clear();
    m_populating = true;
    m_modelPicker->clear();
    m_modelPicker->addItem(tr("Loading models…"));
    m_populating = false;
    updatePlaceholder();
    updateControls();
    emit modelsChanged(0);
}

void ChatPage::setModels(const QList<rt::llm::ModelInfo> &models)
{
    const QString previous = currentModel();
    // Embedding-only models cannot chat (capabilities are known only when the server lists them).
    m_models.clear();
    for (const rt::llm::ModelInfo &model : models) {
        if (model.capabilities.isEmpty() || model.hasCapability(u"completion"))
            m_models.append(model);
    }
    m_populating = true;
    m_modelPicker->clear();
    for (const rt::llm::ModelInfo &model : std::as_const(m_models)) {
        const QString label = model.parameterSize.isEmpty() ? model.name : tr("%1  (%2)").arg(model.name, model.parameterSize);
        m_modelPicker->addItem(label, model.name);
        QStringList details;
        if (!model.family.isEmpty())
            details << tr("Family: %1").arg(model.family);
        if (!model.quantization.isEmpty())
            details << tr("Quantization: %1").arg(model.quantization);
        if (model.sizeBytes > 0)
            details << tr("Size: %1").arg(rt::llm::formatBytes(model.sizeBytes));
        m_modelPicker->setItemData(m_modelPicker->count() - 1, details.join(u'\n'), Qt::ToolTipRole);
    }
    if (m_models.isEmpty())
        m_modelPicker->addItem(m_modelsState == ModelsState::Failed ? tr("Models unavailable") : tr("No models installed"));
    if (m_models.isEmpty() && m_modelsState == ModelsState::Loaded) {
        m_pullHint->setText(tr("No models are installed. <a href=\"pull:\">Pull one</a>"));
        m_pullHint->show();
    } else if (!m_models.isEmpty() && m_pullHint->text().contains(u"\"pull:\""))
        m_pullHint->hide();

    // A reopened conversation's model, else the current choice, else the
    // default model of Settings, else the one used last time, else the first.
    int index = m_preferredModel.isEmpty() ? -1 : m_modelPicker->findData(m_preferredModel);
    if (index < 0)
        index = previous.isEmpty() ? -1 : m_modelPicker->findData(previous);
    if (const QString configured = rt::AppSettings::value(rt::AppSettings::DefaultModel).toString().trimmed();
        index < 0 && !configured.isEmpty())
        index = m_modelPicker->findData(configured);
    if (index < 0)
        index = m_modelPicker->findData(rt::AppSettings::lastModel());
    m_modelPicker->setCurrentIndex(qMax(0, index));
    m_populating = false;
    m_modelPicker->setToolTip(m_modelsError.isEmpty() ? tr("The model that answers. Models come from Ollama's /api/tags.") : m_modelsError);

    updatePlaceholder();
    updateControls();
    emit modelsChanged(int(m_models.size()));
}

void ChatPage::updatePlaceholder()
{
    if (m_modelsState == ModelsState::Failed) {
        m_view->setPlaceholder(
            tr("The model list did not load"), tr("%1\nPress the reload button next to the model list to try again.").arg(m_modelsError));
    } else if (m_modelsState == ModelsState::Loaded && m_models.isEmpty()) {
        m_view->setPlaceholder(tr("No models installed"),
            tr("Download one in a terminal, for example:\nollama pull llama3.2\nthen press the reload button next to the model list."));
    } else if (const QString model = currentModel(); !model.isEmpty() && !m_chat->agentName.isEmpty()) {
        m_view->setPlaceholder(tr("Chat with %1").arg(m_chat->agentName),
            tr("%1 answers in its role, through %2. Ask it something to see how it thinks.").arg(m_chat->agentName, model));
    } else if (const QString model = currentModel(); !model.isEmpty()) {
        m_view->setPlaceholder(tr("Chat with %1").arg(model),
            tr("Replies stream in as the model writes them. Your earlier messages go with each question, so you can follow up."));
    } else {
        m_view->setPlaceholder(tr("Chat"), tr("Loading the list of models…"));
    }
}

void ChatPage::updateControls()
{
    const bool busy = isBusy();
    const bool haveModel = !currentModel().isEmpty();
    m_sendButton->setVisible(!busy);
    m_stopButton->setVisible(busy);
    m_stopButton->setEnabled(busy);
    m_sendButton->setEnabled(!busy && !m_opening && haveModel && !m_input->toPlainText().trimmed().isEmpty());
    m_modelPicker->setEnabled(!m_models.isEmpty());
    m_refreshButton->setEnabled(m_modelsState != ModelsState::Loading);
    updateShareButton();
    m_input->setPlaceholderText(haveModel ? tr("Message %1…").arg(currentModel()) : tr("Pick a model to start"));
}

void ChatPage::setLiveFeed(std::shared_ptr<rt::server::LiveFeed> feed)
{
    m_feed = std::move(feed);
    updateShareButton();
}

bool ChatPage::shared() const
{
    return m_feed && m_chat->id > 0 && m_feed->isChatShared(m_chat->id);
}

void ChatPage::updateShareButton()
{
    m_shareButton->setVisible(m_feed != nullptr);
    const bool stored = m_chat->id > 0;
    m_shareButton->setEnabled(stored);
    const bool isShared = shared(); // asks the feed (a lock) once
    const QSignalBlocker block(m_shareButton);
    m_shareButton->setChecked(isShared);
    m_shareButton->setText(isShared ? tr("● Shared") : tr("Share"));
    m_shareButton->setToolTip(!stored ? tr("Send a message first: a conversation is shared once it is saved.")
            : isShared                ? tr("Viewers with the link see this conversation live. Click to stop sharing.")
                       : tr("Let viewers with the viewer link (Settings → Local Server) watch this conversation, read-only."));
}

void ChatPage::setShared(bool on)
{
    if (!m_feed || m_chat->id <= 0)
        return;
    if (!on) {
        m_feed->unshareChat(m_chat->id);
    } else {
        QJsonArray messages;
        for (int row = 0; row < m_messages->count(); ++row) {
            const ChatMessageModel::Message &m = m_messages->message(row);
            if (m.phase != ChatMessageModel::Phase::Done && m.sender == ChatMessageModel::Sender::Assistant)
                continue; // a reply still streaming arrives as text, then as a message
            QJsonObject o { { QStringLiteral("role"),
                                m.sender == ChatMessageModel::Sender::User ? QStringLiteral("user") : QStringLiteral("assistant") },
                { QStringLiteral("content"), m.content } };
            if (!m.model.isEmpty())
                o.insert(QStringLiteral("model"), m.model);
            messages.append(o);
        }
        m_feed->shareChat(m_chat->id, m_title.isEmpty() ? tr("Chat") : m_title, currentModel(), messages);
    }
    updateShareButton();
}

void ChatPage::focusInput()
{
    m_input->setFocus(Qt::ShortcutFocusReason);
}

void ChatPage::send()
{
    if (sendMessage(m_input->toPlainText()))
        m_input->clear();
}

bool ChatPage::sendMessage(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || isBusy() || m_opening || currentModel().isEmpty())
        return false;
    m_messages->appendUser(trimmed);
    storeUserMessage(trimmed);
    if (shared())
        m_feed->chatMessage(m_chat->id, { { QStringLiteral("role"), QStringLiteral("user") }, { QStringLiteral("content"), trimmed } });
    startReply();
    return true;
}

void ChatPage::startReply()
{
    rt::llm::ChatRequest request;
    request.model = currentModel();
    request.messages = m_messages->history();
    if (!m_chat->systemPrompt.isEmpty())
        request.messages.prepend(rt::llm::ChatMessage::system(m_chat->systemPrompt));
    request.options = m_chat->options;
    const int row = m_messages->appendAssistant(request.model);
    const quint64 id = m_messages->message(row).id;
    m_view->followEnd();
    const std::shared_ptr<StoredReply> reply = beginStoredReply(id, request.model);

    // Through the pool: a host that has the model, another one when it fails.
    rt::llm::PooledChat *stream = m_pool->chat(request, { request.model });
    const qint64 sharedId = shared() ? m_chat->id : 0;
    if (sharedId > 0)
        m_feed->chatReplyStarted(sharedId, request.model);
    m_stream = stream;
    qCDebug(lcUi) << "chat request" << request.model << request.messages.size() << "messages";
    // The reply is always the last row while it streams; the id guards against a cleared chat.
    const auto rowOf = [this, id]() -> int {
        const int last = m_messages->count() - 1;
        return last >= 0 && m_messages->message(last).id == id ? last : -1;
    };
    connect(stream, &rt::llm::PooledChat::waiting, this, [this, rowOf](qint64) {
        if (const int r = rowOf(); r >= 0 && m_messages->message(r).phase == ChatMessageModel::Phase::Waiting)
            m_messages->setPhase(r, ChatMessageModel::Phase::Loading);
    });
    connect(stream, &rt::llm::PooledChat::retrying, this, [this, rowOf](int attempt, int, const QString &) {
        if (const int r = rowOf(); r >= 0)
            m_messages->setPhase(r, ChatMessageModel::Phase::Retrying, attempt);
    });
    connect(stream, &rt::llm::PooledChat::delta, this, [this, rowOf, sharedId](const QString &content, const QString &thinking) {
        if (const int r = rowOf(); r >= 0)
            m_messages->appendDelta(r, content, thinking);
        if (sharedId > 0 && !content.isEmpty() && m_feed)
            m_feed->chatTokens(sharedId, content);
    });
    connect(stream, &rt::llm::PooledChat::finished, this, [this, rowOf, reply, sharedId](const rt::llm::ChatResult &result) {
        if (reply) {
            reply->completion = rt::llm::toCompletion(result);
            finishStoredReply(reply);
        }
        const int row = rowOf();
        onFinished(row, result);
        if (sharedId > 0 && m_feed && row >= 0) {
            const ChatMessageModel::Message &m = m_messages->message(row);
            m_feed->chatMessage(sharedId,
                { { QStringLiteral("role"), QStringLiteral("assistant") }, { QStringLiteral("content"), m.content },
                    { QStringLiteral("model"), m.model }, { QStringLiteral("error"), m.error } });
        }
    });
    updateControls();
}

void ChatPage::onFinished(int row, const rt::llm::ChatResult &result)
{
    m_stream = nullptr;
    m_reply.reset();
    m_checkpointTimer.stop();
    if (row >= 0)
        m_messages->finish(row, result);
    updateControls();
    if (!result.ok() && result.status != rt::llm::ChatStatus::Cancelled) {
        qCWarning(lcUi).noquote() << result.correlationId << result.error.message;
        if (result.error.code == rt::llm::ErrorCode::Unreachable || result.error.code == rt::llm::ErrorCode::ConnectTimeout)
            emit connectionLost();
        if (result.error.code == rt::llm::ErrorCode::ModelNotFound && row >= 0) {
            const QString model = m_messages->message(row).model;
            m_pullHint->setText(
                tr("%1 is not installed on any host. <a href=\"pull:%2\">Pull it</a>").arg(model.toHtmlEscaped(), model.toHtmlEscaped()));
            m_pullHint->show();
        }
    }
}

void ChatPage::stop()
{
    if (m_stream)
        m_stream->cancel();
}

void ChatPage::retry(int row)
{
    if (isBusy() || row != m_messages->count() - 1 || !m_messages->data(m_messages->index(row), ChatMessageModel::CanRetryRole).toBool())
        return;
    forgetStoredReply(row);
    m_messages->removeLast();
    m_pool->recheckModel(currentModel()); // it may have been pulled meanwhile
    startReply();
}

void ChatPage::newChat()
{
    resetChat();
    m_conversations->setOpenId(0);
    setTitle({});
    m_input->clear();
    updatePlaceholder();
    updateControls();
    focusInput();
}

void ChatPage::resetChat()
{
    abandonReply();
    ++m_openRequest; // a conversation still loading is not shown
    m_opening = false;
    m_highlightedMessageId = 0;
    m_preferredModel.clear();
    m_chat = std::make_shared<StoredChat>();
    m_messages->clear();
    m_storageError->hide();
    m_pullHint->hide();
}

qint64 ChatPage::conversationId() const
{
    return m_chat->id;
}

void ChatPage::openConversation(const rt::storage::Conversation &conversation)
{
    if (!storage() || conversation.id <= 0)
        return;
    if (conversation.id == m_chat->id) {
        focusInput();
        return; // already shown (or on its way)
    }
    openConversationFrom(conversation, 0);
}

namespace {
// The newest messages of a conversation, reaching back to `messageId` when it
// is older (page by page, up to MaxMessages); past that, the messages that
// end with it. Runs on the storage thread.
rt::Result<QList<rt::storage::Message>> messagesReaching(rt::storage::StorageContext &c, qint64 conversationId, qint64 messageId)
{
    constexpr int Page = 200;
    constexpr int MaxMessages = 5000;
    auto shown = c.messages().last(conversationId, Page);
    if (!shown || messageId <= 0)
        return shown;
    QList<rt::storage::Message> all = *shown;
    const auto reached = [&] { return !all.isEmpty() && all.first().id <= messageId; };
    while (!reached() && all.size() < MaxMessages) {
        auto older = c.messages().olderThan(conversationId, all.first().id, Page);
        if (!older)
            return older;
        if (older->isEmpty())
            break;
        all = *older + all;
    }
    if (reached())
        return all;
    return c.messages().olderThan(conversationId, messageId + 1, Page);
}
} // namespace

void ChatPage::showMessage(qint64 conversationId, qint64 messageId)
{
    if (!storage() || conversationId <= 0)
        return;
    if (conversationId == m_chat->id && !m_opening && highlightMessage(messageId))
        return;
    const quint64 request = ++m_openRequest;
    rt::whenReady(storage()->conversation(conversationId), this,
        [this, request, messageId](const rt::Result<rt::storage::Conversation> &conversation) {
            if (request != m_openRequest)
                return; // something else was opened meanwhile
            if (!conversation) {
                reportStorageError(tr("The conversation could not be opened: %1").arg(conversation.error().message));
                return;
            }
            openConversationFrom(*conversation, messageId);
        });
}

bool ChatPage::highlightMessage(qint64 messageId)
{
    for (int row = 0; row < m_messages->count(); ++row) {
        if (m_messages->message(row).storedId != messageId)
            continue;
        m_highlightedMessageId = messageId;
        const QModelIndex index = m_messages->index(row, 0);
        m_view->setCurrentIndex(index);
        m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
        // Once laid out (the rows are measured on the next pass), again, so
        // following the end does not pull it away.
        QTimer::singleShot(0, m_view, [view = m_view, index = QPersistentModelIndex(index)] {
            if (index.isValid())
                view->scrollTo(index, QAbstractItemView::PositionAtCenter);
        });
        m_view->setFocus();
        emit messageShown(messageId);
        return true;
    }
    return false;
}

void ChatPage::openConversationFrom(const rt::storage::Conversation &conversation, qint64 highlightId)
{
    resetChat();
    m_chat->id = conversation.id;
    m_chat->title = conversation.title;
    m_chat->model = conversation.model;
    m_chat->systemPrompt = conversation.systemPrompt; // an agent's chat goes on in its role
    m_conversations->setOpenId(conversation.id);
    setTitle(conversation.title);
    m_opening = true;
    m_view->setPlaceholder(conversation.title, tr("Loading the conversation…"));
    updateControls();
    const quint64 request = ++m_openRequest;
    const qint64 conversationId = conversation.id;
    auto loaded = highlightId > 0 ? storage()->read([conversationId, highlightId](rt::storage::StorageContext &c) {
        return messagesReaching(c, conversationId, highlightId);
    })
                                  : storage()->lastMessages(conversation.id);
    rt::whenReady(loaded, this, [this, request, conversation, highlightId](const rt::Result<QList<rt::storage::Message>> &result) {
        if (request != m_openRequest)
            return; // another conversation was opened meanwhile
        m_opening = false;
        if (!result) {
            qCWarning(lcUi).noquote() << "could not open conversation" << conversation.id << result.error().message;
            resetChat();
            m_conversations->setOpenId(0);
            setTitle({});
            reportStorageError(tr("The conversation could not be opened: %1").arg(result.error().message));
            updatePlaceholder();
            updateControls();
            return;
        }
        QList<ChatMessageModel::Message> shown;
        shown.reserve(result->size());
        QString model = conversation.model;
        for (const rt::storage::Message &stored : *result) {
            if (std::optional<ChatMessageModel::Message> m = shownMessage(stored)) {
                if (m->sender == ChatMessageModel::Sender::Assistant && !m->model.isEmpty())
                    model = m->model;
                shown.append(*m);
            }
        }
        m_messages->setMessages(shown);
        // Continue with the model it used, when this host has it.
        m_preferredModel = model;
        selectModel(model);
        if (highlightId <= 0 || !highlightMessage(highlightId))
            m_view->followEnd();
        if (highlightId > 0 && m_highlightedMessageId != highlightId)
            emit messageShown(0);
        updatePlaceholder();
        updateControls();
        emit conversationOpened(conversation.id);
    });
}

void ChatPage::startChatWithAgent(const rt::agents::Agent &agent)
{
    newChat();
    m_chat->systemPrompt = agent.systemPrompt;
    m_chat->agentName = agent.name.trimmed();
    m_chat->options = agent.options;
    // The agent's model (or a fallback) when this host has it; else the one picked.
    for (const QString &wanted : agent.modelsToTry()) {
        if (selectModel(wanted))
            break;
        const QString norm = rt::llm::normalizeModelName(wanted);
        bool found = false;
        for (const rt::llm::ModelInfo &m : std::as_const(m_models)) {
            if (rt::llm::normalizeModelName(m.name) == norm) {
                found = selectModel(m.name);
                break;
            }
        }
        if (found)
            break;
    }
    if (!modelsLoaded() && !agent.model.isEmpty())
        m_preferredModel = agent.model; // picked when the list arrives
    setTitle({});
    updatePlaceholder();
    updateControls();
}

QString ChatPage::agentName() const
{
    return m_chat->agentName;
}

QString ChatPage::systemPrompt() const
{
    return m_chat->systemPrompt;
}

rt::storage::Storage *ChatPage::storage() const
{
    return m_workspace ? m_workspace->storage() : nullptr;
}

void ChatPage::setTitle(const QString &title)
{
    m_title = title;
    const QString shown = !title.isEmpty() ? title
        : m_chat->agentName.isEmpty()      ? tr("New chat")
                                           : tr("Chat with %1").arg(m_chat->agentName);
    m_titleLabel->setText(shown);
    m_titleLabel->setToolTip(shown);
    m_titleLabel->setAccessibleName(shown);
}

void ChatPage::reportStorageError(const QString &message)
{
    qCWarning(lcUi).noquote() << message;
    m_storageError->setText(message);
    m_storageError->show();
}

void ChatPage::withConversation(const std::shared_ptr<StoredChat> &chat, std::function<void(qint64)> fn)
{
    if (chat->id > 0) {
        fn(chat->id);
        return;
    }
    chat->waiting.append(std::move(fn));
    rt::storage::Storage *db = storage();
    if (chat->creating || !db)
        return;
    chat->creating = true;
    rt::storage::Conversation conversation;
    conversation.title = chat->title;
    conversation.model = chat->model;
    conversation.systemPrompt = chat->systemPrompt;
    rt::whenReady(db->startConversation(conversation), this, [this, chat, conversation](const rt::Result<qint64> &created) mutable {
        chat->creating = false;
        const QList<std::function<void(qint64)>> waiting = std::exchange(chat->waiting, {});
        if (!created) {
            if (chat == m_chat)
                reportStorageError(tr("This conversation is not being saved: %1 The chat goes on; try a new chat later.")
                                       .arg(created.error().message.section(u'\n', 0, 0)));
            return;
        }
        chat->id = *created;
        for (const std::function<void(qint64)> &step : waiting)
            step(chat->id);
        if (chat == m_chat) {
            conversation.id = chat->id;
            conversation.createdAt = conversation.updatedAt = QDateTime::currentDateTimeUtc();
            m_conversations->place(conversation);
            m_conversations->setOpenId(chat->id);
            setTitle(conversation.title);
        }
    });
}

void ChatPage::storeUserMessage(const QString &text)
{
    if (!storage())
        return;
    if (m_chat->id == 0 && m_chat->title.isEmpty()) {
        m_chat->title = m_chat->agentName.isEmpty() ? titleFor(text) : tr("%1: %2").arg(m_chat->agentName, titleFor(text));
        m_chat->model = currentModel();
    }
    withConversation(m_chat, [this, text](qint64 conversationId) {
        rt::storage::Message message;
        message.conversationId = conversationId;
        message.role = rt::storage::MessageRole::User;
        message.content = text;
        rt::whenReady(storage()->appendMessage(message), this, [this, chat = m_chat](const rt::Result<qint64> &id) {
            if (!id && chat == m_chat)
                reportStorageError(tr("Your message was not saved: %1").arg(id.error().message.section(u'\n', 0, 0)));
        });
    });
}

std::shared_ptr<ChatPage::StoredReply> ChatPage::beginStoredReply(quint64 rowId, const QString &model)
{
    if (!storage())
        return {};
    auto reply = std::make_shared<StoredReply>();
    reply->rowId = rowId;
    reply->chat = m_chat;
    m_reply = reply;
    m_lastReply = reply;
    withConversation(m_chat, [this, reply, model](qint64 conversationId) {
        rt::whenReady(storage()->beginAssistantMessage(conversationId, model), this, [this, reply](const rt::Result<qint64> &id) {
            if (!id) {
                reply->failed = true;
                if (reply->chat == m_chat)
                    reportStorageError(tr("The reply is not being saved: %1").arg(id.error().message.section(u'\n', 0, 0)));
                return;
            }
            reply->id = *id;
            if (reply->chat == m_chat) {
                if (const int row = m_messages->rowOfId(reply->rowId); row >= 0)
                    m_messages->setStoredId(row, reply->id);
            }
            if (reply->completion)
                finishStoredReply(reply);
        });
    });
    m_checkpointTimer.start();
    return reply;
}

void ChatPage::checkpoint()
{
    if (!m_stream || !m_reply || m_reply->id <= 0 || m_reply->completion || !storage())
        return;
    storage()->checkpointMessage(m_reply->id, m_stream->content(), m_stream->thinking());
}

void ChatPage::finishStoredReply(const std::shared_ptr<StoredReply> &reply)
{
    if (!reply || reply->id <= 0 || !reply->completion || !storage())
        return; // finished once begun (or never, if begin failed)
    const qint64 id = reply->id;
    rt::whenReady(storage()->finishMessage(id, *reply->completion), this, [this, reply, id](const rt::Status &saved) {
        if (!saved) {
            if (reply->chat == m_chat)
                reportStorageError(tr("The reply was not saved: %1").arg(saved.error().message.section(u'\n', 0, 0)));
            return;
        }
        if (reply->discarded) {
            storage()->write([id](rt::storage::StorageContext &c) { return c.messages().remove(id); });
            return;
        }
        if (reply->chat && reply->chat->id > 0)
            m_conversations->touch(reply->chat->id); // it moves to the top
        emit replyStored(id);
    });
}

void ChatPage::forgetStoredReply(int row)
{
    // A retried reply replaces the failed one, in storage too.
    const ChatMessageModel::Message &m = m_messages->message(row);
    if (m_lastReply && m_lastReply->rowId == m.id) {
        if (m_lastReply->id > 0 && storage()) {
            const qint64 id = m_lastReply->id;
            storage()->write([id](rt::storage::StorageContext &c) { return c.messages().remove(id); });
        } else {
            m_lastReply->discarded = true; // removed once it is begun and finished
        }
        return;
    }
    if (m.storedId > 0 && storage()) {
        const qint64 id = m.storedId;
        storage()->write([id](rt::storage::StorageContext &c) { return c.messages().remove(id); });
    }
}

void ChatPage::abandonReply()
{
    m_checkpointTimer.stop();
    if (!m_stream)
        return;
    // Stored as stopped, with the text that came so far.
    if (m_reply) {
        rt::llm::ChatResult stopped;
        stopped.status = rt::llm::ChatStatus::Cancelled;
        stopped.content = m_stream->content();
        stopped.thinking = m_stream->thinking();
        stopped.error.message = tr("Stopped.");
        m_reply->completion = rt::llm::toCompletion(stopped);
        finishStoredReply(m_reply);
        m_reply.reset();
    }
    m_stream->disconnect(this);
    m_stream->cancel();
    m_stream = nullptr;
}

} // namespace rt::ui
