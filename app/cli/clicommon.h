#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QObject>
#include <QUrl>

#include <cstdio>
#include <functional>

class QSocketNotifier;

namespace rt::cli {

// Options most subcommands share: --ollama-host, --verbose.
struct CommonOptions
{
    QCommandLineOption ollamaHost{QStringLiteral("ollama-host"),
                                  QStringLiteral("Ollama server URL (default: $OLLAMA_HOST, settings, http://127.0.0.1:11434)."),
                                  QStringLiteral("url")};
    QCommandLineOption verbose{QStringLiteral("verbose"), QStringLiteral("Print debug output to stderr.")};
    QCommandLineOption db{QStringLiteral("db"),
                          QStringLiteral("Database: a SQLite file path or postgresql://user:pass@host:port/db (default: $ROUNDTABLE_DB, then the app data folder)."),
                          QStringLiteral("path-or-url")};

    void addTo(QCommandLineParser &parser, bool withDb = false) const;
    // Applies --verbose. Returns the Ollama base URL to use.
    QUrl apply(const QCommandLineParser &parser) const;
};

// Parses arguments; on a usage error prints it to stderr and returns false.
// Handles --help itself (prints and exits 0).
bool parseOrExplain(QCommandLineParser &parser, const QStringList &arguments);

// Rows padded into aligned columns, one line each (first row = header).
QString formatTable(const QList<QStringList> &rows);

// When `option` is set, checks that its value is a number in [low, high] and
// passes it to assign; otherwise prints a one-line usage error and returns false.
bool readNumber(const QCommandLineParser &parser, const QCommandLineOption &option, double low, double high,
                const std::function<void(double)> &assign);

// Unbuffered-enough UTF-8 output without per-token flushing.
void out(const QString &text);
void outLine(const QString &text);
void err(const QString &text); // one line to stderr, newline added
void flushOut();

// Turns SIGINT/SIGTERM into a Qt signal delivered on the main thread.
class InterruptWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InterruptWatcher)
public:
    explicit InterruptWatcher(QObject *parent = nullptr);
    ~InterruptWatcher() override;
    int count() const { return m_count; }

signals:
    void interrupted();

private:
    QSocketNotifier *m_notifier = nullptr;
    int m_count = 0;
};

} // namespace rt::cli
