#include "chatpage.h"

#include "chatinput.h"
#include "chatmessagemodel.h"
#include "chatview.h"
#include "common/appsettings.h"
#include "common/logging.h"
#include "icons.h"
#include "llm/endpointpool.h"
#include "llm/ollamaclient.h"
#include "llm/ollamaerrors.h"
#include "llm/pooledchat.h"
#include "theme.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <utility>

namespace rt::ui {

namespace {
QFrame *makeBar(QWidget *parent, bool borderTop)
{
    auto *bar = new QFrame(parent);
    bar->setObjectName(borderTop ? QStringLiteral("composerBar") : QStringLiteral("headerBar"));
    bar->setStyleSheet(QStringLiteral("QFrame#%1 { background: #ffffff; border: none; %2 }")
                           .arg(bar->objectName(),
                               borderTop ? QStringLiteral("border-top: 1px solid %1;").arg(Theme::css(Theme::Border))
                                         : QStringLiteral("border-bottom: 1px solid %1;").arg(Theme::css(Theme::Border))));
    return bar;
}
} // namespace

ChatPage::ChatPage(rt::llm::EndpointPool *pool, rt::llm::OllamaClient *client, QWidget *parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_client(client)
    , m_messages(new ChatMessageModel(this))
{
    setObjectName(QStringLiteral("chatPage"));

    // Header: title, model picker, new chat.
    QFrame *header = makeBar(this, false);
    auto *title = new QLabel(tr("Chat"), header);
    title->setFont(Theme::scaledFont(font(), 1.3, true));
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
    m_newChatButton = new QPushButton(Icons::newChat(Theme::Text), tr("New Chat"), header);
    m_newChatButton->setObjectName(QStringLiteral("newChatButton"));
    m_newChatButton->setToolTip(tr("Start a new conversation (Ctrl+N)"));
    auto *headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(24, 12, 20, 12);
    headerLayout->setSpacing(8);
    headerLayout->addWidget(title);
    headerLayout->addStretch(1);
    headerLayout->addWidget(modelLabel);
    headerLayout->addWidget(m_modelPicker);
    headerLayout->addWidget(m_refreshButton);
    headerLayout->addSpacing(8);
    headerLayout->addWidget(m_newChatButton);

    // Messages.
    m_view = new ChatView(this);
    m_view->setObjectName(QStringLiteral("messageView"));
    m_view->setModel(m_messages);
    m_view->setAccessibleName(tr("Messages"));

    // Composer: the input in a rounded box with Send/Stop, a hint under it.
    QFrame *composer = makeBar(this, true);
    auto *inputBox = new QFrame(composer);
    inputBox->setObjectName(QStringLiteral("inputBox"));
    inputBox->setStyleSheet(QStringLiteral("QFrame#inputBox { background: #ffffff; border: 1px solid %1; border-radius: 10px; }")
                                .arg(Theme::css(Theme::Border)));
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

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(m_view, 1);
    layout->addWidget(composer);

    connect(m_input, &ChatInput::submitted, this, &ChatPage::send);
    connect(m_input, &QPlainTextEdit::textChanged, this, &ChatPage::updateControls);
    connect(m_sendButton, &QPushButton::clicked, this, &ChatPage::send);
    connect(m_stopButton, &QPushButton::clicked, this, &ChatPage::stop);
    connect(m_newChatButton, &QPushButton::clicked, this, &ChatPage::newChat);
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

    updatePlaceholder();
    updateControls();
    setFocusProxy(m_input);
}

ChatPage::~ChatPage()
{
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->cancel();
    }
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

    // Keep the current choice, else the one used last time, else the first.
    int index = previous.isEmpty() ? -1 : m_modelPicker->findData(previous);
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
    m_sendButton->setEnabled(!busy && haveModel && !m_input->toPlainText().trimmed().isEmpty());
    m_modelPicker->setEnabled(!m_models.isEmpty());
    m_refreshButton->setEnabled(m_modelsState != ModelsState::Loading);
    m_input->setPlaceholderText(haveModel ? tr("Message %1…").arg(currentModel()) : tr("Pick a model to start"));
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
    if (trimmed.isEmpty() || isBusy() || currentModel().isEmpty())
        return false;
    m_messages->appendUser(trimmed);
    startReply();
    return true;
}

void ChatPage::startReply()
{
    rt::llm::ChatRequest request;
    request.model = currentModel();
    request.messages = m_messages->history();
    const int row = m_messages->appendAssistant(request.model);
    const quint64 id = m_messages->message(row).id;
    m_view->followEnd();

    // Through the pool: a host that has the model, another one when it fails.
    rt::llm::PooledChat *stream = m_pool->chat(request, { request.model });
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
    connect(stream, &rt::llm::PooledChat::delta, this, [this, rowOf](const QString &content, const QString &thinking) {
        if (const int r = rowOf(); r >= 0)
            m_messages->appendDelta(r, content, thinking);
    });
    connect(
        stream, &rt::llm::PooledChat::finished, this, [this, rowOf](const rt::llm::ChatResult &result) { onFinished(rowOf(), result); });
    updateControls();
}

void ChatPage::onFinished(int row, const rt::llm::ChatResult &result)
{
    m_stream = nullptr;
    if (row >= 0)
        m_messages->finish(row, result);
    updateControls();
    if (!result.ok() && result.status != rt::llm::ChatStatus::Cancelled) {
        qCWarning(lcUi).noquote() << result.correlationId << result.error.message;
        if (result.error.code == rt::llm::ErrorCode::Unreachable || result.error.code == rt::llm::ErrorCode::ConnectTimeout)
            emit connectionLost();
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
    m_messages->removeLast();
    m_pool->recheckModel(currentModel()); // it may have been pulled meanwhile
    startReply();
}

void ChatPage::newChat()
{
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->cancel();
        m_stream = nullptr;
    }
    m_messages->clear();
    m_input->clear();
    updateControls();
    focusInput();
}

} // namespace rt::ui
