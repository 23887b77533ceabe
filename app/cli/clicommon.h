#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QObject>
#include <QUrl>
#include <cstdio>
#include <functional>
#include <memory>

class QSocketNotifier;

namespace rt::llm {
class EndpointPool;
}

namespace rt::cli {

// Options every subcommand shares: --ollama-host, --db, --verbose. They may
// also come before the subcommand (roundtable --db X history list); main()
// moves them after it.
struct CommonOptions {
    // The descriptions are translated when the options are made (clicommon.cpp).
    CommonOptions();

    QCommandLineOption ollamaHost;
    QCommandLineOption verbose;
    QCommandLineOption db;

    void addTo(QCommandLineParser &parser, bool withDb = true) const;
    // Applies --verbose. Returns the Ollama base URL to use (--ollama-host was
    // validated by parseOrExplain).
    QUrl apply(const QCommandLineParser &parser) const;
    // The Ollama hosts for this command, behind one pool: the host given with
    // --ollama-host alone, else the hosts in the settings (roundtable hosts),
    // else $OLLAMA_HOST or http://127.0.0.1:11434. Every request of every
    // command goes through it (routing, fallback, circuit breaker).
    std::unique_ptr<rt::llm::EndpointPool> makePool(const QCommandLineParser &parser) const;
};

// The options that may come before the subcommand: names taking a value, and flags.
bool isGlobalOptionWithValue(QStringView arg);
bool isGlobalFlag(QStringView arg);

// Streamed text (chat replies, debate turns) reaches a pipe promptly: out()
// marks stdout dirty and this timer flushes it every 50 ms, so a reader sees
// the reply as it is generated without a flush per token.
class OutputFlusher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OutputFlusher)
public:
    explicit OutputFlusher(QObject *parent = nullptr);
    ~OutputFlusher() override;
};

// Parses arguments; on a usage error prints it to stderr and returns false.
// Handles --help itself (prints and exits 0). An --ollama-host value that is
// not an http(s) host is a usage error naming the value.
bool parseOrExplain(QCommandLineParser &parser, const QStringList &arguments);

// Rows padded into aligned columns, one line each (first row = header).
QString formatTable(const QList<QStringList> &rows);

// When `option` is set, checks that its value is a number in [low, high] and
// passes it to assign; otherwise prints a one-line usage error and returns false.
bool readNumber(
    const QCommandLineParser &parser, const QCommandLineOption &option, double low, double high, const std::function<void(double)> &assign);

// Unbuffered-enough UTF-8 output without per-token flushing.
void out(const QString &text);
void outLine(const QString &text);
void err(const QString &text); // one line to stderr, newline added
void flushOut();

// Turns SIGINT/SIGTERM into a Qt signal delivered on the main thread.
class InterruptWatcher final : public QObject {
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
