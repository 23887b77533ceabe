#pragma once

#include "agents/agent.h"
#include "agents/agentregistry.h"

#include <QFrame>
#include <QIcon>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <optional>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStackedWidget;
class QToolButton;

namespace rt::llm {
class ModelCatalog;
}

namespace rt::ui {

class AgentEditor;
class AgentFilterModel;
class AgentListModel;
class Workspace;

// The agents the user can seat at a table: a searchable list at the left
// (avatar, colour, name, role, model; built-ins marked) and the editor of the
// selected one at the right.
//
// Saving: an explicit Save (Ctrl+S), enabled only when there are valid
// changes, plus auto-save when leaving the agent (selecting another one,
// duplicating, trying it, leaving the page). Changes that do not pass the
// registry's checks are never written; its messages are shown under their
// fields, and leaving such an agent for another one is refused until they are
// fixed or reverted. Writes go through AgentRegistry, whose store is
// asynchronous; nothing here waits for the database. A failed write is said
// in the editor when it is still open on that agent, else in the page's
// message bar.
//
// Delete and reset to default offer Undo for ~10 s; a delete is written when
// the bar expires, when another undoable action starts, or when the page is
// left. Import is all or nothing (the registry's message is shown on failure;
// a name conflict offers importing with new names), export writes the JSON of
// `roundtable agents export`.
class AgentsPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AgentsPage)
public:
    AgentsPage(Workspace *workspace, rt::llm::ModelCatalog *catalog, QWidget *parent = nullptr);
    ~AgentsPage() override;

    // The registry is there and its agents are loaded.
    bool isLoaded() const { return m_loaded; }
    rt::agents::AgentRegistry *registry() const { return m_registry; }

    AgentListModel *model() const { return m_model; }
    AgentFilterModel *filterModel() const { return m_filter; }
    QListView *view() const { return m_view; }
    QLineEdit *searchEdit() const { return m_search; }
    AgentEditor *editor() const { return m_editor; }
    QPushButton *newButton() const { return m_newButton; }
    QPushButton *importButton() const { return m_importButton; }
    QPushButton *exportAllButton() const { return m_exportAllButton; }
    QWidget *undoBar() const { return m_undoBar; }
    QLabel *undoText() const { return m_undoText; }
    QPushButton *undoButton() const { return m_undoButton; }
    // The bar above the page: what an import or export did, or why not.
    QWidget *messageBar() const { return m_messageBar; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *messageAction() const { return m_messageAction; }

    // The agent in the editor (0: none).
    qint64 currentId() const;
    // Shows the agent (saving the one shown first). False if it is not
    // listed, or the shown one has changes that cannot be saved.
    bool selectAgent(qint64 id);
    bool selectAgentByName(const QString &name);

    std::optional<qint64> pendingDelete() const;
    int undoTimeoutMs() const { return m_undoTimer.interval(); }
    void setUndoTimeoutMs(int ms) { m_undoTimer.setInterval(ms); }
    // Saves in flight.
    int pendingSaves() const { return m_pendingSaves; }

    // Tests answer instead of the file dialogs: the path to read (import) or
    // to write (export, given a suggested file name); empty cancels.
    void setOpenFileHook(std::function<QString()> hook) { m_openFileHook = std::move(hook); }
    void setSaveFileHook(std::function<QString(const QString &suggested)> hook) { m_saveFileHook = std::move(hook); }

public slots:
    // Saves the editor's changes. False (and nothing written) when they do
    // not pass the registry's checks; the messages are shown inline.
    bool save();
    void newAgent();
    void duplicateCurrent();
    void deleteCurrent();
    void resetCurrent();
    void undo();
    // Writes the pending delete now.
    void commitDelete();
    void tryCurrent();
    void importAgents(); // asks for a file
    void importFile(
        const QString &path, rt::agents::AgentRegistry::ImportPolicy policy = rt::agents::AgentRegistry::ImportPolicy::FailOnConflict);
    void exportAll(); // asks for a file
    void exportCurrent();
    void exportToFile(const QString &path, const QList<qint64> &ids);
    void focusSearch();

signals:
    void loaded();
    // "Try this agent": the window opens a chat with it.
    void tryRequested(const rt::agents::Agent &agent);
    // A save finished; error is empty when it was written.
    void saveFinished(qint64 id, const QString &error);
    // New, duplicate, reset or undo of a reset finished (error empty = ok).
    void changeFinished(qint64 id, const QString &error);
    void deleteCommitted(qint64 id, bool ok);
    void importFinished(int count, const QString &error);
    void exportFinished(const QString &path, const QString &error);

protected:
    void hideEvent(QHideEvent *event) override;

private:
    enum class UndoKind { None, Delete, Reset };

    void attach();
    void onAgentsChanged();
    void showAgent(qint64 id); // in the editor, without saving anything
    void showCreated(const rt::Result<rt::agents::Agent> &created); // New Agent, Duplicate
    void onCurrentRowChanged(const QModelIndex &current, const QModelIndex &previous);
    void selectRowOf(qint64 id);
    void selectNeighbourOf(qint64 id);
    // Saves before leaving the shown agent; false if its changes are invalid.
    bool saveBeforeLeaving();
    void startUndo(UndoKind kind, const rt::agents::Agent &agent, const QString &text);
    void clearUndo();
    void showMessage(const QString &text, bool error, const QString &actionText = {}, std::function<void()> action = {});
    void hideMessage();
    void updateModelNames();
    void updateCount();
    void updateEmptyState();
    QString suggestedFileName(const QList<qint64> &ids) const;

    QPointer<Workspace> m_workspace;
    QPointer<rt::llm::ModelCatalog> m_catalog;
    QPointer<rt::agents::AgentRegistry> m_registry;
    AgentListModel *m_model;
    AgentFilterModel *m_filter;
    QLabel *m_count;
    QLineEdit *m_search;
    QListView *m_view;
    QLabel *m_listEmpty;
    QPushButton *m_newButton;
    QPushButton *m_importButton;
    QPushButton *m_exportAllButton;
    QFrame *m_undoBar;
    QLabel *m_undoText;
    QPushButton *m_undoButton;
    QFrame *m_messageBar;
    QLabel *m_message;
    QPushButton *m_messageAction;
    QToolButton *m_messageClose;
    std::function<void()> m_messageCallback;
    QStackedWidget *m_right;
    QLabel *m_placeholder;
    AgentEditor *m_editor;
    QTimer m_undoTimer;
    UndoKind m_undoKind = UndoKind::None;
    rt::agents::Agent m_undoAgent; // deleted (not yet written), or as it was before a reset
    std::function<QString()> m_openFileHook;
    std::function<QString(const QString &)> m_saveFileHook;
    int m_pendingSaves = 0;
    rt::agents::Agent m_lastSent; // the newest version sent to the registry
    bool m_loaded = false;
    bool m_changingSelection = false;
};

} // namespace rt::ui
