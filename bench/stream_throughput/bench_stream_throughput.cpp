// bench-stream-throughput: how much CPU and memory a client spends reading
// one long streamed chat. Starts roundtable-ollama-sim (--tokens N --tps 0),
// runs each consumer N times as a child process, measures user+sys CPU and
// peak RSS with wait4(), and prints medians and ratios against the bare QNAM
// reader. It prints figures only; it never asserts timing.
#include "benchsim.h"
#include "benchstats.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

using namespace Qt::StringLiterals;

using rt::bench::median;

namespace {

struct Sample {
    double user = 0;
    double sys = 0;
    double wall = 0;
    double rssMiB = 0;
};

struct Consumer {
    QString name;
    QStringList argv; // argv[0] is the program
    QString skipReason;
    std::vector<Sample> samples;
    QString failure;
};

// Runs argv with stdout to /dev/null and stderr to `errFile`; returns false
// with a message when it cannot start or exits non-zero.
bool runMeasured(const QStringList &argv, const QString &errFile, Sample *out, QString *error)
{
    std::vector<QByteArray> storage;
    std::vector<char *> cargv;
    for (const QString &a : argv)
        storage.push_back(a.toLocal8Bit());
    for (QByteArray &s : storage)
        cargv.push_back(s.data());
    cargv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const QByteArray errPath = errFile.toLocal8Bit();
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    QElapsedTimer wall;
    wall.start();
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        *error = u"cannot start %1: %2"_s.arg(argv.first(), QString::fromLocal8Bit(strerror(rc)));
        return false;
    }
    int status = 0;
    rusage ru {};
    if (::wait4(pid, &status, 0, &ru) != pid) {
        *error = u"wait4 failed"_s;
        return false;
    }
    out->wall = double(wall.nsecsElapsed()) / 1e9;
    out->user = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6;
    out->sys = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6;
    out->rssMiB = double(ru.ru_maxrss) / 1024.0; // Linux: KiB
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        QFile f(errFile);
        const QByteArray tail = f.open(QIODevice::ReadOnly) ? f.readAll().right(600) : QByteArray();
        *error = (WIFEXITED(status) ? u"exit %1"_s.arg(WEXITSTATUS(status)) : u"killed by signal %1"_s.arg(WTERMSIG(status)))
            + (tail.isEmpty() ? QString() : u": "_s + QString::fromLocal8Bit(tail).trimmed());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(u"CPU and peak RSS of stream consumers reading one long /api/chat stream."_s);
    p.addHelpOption();
    const QCommandLineOption runsOpt(u"runs"_s, u"Runs per consumer (default 3)."_s, u"n"_s, u"3"_s);
    const QCommandLineOption tokensOpt(u"tokens"_s, u"Tokens in the reply (default 100000)."_s, u"n"_s, u"100000"_s);
    const QCommandLineOption modelOpt(u"model"_s, u"Model to ask (default llama3.2:1b)."_s, u"name"_s, u"llama3.2:1b"_s);
    const QCommandLineOption simOpt(u"sim"_s, u"Simulator executable."_s, u"path"_s, QStringLiteral(RT_BENCH_SIM_PATH));
    const QCommandLineOption bareOpt(u"bare"_s, u"bench-bare-reader executable."_s, u"path"_s, QStringLiteral(RT_BENCH_BARE_PATH));
    const QCommandLineOption appOpt(u"app"_s, u"roundtable executable."_s, u"path"_s, QStringLiteral(RT_BENCH_APP_PATH));
    const QCommandLineOption nodeOpt(
        u"node-script"_s, u"ollama-js consumer script (node_modules beside it)."_s, u"path"_s, QStringLiteral(RT_BENCH_NODE_SCRIPT));
    p.addOptions({ runsOpt, tokensOpt, modelOpt, simOpt, bareOpt, appOpt, nodeOpt });
    p.process(app);
    const int runs = std::max(1, p.value(runsOpt).toInt());
    const QString model = p.value(modelOpt);

    QProcess sim;
    const QString url = rt::bench::startSimulator(sim, p.value(simOpt), { u"--tps"_s, u"0"_s, u"--tokens"_s, p.value(tokensOpt) });
    if (url.isEmpty()) {
        std::fprintf(stderr, "bench-stream-throughput: simulator %s did not start\n", qPrintable(p.value(simOpt)));
        return 1;
    }

    qputenv("QT_QPA_PLATFORM", "offscreen");
    std::vector<Consumer> consumers;
    consumers.push_back({ u"bare QNAM reader"_s, { p.value(bareOpt), url, model }, {}, {}, {} });
    // The app goes through its endpoint pool as every product path does; it
    // stores nothing (--no-save) and sees neither the user's settings nor database.
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", (home.path() + u"/config"_s).toLocal8Bit());
    qputenv("XDG_DATA_HOME", (home.path() + u"/data"_s).toLocal8Bit());
    qputenv("ROUNDTABLE_DB", (home.path() + u"/bench.sqlite"_s).toLocal8Bit());
    Consumer appRow { u"roundtable chat"_s,
        { p.value(appOpt), u"chat"_s, u"--no-save"_s, u"--ollama-host"_s, url, u"--model"_s, model, u"bench"_s }, {}, {}, {} };
    if (!QFileInfo(p.value(appOpt)).isExecutable())
        appRow.skipReason = u"skipped: %1 not built (ninja roundtable)"_s.arg(p.value(appOpt));
    consumers.push_back(appRow);
    const QString script = p.value(nodeOpt);
    Consumer jsRow { u"ollama-js (node)"_s, { u"node"_s, script, url, model }, {}, {}, {} };
    if (!QFileInfo::exists(QFileInfo(script).dir().filePath(u"node_modules/ollama/package.json"_s)))
        jsRow.skipReason = u"skipped: no node_modules/ollama beside %1 (ninja bench-js-deps)"_s.arg(script);
    consumers.push_back(jsRow);

    QTemporaryDir tmp;
    // Interleave consumers so drift in machine load spreads over all rows.
    for (int run = 0; run < runs; ++run) {
        for (Consumer &c : consumers) {
            if (!c.skipReason.isEmpty() || !c.failure.isEmpty())
                continue;
            Sample s;
            QString error;
            if (runMeasured(c.argv, tmp.filePath(u"stderr.txt"_s), &s, &error))
                c.samples.push_back(s);
            else
                c.failure = u"failed: "_s + error;
        }
    }
    sim.terminate();
    sim.waitForFinished(5000);

    std::printf("stream_throughput: one /api/chat stream of %s tokens (one chunk per line), %d runs each, medians\n",
        qPrintable(p.value(tokensOpt)), runs);
    std::printf("%-20s %8s %8s %8s %8s %10s %12s\n", "consumer", "cpu s", "user s", "sys s", "wall s", "peak MiB", "cpu vs bare");
    double bareCpu = 0;
    for (const Consumer &c : consumers) {
        if (c.samples.empty())
            continue;
        std::vector<double> cpu, user, sys, wall, rss;
        for (const Sample &s : c.samples) {
            cpu.push_back(s.user + s.sys);
            user.push_back(s.user);
            sys.push_back(s.sys);
            wall.push_back(s.wall);
            rss.push_back(s.rssMiB);
        }
        if (&c == &consumers.front())
            bareCpu = median(cpu);
        const double ratio = bareCpu > 0 ? median(cpu) / bareCpu : 0;
        std::printf("%-20s %8.3f %8.3f %8.3f %8.3f %10.1f %11.2fx\n", qPrintable(c.name), median(cpu), median(user), median(sys),
            median(wall), median(rss), ratio);
    }
    int failures = 0;
    for (const Consumer &c : consumers) {
        if (!c.skipReason.isEmpty())
            std::printf("%-20s %s\n", qPrintable(c.name), qPrintable(c.skipReason));
        if (!c.failure.isEmpty()) {
            std::printf("%-20s %s\n", qPrintable(c.name), qPrintable(c.failure));
            ++failures;
        }
    }
    // A consumer that failed makes the whole run fail: its figure is missing.
    return consumers.front().samples.empty() || failures > 0 ? 1 : 0;
}
