// roundtable watch URL: follows a live debate of another Roundtable (its
// viewer link) in the terminal, read-only, through the remote-viewer protocol
// (docs/remote-protocol.md). Prints each finished turn with its stance, the
// consensus after each round, notes and the result; reconnects by itself.
#include "clicommon.h"
#include "commands.h"
#include "common/translate.h"
#include "debate/debatetypes.h"
#include "server/remotetable.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSet>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace rt::debate;

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::watch)
};

QString percent(double share)
{
    return u"%1%"_s.arg(qRound(share * 100));
}

// What has been printed, so a reconnect (a fresh snapshot) prints only what is new.
class Printer {
public:
    explicit Printer(bool json)
        : m_json(json)
    {
    }

    qint64 debateId = 0; // the one watched; 0 = the next that shows up
    bool ended = false;
    int endCode = ExitOk;

    // Picks the debate to follow from a snapshot and prints what is new in it.
    void snapshot(const QJsonObject &s)
    {
        const QJsonArray debates = s.value(u"debates"_s).toArray();
        if (debateId == 0) {
            // The newest one still running, else wait for the next.
            for (const QJsonValue &d : debates) {
                const QString phase = d.toObject().value(u"phase"_s).toString();
                if (phase == "running"_L1 || phase == "paused"_L1 || phase == "starting"_L1)
                    debateId = qint64(d.toObject().value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble());
            }
            if (debateId == 0 && !m_waitingSaid) {
                err(Tr::tr("No debate is running there; waiting for the next one (Ctrl-C to stop)."));
                m_waitingSaid = true;
            }
        }
        for (const QJsonValue &v : debates) {
            const QJsonObject d = v.toObject();
            if (qint64(d.value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble()) != debateId)
                continue;
            header(d.value(u"debate"_s).toObject());
            for (const QJsonValue &t : d.value(u"turns"_s).toArray())
                turn(t.toObject());
            for (const QJsonValue &n : d.value(u"notes"_s).toArray())
                note(n.toObject());
            for (const QJsonValue &c : d.value(u"consensus"_s).toArray())
                consensus(c.toObject());
            if (!d.value(u"outcome"_s).isNull())
                finished(d.value(u"outcome"_s).toObject());
            else if (d.value(u"phase"_s).toString() == "interrupted"_L1)
                interrupted();
        }
    }

    void event(const QJsonObject &e)
    {
        const QString type = e.value(u"type"_s).toString();
        if (type == "debate_started"_L1 && debateId == 0)
            debateId = qint64(e.value(u"debate"_s).toObject().value(u"debate_id"_s).toDouble());
        const qint64 id = qint64(e.value(u"debate_id"_s).toDouble(0));
        const auto mine = [this](const QJsonObject &o) { return qint64(o.value(u"debate_id"_s).toDouble()) == debateId; };
        if (m_json) {
            // Every event of the watched debate as one JSON line (tokens as they come).
            const QString key = type == "debate_started"_L1               ? u"debate"_s
                : type == "round_started"_L1                              ? u"round"_s
                : type == "turn_started"_L1 || type == "turn_finished"_L1 ? u"turn"_s
                : type == "consensus"_L1                                  ? u"consensus"_s
                : type == "note"_L1                                       ? u"note"_s
                : type == "paused"_L1                                     ? u"pause"_s
                : type == "finished"_L1                                   ? u"outcome"_s
                                                                          : QString();
            if ((!key.isEmpty() && mine(e.value(key).toObject())) || id == debateId)
                outLine(QString::fromUtf8(QJsonDocument(e).toJson(QJsonDocument::Compact)));
        }
        if (type == "debate_started"_L1 && mine(e.value(u"debate"_s).toObject()))
            header(e.value(u"debate"_s).toObject());
        else if (type == "round_started"_L1 && mine(e.value(u"round"_s).toObject()))
            round(e.value(u"round"_s).toObject());
        else if (type == "turn_finished"_L1 && mine(e.value(u"turn"_s).toObject()))
            turn(e.value(u"turn"_s).toObject());
        else if (type == "consensus"_L1 && mine(e.value(u"consensus"_s).toObject()))
            consensus(e.value(u"consensus"_s).toObject());
        else if (type == "note"_L1 && mine(e.value(u"note"_s).toObject()))
            note(e.value(u"note"_s).toObject());
        else if (type == "paused"_L1 && mine(e.value(u"pause"_s).toObject()))
            //: %1 is why the debate paused
            text(Tr::tr("(paused: %1)").arg(e.value(u"pause"_s).toObject().value(u"message"_s).toString()));
        else if (type == "resumed"_L1 && id == debateId)
            text(Tr::tr("(resumed)"));
        else if (type == "finished"_L1 && mine(e.value(u"outcome"_s).toObject()))
            finished(e.value(u"outcome"_s).toObject());
        else if (type == "interrupted"_L1 && id == debateId)
            interrupted();
    }

private:
    void text(const QString &line)
    {
        if (!m_json)
            outLine(line);
    }
    void header(const QJsonObject &d)
    {
        if (m_headerDone || d.value(u"question"_s).toString().isEmpty())
            return;
        m_headerDone = true;
        const DebateInfo info = DebateInfo::fromJson(d);
        QStringList seats;
        for (const Seat &s : info.seats)
            seats.append(s.agent.name);
        text(Tr::tr("Debate %1: %2").arg(info.debateId).arg(info.question));
        //: %1 is the debate format (not translated), %2 the agents' names
        text(Tr::tr("  %1, up to %n round(s); seats: %2", nullptr, info.maxRounds).arg(toString(info.format), seats.join(u", "_s)));
    }
    void round(const QJsonObject &r)
    {
        const RoundInfo info = RoundInfo::fromJson(r);
        if (m_rounds.contains(info.round))
            return;
        m_rounds.insert(info.round);
        text(u""_s);
        //: %3 is the round's phase (not translated), %4 the agents who speak in it
        text(Tr::tr("— Round %1 of %2 (%3): %4").arg(info.round).arg(info.maxRounds).arg(info.phase, info.speakers.join(u", "_s)));
    }
    void turn(const QJsonObject &t)
    {
        const TurnRecord record = TurnRecord::fromJson(t);
        if (m_turns.contains(record.info.index))
            return;
        m_turns.insert(record.info.index);
        // Joined halfway: the rounds before the snapshot get a plain header.
        if (!m_rounds.contains(record.info.round)) {
            m_rounds.insert(record.info.round);
            text(u""_s);
            text(Tr::tr("— Round %1").arg(record.info.round));
        }
        QString stance;
        if (!record.stance.answer.isEmpty()) {
            //: %1 is the agent's answer; follows the agent's name in brackets, hence the leading space
            stance = Tr::tr(" answer: %1").arg(record.stance.answer);
            if (record.stance.confidence)
                stance += u" (%1)"_s.arg(percent(*record.stance.confidence));
        }
        text(u"[%1]%2"_s.arg(record.info.agentName, stance));
        if (!record.text.isEmpty())
            text(u"  "_s + QString(record.text).replace(u'\n', u"\n  "_s));
    }
    void consensus(const QJsonObject &c)
    {
        const ConsensusSnapshot s = ConsensusSnapshot::fromJson(c);
        if (m_consensus.contains(s.round))
            return;
        m_consensus.insert(s.round);
        QString line;
        if (s.reached) {
            //: %1 is the round, %2 the support for the leading answer %3, %4 the threshold; the consensus was reached
            line = Tr::tr("Consensus after round %1: %2 on “%3” (threshold %4), reached");
        } else {
            //: %1 is the round, %2 the support for the leading answer %3, %4 the threshold
            line = Tr::tr("Consensus after round %1: %2 on “%3” (threshold %4)");
        }
        text(line.arg(s.round).arg(percent(s.score), s.leadingAnswer, percent(s.threshold)));
    }
    void note(const QJsonObject &n)
    {
        const DebateNote note = DebateNote::fromJson(n);
        const QString key = note.createdAt.toString(Qt::ISODateWithMs) + note.text;
        if (m_notes.contains(key))
            return;
        m_notes.insert(key);
        text(Tr::tr("(note) %1").arg(note.text));
    }
    void finished(const QJsonObject &o)
    {
        if (ended)
            return;
        const DebateOutcome outcome = DebateOutcome::fromJson(o);
        ended = true;
        endCode = outcome.status == DebateStatus::Failed ? ExitFailure : ExitOk;
        text(u""_s);
        if (outcome.status == DebateStatus::Failed)
            text(Tr::tr("The debate failed: %1").arg(outcome.error.message.isEmpty() ? outcome.stopDetail : outcome.error.message));
        //: %1 is the answer, %2 the agreement in percent, %3 why the debate stopped
        text(Tr::tr("Result: %1 (%2 agreement, %3)").arg(outcome.answer, percent(outcome.score), outcome.stopDetail));
        if (!outcome.synthesis.isEmpty())
            //: %1 is an agent name, %2 its summary
            text(Tr::tr("Synthesis by %1: %2").arg(outcome.synthesisBy, outcome.synthesis));
        for (const Dissent &d : outcome.dissent)
            //: %1 is an agent name, %2 its answer
            text(Tr::tr("Dissent: %1 answered %2").arg(d.agentName, d.answer));
    }
    void interrupted()
    {
        if (ended)
            return;
        ended = true;
        endCode = ExitOk;
        text(Tr::tr("The debate was interrupted there; it can be continued on that machine."));
    }

    bool m_json = false;
    bool m_headerDone = false;
    bool m_waitingSaid = false;
    QSet<int> m_rounds;
    QSet<int> m_turns;
    QSet<int> m_consensus;
    QSet<QString> m_notes;
};
} // namespace

int runWatch(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Watch a live debate of another Roundtable, read-only, from its viewer link (Settings → Local Server, or what roundtable "
               "serve and roundtable debate --serve print). Prints each finished turn, the consensus after each round and the result; "
               "exits when the debate ends."));
    parser.addPositionalArgument(u"url"_s, Tr::tr("The viewer link: http://HOST:PORT/?token=TOKEN"));
    const QCommandLineOption verbose { u"verbose"_s, Tr::tr("Print debug output to stderr.") };
    const QCommandLineOption debate { u"debate"_s, Tr::tr("Watch this debate (default: the one running, else the next to start)."),
        u"id"_s };
    const QCommandLineOption json { u"json"_s, Tr::tr("Print every event of the debate as one JSON line (the protocol's frames).") };
    const QCommandLineOption insecure { u"insecure"_s, Tr::tr("Accept a TLS certificate that is not trusted (a self-signed one).") };
    const QCommandLineOption giveUp { u"give-up-after"_s,
        Tr::tr("Exit 3 when the table cannot be reached for this many seconds (default 60; 0 = keep trying)."), u"seconds"_s };
    parser.addOptions({ verbose, debate, json, insecure, giveUp });
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    if (parser.isSet(verbose))
        QLoggingCategory::setFilterRules(u"rt.*.debug=true"_s);
    if (parser.positionalArguments().size() != 1) {
        err(Tr::tr("Give one viewer link, such as http://192.168.1.20:9477/?token=TOKEN."));
        return ExitUsage;
    }
    const rt::Result<QUrl> ws = rt::server::RemoteTable::webSocketUrl(parser.positionalArguments().constFirst());
    if (!ws) {
        err(ws.error().message);
        return ExitUsage;
    }
    Printer printer(parser.isSet(json));
    if (parser.isSet(debate)) {
        bool ok = false;
        printer.debateId = parser.value(debate).toLongLong(&ok);
        if (!ok || printer.debateId <= 0) {
            err(Tr::tr("--debate needs a debate number."));
            return ExitUsage;
        }
    }
    double giveUpSeconds = 60;
    if (!readNumber(parser, giveUp, 0, 86400 * 7, [&](double v) { giveUpSeconds = v; }))
        return ExitUsage;

    rt::server::RemoteTable table;
    table.setIgnoreSslErrors(parser.isSet(insecure));
    InterruptWatcher interrupts;
    OutputFlusher flusher;
    int exitCode = -1;
    const auto finish = [&exitCode](int code) {
        if (exitCode < 0) {
            exitCode = code;
            QCoreApplication::exit(code);
        }
    };
    QTimer unreachable;
    unreachable.setSingleShot(true);
    QObject::connect(&unreachable, &QTimer::timeout, &table, [&] {
        //: %1 is the connection state, such as why the table cannot be reached
        err(Tr::tr("Gave up: %1").arg(table.stateText()));
        finish(ExitUnreachable);
    });
    const auto armGiveUp = [&] {
        if (giveUpSeconds > 0 && !unreachable.isActive())
            unreachable.start(int(giveUpSeconds * 1000));
    };
    QObject::connect(
        &table, &rt::server::RemoteTable::stateChanged, &table, [&](rt::server::RemoteTable::State state, const QString &text) {
            using S = rt::server::RemoteTable::State;
            if (state == S::Connected) {
                unreachable.stop();
                err(text);
            } else if (state == S::Refused) {
                err(text);
                finish(ExitFailure);
            } else if (state == S::Reconnecting) {
                err(text);
                armGiveUp();
            }
        });
    QObject::connect(&table, &rt::server::RemoteTable::snapshotReceived, &table, [&](const QJsonObject &s) {
        printer.snapshot(s);
        flushOut();
        if (printer.ended)
            finish(printer.endCode);
    });
    QObject::connect(&table, &rt::server::RemoteTable::eventReceived, &table, [&](const QJsonObject &e) {
        printer.event(e);
        if (printer.ended)
            finish(printer.endCode);
    });
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &table, [&] { finish(ExitCancelled); });
    armGiveUp();
    table.open(ws.value());
    const int code = exitCode >= 0 ? exitCode : QCoreApplication::exec();
    table.close();
    flushOut();
    return exitCode >= 0 ? exitCode : code;
}

} // namespace rt::cli
