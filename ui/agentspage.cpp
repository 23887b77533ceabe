#include "agentspage.h"

#include "agenteditor.h"
#include "agentlistmodel.h"
#include "agents/agentio.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "llm/modelcatalog.h"
#include "theme.h"
#include "workspace.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace rt::ui {

using rt::agents::Agent;
using rt::agents::AgentRegistry;

namespace {
// Larger files are not agent files; refuse them before reading.
constexpr qint64 MaxImportBytes = 16 * 1024 * 1024;

// Colours for new agents, in turn (readable on light and dark surfaces).
const QStringList &newAgentColours()
{
    static const QStringList colours { QStringLiteral("#1E88E5"), QStringLiteral("#43A047"), QStringLiteral("#8E24AA"),
        QStringLiteral("#F4511E"), QStringLiteral("#00897B"), QStringLiteral("#C0CA33"), QStringLiteral("#6D4C41"),
        QStringLiteral("#D81B60") };
    return colours;
}

// Keeps a lambda's guard flag set for one scope.
class FlagGuard {
public:
    explicit FlagGuard(bool &flag)
        : m_flag(flag)
        , m_was(std::exchange(flag, true))
    {
    }
    ~FlagGuard() { m_flag = m_was; }
    FlagGuard(const FlagGuard &) = delete;
    FlagGuard &operator=(const FlagGuard &) = delete;

private:
    bool &m_flag;
    bool m_was;
};
} // namespace

AgentsPage::AgentsPage(Workspace *workspace, rt::llm::ModelCatalog *catalog, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_catalog(catalog)
    , m_model(new AgentListModel(this))
    , m_filter(new AgentFilterModel(this))
{
    setObjectName(QStringLiteral("agentsPage"));
    m_filter->setSourceModel(m_model);

    // The list, at the left.
    auto *left = new QFrame(this);
    left->setObjectName(QStringLiteral("agentListPanel"));
    left->setFixedWidth(300);
    Theme::style(left, QStringLiteral("QFrame#agentListPanel { background: {Surface}; border: none; border-right: 1px solid {Border}; }"));
    auto *title = new QLabel(tr("Agents"), left);
    title->setFont(Theme::scaledFont(font(), 1.3, true));
    m_count = new QLabel(left);
    m_count->setObjectName(QStringLiteral("agentCount"));
    Theme::style(m_count, QStringLiteral("color: {MutedText};"));
    m_search = new QLineEdit(left);
    m_search->setObjectName(QStringLiteral("agentSearch"));
    m_search->setAccessibleName(tr("Search agents"));
    m_search->setPlaceholderText(tr("Search name, role, model… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_view = new QListView(left);
    m_view->setObjectName(QStringLiteral("agentList"));
    m_view->setAccessibleName(tr("Agents"));
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new AgentDelegate(m_view));
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setMouseTracking(true);
    m_view->setUniformItemSizes(true);
    m_view->setStyleSheet(QStringLiteral("QListView { background: transparent; outline: none; }"));
    m_listEmpty = new QLabel(left);
    m_listEmpty->setObjectName(QStringLiteral("agentListEmpty"));
    m_listEmpty->setAlignment(Qt::AlignCenter);
    m_listEmpty->setWordWrap(true);
    Theme::style(m_listEmpty, QStringLiteral("color: {MutedText}; padding: 16px;"));
    m_listEmpty->hide();

    // Shown for a while after a delete or a reset; Undo takes it back.
    m_undoBar = new QFrame(left);
    m_undoBar->setObjectName(QStringLiteral("agentUndoBar"));
    Theme::style(m_undoBar, QStringLiteral("QFrame#agentUndoBar { background: {Text}; border-radius: 7px; } QLabel { color: {Window}; }"));
    m_undoText = new QLabel(m_undoBar);
    m_undoText->setObjectName(QStringLiteral("agentUndoText"));
    m_undoText->setWordWrap(true);
    m_undoButton = new QPushButton(tr("Undo"), m_undoBar);
    m_undoButton->setObjectName(QStringLiteral("agentUndoButton"));
    m_undoButton->setAccessibleName(tr("Undo"));
    auto *undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(12, 6, 6, 6);
    undoLayout->setSpacing(8);
    undoLayout->addWidget(m_undoText, 1);
    undoLayout->addWidget(m_undoButton);
    m_undoBar->hide();
    m_undoTimer.setSingleShot(true);
    m_undoTimer.setInterval(10'000);

    m_newButton = new QPushButton(tr("New Agent"), left);
    m_newButton->setObjectName(QStringLiteral("newAgentButton"));
    m_newButton->setToolTip(tr("Create an agent with a role prompt of your own"));
    m_importButton = new QPushButton(tr("Import…"), left);
    m_importButton->setObjectName(QStringLiteral("importAgentsButton"));
    m_importButton->setToolTip(tr("Add agents from a JSON file (all or nothing)"));
    m_exportAllButton = new QPushButton(tr("Export All…"), left);
    m_exportAllButton->setObjectName(QStringLiteral("exportAllAgentsButton"));
    m_exportAllButton->setToolTip(tr("Save every agent to a JSON file"));

    m_newButton->setProperty("primary", true);
    auto *heading = new QHBoxLayout;
    heading->addWidget(title);
    heading->addStretch(1);
    heading->addWidget(m_newButton);
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(6);
    buttons->addWidget(m_count, 1);
    buttons->addWidget(m_importButton);
    buttons->addWidget(m_exportAllButton);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(12, 16, 12, 12);
    leftLayout->setSpacing(8);
    leftLayout->addLayout(heading);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_view, 1);
    leftLayout->addWidget(m_listEmpty, 1);
    leftLayout->addWidget(m_undoBar);
    leftLayout->addLayout(buttons);
    // 300 px, or what the buttons below the list need in this language (with
    // room for the count of a long list), whichever is wider.
    const QMargins margins = leftLayout->contentsMargins();
    const int footer = margins.left() + margins.right() + m_count->fontMetrics().horizontalAdvance(tr("%n agent(s)", nullptr, 99))
        + m_importButton->sizeHint().width() + m_exportAllButton->sizeHint().width() + 3 * buttons->spacing();
    left->setFixedWidth(std::max(300, footer));

    // What an import, export or write did, above the editor.
    m_messageBar = new QFrame(this);
    m_messageBar->setObjectName(QStringLiteral("agentMessageBar"));
    m_message = new QLabel(m_messageBar);
    m_message->setObjectName(QStringLiteral("agentMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_messageAction = new QPushButton(m_messageBar);
    m_messageAction->setObjectName(QStringLiteral("agentMessageAction"));
    m_messageAction->hide();
    m_messageClose = new QToolButton(m_messageBar);
    m_messageClose->setObjectName(QStringLiteral("agentMessageClose"));
    m_messageClose->setText(QStringLiteral("✕"));
    m_messageClose->setAutoRaise(true);
    m_messageClose->setToolTip(tr("Dismiss"));
    m_messageClose->setAccessibleName(tr("Dismiss"));
    auto *messageLayout = new QHBoxLayout(m_messageBar);
    messageLayout->setContentsMargins(24, 8, 12, 8);
    messageLayout->setSpacing(8);
    messageLayout->addWidget(m_message, 1);
    messageLayout->addWidget(m_messageAction);
    messageLayout->addWidget(m_messageClose);
    m_messageBar->hide();

    m_editor = new AgentEditor(this);
    m_placeholder = new QLabel(tr("Loading the agents…"), this);
    m_placeholder->setObjectName(QStringLiteral("agentPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    Theme::style(m_placeholder, QStringLiteral("color: {MutedText}; background: {ChatBackground};"));
    m_right = new QStackedWidget(this);
    m_right->addWidget(m_placeholder);
    m_right->addWidget(m_editor);

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_messageBar);
    column->addWidget(m_right, 1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(left);
    layout->addLayout(column, 1);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setSearchText(text);
        updateEmptyState();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AgentsPage::onCurrentRowChanged);
    connect(m_newButton, &QPushButton::clicked, this, &AgentsPage::newAgent);
    connect(m_importButton, &QPushButton::clicked, this, &AgentsPage::importAgents);
    connect(m_exportAllButton, &QPushButton::clicked, this, &AgentsPage::exportAll);
    connect(m_undoButton, &QPushButton::clicked, this, &AgentsPage::undo);
    connect(&m_undoTimer, &QTimer::timeout, this, [this] {
        if (m_undoKind == UndoKind::Delete)
            commitDelete();
        else
            clearUndo();
    });
    connect(m_messageClose, &QToolButton::clicked, this, &AgentsPage::hideMessage);
    connect(m_messageAction, &QPushButton::clicked, this, [this] {
        const std::function<void()> action = std::exchange(m_messageCallback, {});
        hideMessage();
        if (action)
            action();
    });
    connect(m_editor, &AgentEditor::saveRequested, this, &AgentsPage::save);
    connect(m_editor, &AgentEditor::tryRequested, this, &AgentsPage::tryCurrent);
    connect(m_editor, &AgentEditor::duplicateRequested, this, &AgentsPage::duplicateCurrent);
    connect(m_editor, &AgentEditor::resetRequested, this, &AgentsPage::resetCurrent);
    connect(m_editor, &AgentEditor::deleteRequested, this, &AgentsPage::deleteCurrent);
    connect(m_editor, &AgentEditor::exportRequested, this, &AgentsPage::exportCurrent);

    // Keys, wherever the focus is on the page.
    auto addShortcut = [this](const QString &text, const QKeySequence &keys, auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    addShortcut(tr("Save Agent"), QKeySequence::Save, [this] { save(); });
    addShortcut(tr("Search Agents"), QKeySequence::Find, &AgentsPage::focusSearch);
    addShortcut(tr("Duplicate Agent"), QKeySequence(Qt::CTRL | Qt::Key_D), &AgentsPage::duplicateCurrent);
    auto *remove = new QAction(tr("Delete Agent"), m_view);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetShortcut);
    connect(remove, &QAction::triggered, this, &AgentsPage::deleteCurrent);
    m_view->addAction(remove);

    if (m_catalog) {
        connect(m_catalog, &rt::llm::ModelCatalog::modelsChanged, this, &AgentsPage::updateModelNames);
        updateModelNames();
    }
    if (m_workspace && m_workspace->isReady())
        attach();
    else if (m_workspace)
        connect(m_workspace, &Workspace::ready, this, &AgentsPage::attach);
    updateCount();
    updateEmptyState();
}

AgentsPage::~AgentsPage() = default;

void AgentsPage::attach()
{
    if (m_registry || !m_workspace || !m_workspace->agents())
        return;
    m_registry = m_workspace->agents();
    m_editor->setRegistry(m_registry);
    connect(m_registry, &AgentRegistry::agentsReset, this, [this] {
        const bool first = !m_loaded;
        m_loaded = true;
        onAgentsChanged();
        if (first)
            emit loaded();
    });
    connect(m_registry, &AgentRegistry::agentAdded, this, &AgentsPage::onAgentsChanged);
    connect(m_registry, &AgentRegistry::agentChanged, this, &AgentsPage::onAgentsChanged);
    connect(m_registry, &AgentRegistry::agentRemoved, this, &AgentsPage::onAgentsChanged);
    updateModelNames();
    if (m_registry->count() > 0) { // loaded before this page listened
        m_loaded = true;
        onAgentsChanged();
        emit loaded();
    }
}

void AgentsPage::onAgentsChanged()
{
    if (!m_registry)
        return;
    {
        FlagGuard guard(m_changingSelection);
        m_model->sync(m_registry->agents());
    }
    const qint64 shown = m_editor->agentId();
    if (shown != 0) {
        if (const std::optional<Agent> fresh = m_registry->agent(shown); !fresh)
            showAgent(0); // deleted elsewhere
        else if (!(*fresh == m_editor->original()))
            m_editor->rebase(*fresh); // saved, or changed elsewhere: edits stay
    }
    if (m_editor->agentId() == 0 && m_loaded && m_filter->rowCount() > 0)
        showAgent(m_filter->index(0, 0).data(AgentListModel::IdRole).toLongLong());
    selectRowOf(m_editor->agentId());
    updateCount();
    updateEmptyState();
}

void AgentsPage::showAgent(qint64 id)
{
    const std::optional<Agent> agent = (m_registry && id != 0) ? m_registry->agent(id) : std::nullopt;
    if (!agent) {
        m_editor->setAgent(Agent {});
        m_right->setCurrentWidget(m_placeholder);
        updateEmptyState();
        return;
    }
    m_editor->setAgent(*agent);
    m_right->setCurrentWidget(m_editor);
}

qint64 AgentsPage::currentId() const
{
    return m_editor->agentId();
}

void AgentsPage::selectRowOf(qint64 id)
{
    FlagGuard guard(m_changingSelection);
    const int sourceRow = m_model->rowOf(id);
    const QModelIndex index = sourceRow >= 0 ? m_filter->mapFromSource(m_model->index(sourceRow)) : QModelIndex();
    if (!index.isValid()) {
        m_view->selectionModel()->clearSelection();
        m_view->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
        return;
    }
    if (m_view->currentIndex() != index)
        m_view->setCurrentIndex(index);
    else if (!m_view->selectionModel()->isSelected(index))
        m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(index);
}

void AgentsPage::onCurrentRowChanged(const QModelIndex &current, const QModelIndex &)
{
    if (m_changingSelection)
        return;
    const qint64 id = current.isValid() ? current.data(AgentListModel::IdRole).toLongLong() : 0;
    if (id == m_editor->agentId())
        return;
    if (id == 0) {
        // Filtered away by the search: the editor stays where it is.
        return;
    }
    if (!saveBeforeLeaving()) {
        // Back to the agent whose changes need fixing, once this change is over.
        QMetaObject::invokeMethod(
            this, [this] { selectRowOf(m_editor->agentId()); }, Qt::QueuedConnection);
        return;
    }
    showAgent(id);
}

bool AgentsPage::selectAgent(qint64 id)
{
    if (!m_registry || !m_registry->agent(id) || m_filter->isHidden(id))
        return false;
    if (id != m_editor->agentId()) {
        if (!saveBeforeLeaving())
            return false;
        showAgent(id);
    }
    if (m_filter->mapFromSource(m_model->index(m_model->rowOf(id))).isValid() == false && !m_search->text().isEmpty())
        m_search->clear(); // not in the search's results: show it anyway
    selectRowOf(id);
    return true;
}

bool AgentsPage::selectAgentByName(const QString &name)
{
    if (!m_registry)
        return false;
    const std::optional<Agent> agent = m_registry->findByName(name);
    return agent && selectAgent(agent->id);
}

void AgentsPage::selectNeighbourOf(qint64 id)
{
    const int sourceRow = m_model->rowOf(id);
    const QModelIndex index = sourceRow >= 0 ? m_filter->mapFromSource(m_model->index(sourceRow)) : QModelIndex();
    qint64 next = 0;
    if (index.isValid()) {
        for (const int row : { index.row() + 1, index.row() - 1 }) {
            if (row >= 0 && row < m_filter->rowCount()) {
                next = m_filter->index(row, 0).data(AgentListModel::IdRole).toLongLong();
                break;
            }
        }
    }
    showAgent(next);
    selectRowOf(next);
}

bool AgentsPage::saveBeforeLeaving()
{
    if (!m_editor->isDirty())
        return true;
    if (save())
        return true;
    showMessage(tr("“%1” has changes that cannot be saved yet: fix what is marked, or press Revert.").arg(m_editor->original().name), true);
    return false;
}

bool AgentsPage::save()
{
    if (!m_registry || !m_editor->hasAgent() || !m_editor->isDirty())
        return true;
    if (!m_editor->revalidate().ok())
        return false; // the registry's messages are under their fields
    const Agent sent = m_editor->agent();
    if (m_pendingSaves > 0 && sent == m_lastSent)
        return true; // on its way already
    m_lastSent = sent;
    m_editor->setSaveState(AgentEditor::SaveState::Saving);
    ++m_pendingSaves;
    rt::whenReady(m_registry->update(sent), this, [this, sent](const rt::Result<Agent> &saved) {
        --m_pendingSaves;
        const bool shown = m_editor->agentId() == sent.id;
        if (!saved) {
            const QString message = saved.error().message;
            qCWarning(lcUi).noquote() << "agent" << sent.id << "not saved:" << message;
            if (shown)
                m_editor->setSaveState(AgentEditor::SaveState::Failed, message);
            else
                showMessage(tr("Changes to “%1” were not saved: %2").arg(sent.name, message), true);
            emit saveFinished(sent.id, message);
            return;
        }
        if (shown) {
            m_editor->rebase(*saved);
            // Nothing typed since: show it as stored (names trimmed and so on).
            if (m_editor->agent() == sent)
                m_editor->setAgent(*saved);
            m_editor->setSaveState(AgentEditor::SaveState::Saved);
        }
        emit saveFinished(sent.id, QString());
    });
    return true;
}

void AgentsPage::newAgent()
{
    if (!m_registry || !saveBeforeLeaving())
        return;
    hideMessage();
    Agent agent;
    agent.name = m_registry->uniqueName(tr("New Agent"));
    agent.role = QStringLiteral("custom");
    agent.colour = newAgentColours().at(int(m_registry->count() % newAgentColours().size()));
    rt::whenReady(m_registry->add(agent), this, [this](const rt::Result<Agent> &added) { showCreated(added); });
}

void AgentsPage::showCreated(const rt::Result<Agent> &created)
{
    if (!created) {
        showMessage(created.error().message, true);
        emit changeFinished(0, created.error().message);
        return;
    }
    // Ready to be named.
    if (selectAgent(created->id)) {
        m_editor->nameEdit()->setFocus(Qt::OtherFocusReason);
        m_editor->nameEdit()->selectAll();
    }
    emit changeFinished(created->id, QString());
}

void AgentsPage::duplicateCurrent()
{
    if (!m_registry || !m_editor->hasAgent())
        return;
    if (m_editor->isDirty() && !save())
        return; // the copy would miss changes that cannot be saved
    hideMessage();
    // Queued after the save: the copy has the changes.
    rt::whenReady(m_registry->duplicate(m_editor->agentId()), this, [this](const rt::Result<Agent> &copy) { showCreated(copy); });
}

void AgentsPage::deleteCurrent()
{
    if (!m_registry || !m_editor->hasAgent())
        return;
    const Agent agent = m_editor->original();
    if (agent.builtin) {
        // The registry says why not, in its words.
        rt::whenReady(m_registry->remove(agent.id), this, [this](const rt::Status &removed) {
            if (!removed)
                showMessage(removed.error().message, true);
        });
        return;
    }
    hideMessage();
    commitDelete(); // only one delete waits for Undo
    selectNeighbourOf(agent.id); // the deleted agent's unsaved edits go with it
    m_filter->setHidden(agent.id, true);
    startUndo(UndoKind::Delete, agent, tr("“%1” deleted.").arg(agent.name));
    updateCount();
    updateEmptyState();
}

void AgentsPage::resetCurrent()
{
    if (!m_registry || !m_editor->hasAgent())
        return;
    hideMessage();
    const Agent before = m_editor->original();
    rt::whenReady(m_registry->resetToDefault(before.id), this, [this, before](const rt::Result<Agent> &reset) {
        if (!reset) {
            showMessage(reset.error().message, true);
            emit changeFinished(before.id, reset.error().message);
            return;
        }
        if (m_editor->agentId() == before.id)
            m_editor->setAgent(*reset); // edits made before the reset go too
        if (!(before == *reset))
            startUndo(UndoKind::Reset, before, tr("“%1” reset to its default.").arg(reset->name));
        emit changeFinished(before.id, QString());
    });
}

void AgentsPage::startUndo(UndoKind kind, const Agent &agent, const QString &text)
{
    if (m_undoKind == UndoKind::Delete && !(kind == UndoKind::Delete && m_undoAgent.id == agent.id))
        commitDelete();
    m_undoKind = kind;
    m_undoAgent = agent;
    m_undoText->setText(text);
    m_undoText->setToolTip(agent.name);
    m_undoButton->setToolTip(
        kind == UndoKind::Delete ? tr("Bring “%1” back").arg(agent.name) : tr("Put “%1” back as it was before the reset").arg(agent.name));
    m_undoBar->show();
    m_undoTimer.start();
}

void AgentsPage::clearUndo()
{
    m_undoKind = UndoKind::None;
    m_undoAgent = {};
    m_undoTimer.stop();
    m_undoBar->hide();
}

std::optional<qint64> AgentsPage::pendingDelete() const
{
    return m_undoKind == UndoKind::Delete ? std::optional<qint64>(m_undoAgent.id) : std::nullopt;
}

void AgentsPage::undo()
{
    const UndoKind kind = m_undoKind;
    const Agent agent = m_undoAgent;
    clearUndo();
    if (kind == UndoKind::Delete) {
        m_filter->setHidden(agent.id, false);
        updateCount();
        selectAgent(agent.id);
        emit changeFinished(agent.id, QString());
    } else if (kind == UndoKind::Reset && m_registry) {
        rt::whenReady(m_registry->update(agent), this, [this, agent](const rt::Result<Agent> &restored) {
            if (!restored)
                showMessage(tr("“%1” could not be put back: %2").arg(agent.name, restored.error().message), true);
            else if (m_editor->agentId() == agent.id && !m_editor->isDirty())
                m_editor->setAgent(*restored);
            emit changeFinished(agent.id, restored ? QString() : restored.error().message);
        });
    }
}

void AgentsPage::commitDelete()
{
    if (m_undoKind != UndoKind::Delete)
        return;
    const Agent agent = m_undoAgent;
    clearUndo();
    if (!m_registry)
        return;
    rt::whenReady(m_registry->remove(agent.id), this, [this, agent](const rt::Status &removed) {
        m_filter->setHidden(agent.id, false); // gone from the list, or back if the delete failed
        if (!removed)
            showMessage(tr("“%1” was not deleted: %2").arg(agent.name, removed.error().message), true);
        updateCount();
        updateEmptyState();
        emit deleteCommitted(agent.id, removed.ok());
    });
}

void AgentsPage::tryCurrent()
{
    if (!m_editor->hasAgent())
        return;
    if (m_editor->isDirty() && !save())
        return; // the messages say what to fix
    emit tryRequested(m_editor->agent());
}

void AgentsPage::importAgents()
{
    if (m_openFileHook) {
        const QString path = m_openFileHook();
        if (!path.isEmpty())
            importFile(path);
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Import Agents"), QDir::homePath(), tr("Agent files (*.json);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) { importFile(path); });
    dialog->open();
}

void AgentsPage::importFile(const QString &path, AgentRegistry::ImportPolicy policy)
{
    if (!m_registry)
        return;
    hideMessage();
    const QString shownPath = QDir::toNativeSeparators(path);
    QFile file(path);
    QString problem;
    QByteArray data;
    if (!file.open(QIODevice::ReadOnly))
        problem = tr("Cannot read %1: %2.").arg(shownPath, file.errorString());
    else if (file.size() > MaxImportBytes)
        problem = tr("%1 is too large to be an agent file (%2 MB).").arg(shownPath).arg(file.size() / (1024 * 1024));
    else
        data = file.readAll();
    if (!problem.isEmpty()) {
        showMessage(problem, true);
        emit importFinished(0, problem);
        return;
    }
    rt::whenReady(m_registry->importJson(data, policy), this, [this, path, policy](const rt::Result<QList<Agent>> &imported) {
        if (!imported) {
            const rt::Error &error = imported.error();
            if (error.code == u"duplicate_name" && policy == AgentRegistry::ImportPolicy::FailOnConflict)
                showMessage(error.message, true, tr("Import with New Names"),
                    [this, path] { importFile(path, AgentRegistry::ImportPolicy::Rename); });
            else
                showMessage(error.message, true);
            emit importFinished(0, error.message);
            return;
        }
        QStringList names;
        for (const Agent &a : imported.value())
            names.append(a.name);
        const int count = int(names.size());
        showMessage(tr("Imported %n agent(s): %1.", nullptr, count).arg(names.join(tr(", "))), false);
        if (count > 0)
            selectAgent(imported->first().id);
        emit importFinished(count, QString());
    });
}

QString AgentsPage::suggestedFileName(const QList<qint64> &ids) const
{
    if (ids.size() == 1 && m_registry) {
        if (const std::optional<Agent> agent = m_registry->agent(ids.first())) {
            QString base = agent->name.toLower();
            base.replace(QRegularExpression(QStringLiteral("[^\\w\\-]+")), QStringLiteral("-"));
            return QStringLiteral("%1.json").arg(base.isEmpty() ? QStringLiteral("agent") : base);
        }
    }
    return QStringLiteral("agents.json");
}

void AgentsPage::exportAll()
{
    if (!m_registry)
        return;
    QList<qint64> ids;
    for (int row = 0; row < m_model->count(); ++row) {
        if (!m_filter->isHidden(m_model->agent(row).id))
            ids.append(m_model->agent(row).id);
    }
    const QString suggested = suggestedFileName(ids);
    if (m_saveFileHook) {
        const QString path = m_saveFileHook(suggested);
        if (!path.isEmpty())
            exportToFile(path, ids);
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Export Agents"), QDir::home().filePath(suggested), tr("Agent files (*.json)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, ids](const QString &path) { exportToFile(path, ids); });
    dialog->open();
}

void AgentsPage::exportCurrent()
{
    if (!m_registry || !m_editor->hasAgent())
        return;
    const QList<qint64> ids { m_editor->agentId() };
    const QString suggested = suggestedFileName(ids);
    if (m_saveFileHook) {
        const QString path = m_saveFileHook(suggested);
        if (!path.isEmpty())
            exportToFile(path, ids);
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Export Agent"), QDir::home().filePath(suggested), tr("Agent files (*.json)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, ids](const QString &path) { exportToFile(path, ids); });
    dialog->open();
}

void AgentsPage::exportToFile(const QString &path, const QList<qint64> &ids)
{
    if (!m_registry)
        return;
    hideMessage();
    // What is shown: the editor's changes, when they can be saved, go with it.
    QList<Agent> agents;
    for (const qint64 id : ids) {
        if (id == m_editor->agentId() && m_editor->isDirty() && m_editor->report().ok())
            agents.append(m_editor->agent());
        else if (const std::optional<Agent> agent = m_registry->agent(id))
            agents.append(*agent);
    }
    const QByteArray data = rt::agents::agentsToJson(agents);
    const QString shownPath = QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath());
    QSaveFile file(path);
    QString problem;
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
        problem = tr("Cannot write %1: %2.").arg(shownPath, file.errorString());
    if (!problem.isEmpty()) {
        showMessage(problem, true);
        emit exportFinished(path, problem);
        return;
    }
    showMessage(tr("Exported %n agent(s) to %1.", nullptr, int(agents.size())).arg(shownPath), false);
    emit exportFinished(path, QString());
}

void AgentsPage::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void AgentsPage::showMessage(const QString &text, bool error, const QString &actionText, std::function<void()> action)
{
    Theme::style(m_messageBar,
        error ? QStringLiteral(
            "QFrame#agentMessageBar { background: {ErrorBackground}; border: none; border-bottom: 1px solid {ErrorBorder}; } "
            "QLabel { color: {ErrorText}; }")
              : QStringLiteral("QFrame#agentMessageBar { background: {SurfaceHover}; border: none; border-bottom: 1px solid {Border}; } "
                               "QLabel { color: {Text}; }"));
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_messageCallback = std::move(action);
    m_messageAction->setText(actionText);
    m_messageAction->setVisible(!actionText.isEmpty() && m_messageCallback);
    m_messageBar->show();
}

void AgentsPage::hideMessage()
{
    m_messageCallback = {};
    m_messageBar->hide();
    m_message->clear();
}

void AgentsPage::updateModelNames()
{
    if (!m_catalog)
        return;
    const QList<rt::llm::ModelInfo> models = m_catalog->models();
    QStringList names;
    QSet<QString> seen;
    for (const rt::llm::ModelInfo &model : models) {
        if (!seen.contains(model.name)) {
            seen.insert(model.name);
            names.append(model.name);
        }
    }
    names.sort(Qt::CaseInsensitive);
    m_editor->setModelNames(names);
    // The registry warns about models no host has, once some host was listed.
    if (m_registry && m_catalog->hasAnyList()) {
        m_registry->setKnownModels(models);
        m_editor->revalidate();
    }
}

void AgentsPage::updateCount()
{
    int shown = 0;
    for (int row = 0; row < m_model->count(); ++row) {
        if (!m_filter->isHidden(m_model->agent(row).id))
            ++shown;
    }
    m_count->setText(m_loaded ? tr("%n agent(s)", nullptr, shown) : QString());
}

void AgentsPage::updateEmptyState()
{
    const bool empty = m_filter->rowCount() == 0;
    if (!m_loaded)
        m_listEmpty->setText(m_workspace ? tr("Loading the agents…") : tr("No database: agents are not available."));
    else if (!m_search->text().trimmed().isEmpty())
        m_listEmpty->setText(tr("No agent matches “%1”.").arg(m_search->text().trimmed()));
    else
        m_listEmpty->setText(tr("No agents yet. Create one with New Agent or import a file."));
    m_listEmpty->setVisible(empty);
    m_view->setVisible(!empty);
    if (m_right->currentWidget() == m_placeholder)
        m_placeholder->setText(m_loaded ? tr("Select an agent to see and edit it.") : m_listEmpty->text());
}

void AgentsPage::hideEvent(QHideEvent *event)
{
    // Leaving the page (or closing the window) saves valid changes and
    // writes a pending delete, while the database is surely there.
    // Minimising (spontaneous) does neither.
    if (!event->spontaneous()) {
        if (m_editor->isDirty() && m_editor->report().ok())
            save();
        commitDelete();
    }
    QWidget::hideEvent(event);
}

} // namespace rt::ui
