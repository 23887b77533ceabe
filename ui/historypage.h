#pragma once

#include "storage/searchrepository.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <functional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStackedWidget;

namespace rt::ui {

class SearchResultModel;
class Workspace;

// The History page: one search box over every stored chat and debate (the
// full-text search of core/storage), filters (chats or debates, model,
// agent, date range), highlighted snippets, and Enter or a double-click
// opens the message in the Chat page or the turn in the Debates page. Before
// anything is typed it lists recent conversations and debates. Export the
// selected conversation or debate as Markdown or JSON; import a JSON export.
//
// Results come as you type without ever waiting on the database: a search
// starts ~150 ms after the last keystroke, at most one runs at a time and at
// most the newest text waits behind it (typing fast does not queue stale
// searches), and an answer for anything but the current text is dropped.
class HistoryPage final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HistoryPage)
public:
    enum class Kinds { All, Chats, Debates };

    explicit HistoryPage(Workspace *workspace, QWidget *parent = nullptr);
    ~HistoryPage() override;

    QLineEdit *searchBox() const { return m_search; }
    QComboBox *kindFilter() const { return m_kind; }
    QComboBox *modelFilter() const { return m_model; }
    QComboBox *agentFilter() const { return m_agent; }
    QComboBox *dateFilter() const { return m_date; }
    QDateEdit *fromDate() const { return m_from; }
    QDateEdit *toDate() const { return m_to; }
    QListView *resultsView() const { return m_list; }
    SearchResultModel *results() const { return m_results; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *exportButton() const { return m_exportButton; }
    QPushButton *importButton() const { return m_importButton; }

    // Searches sent to storage since the page was made.
    int searchesRun() const { return m_searchesRun; }
    // A search is running or waiting (debounce, in flight or pending).
    bool isSearching() const;
    // The text the shown results answer ("" while recent items are shown).
    QString shownQuery() const { return m_shownQuery; }
    // The recent list has been read at least once.
    bool isLoaded() const { return m_loaded; }
    // A word worth searching for in what is stored (from the recent titles), for
    // the screenshot of `--page history`; "the" when nothing is stored.
    QString sampleWord() const;
    // The options a search of the current filters would use.
    rt::storage::SearchOptions currentOptions() const;
    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    void setResultLimit(int limit) { m_limit = limit; }

    // Tests answer the file dialogs (return "" to cancel).
    void setSaveFileHook(std::function<QString(const QString &suggested)> hook) { m_saveFileHook = std::move(hook); }
    void setOpenFileHook(std::function<QString()> hook) { m_openFileHook = std::move(hook); }

public slots:
    void focusSearch();
    // Puts `text` in the search box; results follow as if typed.
    void search(const QString &text);
    // Opens the result (or recent entry) of `row` in its page.
    void openRow(int row);
    // Exports the selected row's conversation or debate (Markdown or JSON by the file's extension).
    void exportSelected();
    // Exports one conversation or debate (asks where, or the save-file hook).
    void exportItem(bool debate, qint64 id);
    // Imports a JSON export ("roundtable history export --format json").
    void importFile();
    // Re-reads the recent list and the filter choices.
    void reload();

signals:
    // A search was sent to storage.
    void searchStarted(const QString &text);
    // The answer to a search arrived: shown, or dropped because the text or
    // the filters changed meanwhile.
    void searchFinished(const QString &text, bool shown);
    // Results for `text` are shown ("" = recent entries).
    void resultsShown(const QString &text, int count);
    void openConversationRequested(qint64 conversationId, qint64 messageId);
    void openDebateRequested(qint64 debateId, qint64 turnId);
    // Export finished: where, or why not.
    void exported(const QString &path, const QString &error);
    // Import finished: what it became ("conversation"/"debate" and its id), or why not.
    void imported(const QString &kind, qint64 id, const QString &error);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void onInputChanged();
    void startSearch();
    void showRecent();
    void loadFilterChoices();
    void updateDateEdits();
    void updateButtons();
    void setStatus(const QString &text, bool error = false);

    QPointer<Workspace> m_workspace;
    QLineEdit *m_search;
    QComboBox *m_kind;
    QComboBox *m_model;
    QComboBox *m_agent;
    QComboBox *m_date;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QLabel *m_status;
    QStackedWidget *m_stack; // results, or the empty state
    QListView *m_list;
    QLabel *m_empty;
    QPushButton *m_exportButton;
    QPushButton *m_importButton;
    SearchResultModel *m_results;
    QTimer m_debounce;
    quint64 m_generation = 0; // bumped on every change of text or filters
    bool m_inFlight = false;
    bool m_pending = false; // the input changed while a search ran: one more when it ends
    int m_searchesRun = 0;
    bool m_loaded = false;
    int m_limit = 50;
    QString m_shownQuery;
    quint64 m_recentRequest = 0;
    std::function<QString(const QString &)> m_saveFileHook;
    std::function<QString()> m_openFileHook;
};

} // namespace rt::ui
