// roundtable metrics: what the sampler stored in metric_samples (by the
// window, `roundtable serve` or `debate --serve`), for scripts.
#include "clicommon.h"
#include "commands.h"
#include "common/appsettings.h"
#include "common/translate.h"
#include "metrics/metricsregistry.h"
#include "servecli.h"
#include "storagecli.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMap>

using namespace Qt::StringLiterals;

namespace rt::cli {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::metrics)
};

struct Line {
    QString name;
    QString series;
    QList<rt::storage::MetricSample> samples;
    double min = 0, max = 0, mean = 0;
    const rt::storage::MetricSample &last() const { return samples.constLast(); }
};

QString number(double v)
{
    return QLocale::c().toString(v, 'g', 6);
}
} // namespace

int runMetrics(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Print the stored metric samples: a summary per line (last, min, mean, max), as a table, "
                                            "JSON with every sample, or Prometheus text with the last values."));
    CommonOptions common;
    common.addTo(parser, true);
    const QCommandLineOption json { u"json"_s, Tr::tr("Every sample as JSON.") };
    const QCommandLineOption prometheus { u"prometheus"_s, Tr::tr("The last value of each line in Prometheus text format.") };
    const QCommandLineOption since { u"since"_s, Tr::tr("How far back: 90s, 15m, 2h, 7d (default 1h)."), u"duration"_s };
    parser.addOptions({ json, prometheus, since });
    if (!parseOrExplain(parser, arguments))
        return ExitUsage;
    common.apply(parser);
    if (parser.isSet(json) && parser.isSet(prometheus)) {
        err(Tr::tr("Choose one of --json and --prometheus."));
        return ExitUsage;
    }
    qint64 seconds = 3600;
    if (parser.isSet(since)) {
        seconds = parseDurationSeconds(parser.value(since));
        if (seconds <= 0) {
            err(Tr::tr("--since needs a duration such as 90s, 15m, 2h or 7d, not \"%1\".").arg(parser.value(since)));
            return ExitUsage;
        }
    }
    int exitCode = ExitOk;
    const std::unique_ptr<rt::storage::Storage> storage = openStorage(parser.value(common.db), false, &exitCode);
    if (!storage)
        return exitCode;
    const QDateTime to = QDateTime::currentDateTimeUtc().addSecs(1);
    const QDateTime from = to.addSecs(-seconds - 1);
    auto read = waitFor(storage->read([from, to](rt::storage::StorageContext &c) -> rt::Result<QList<rt::storage::MetricSample>> {
        auto names = c.metrics().names();
        if (!names.ok())
            return names.error();
        QList<rt::storage::MetricSample> all;
        for (const QString &name : *names) {
            auto samples = c.metrics().range(name, from, to);
            if (!samples.ok())
                return samples.error();
            all += *samples;
        }
        return all;
    }));
    if (!read.ok())
        return fail(read.error());

    QMap<QPair<QString, QString>, Line> lines;
    for (const rt::storage::MetricSample &s : *read) {
        const QString series = s.labels.value(u"series"_s).toString();
        Line &line = lines[{ s.name, series }];
        line.name = s.name;
        line.series = series;
        line.samples.append(s);
    }
    for (Line &line : lines) {
        double sum = 0;
        line.min = line.max = line.samples.constFirst().value;
        for (const auto &s : std::as_const(line.samples)) {
            line.min = qMin(line.min, s.value);
            line.max = qMax(line.max, s.value);
            sum += s.value;
        }
        line.mean = sum / double(line.samples.size());
    }

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const Line &line : std::as_const(lines)) {
            QJsonArray samples;
            for (const auto &s : line.samples)
                samples.append(QJsonArray { s.ts.toString(Qt::ISODateWithMs), s.value });
            array.append(QJsonObject { { u"name"_s, line.name }, { u"series"_s, line.series }, { u"last"_s, line.last().value },
                { u"min"_s, line.min }, { u"mean"_s, line.mean }, { u"max"_s, line.max }, { u"samples"_s, samples } });
        }
        const QJsonObject doc { { u"from"_s, from.toString(Qt::ISODate) }, { u"to"_s, to.toString(Qt::ISODate) }, { u"lines"_s, array } };
        outLine(QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (parser.isSet(prometheus)) {
        QString previous;
        for (const Line &line : std::as_const(lines)) {
            const QString name = u"roundtable_stored_"_s + line.name;
            if (name != previous) {
                outLine(u"# HELP %1 Last stored sample of the dashboard line %2.\n# TYPE %1 gauge"_s.arg(name, line.name));
                previous = name;
            }
            outLine(u"%1{series=\"%2\"} %3 %4"_s.arg(name, QString::fromUtf8(rt::metrics::escapeLabelValue(line.series)),
                QString::fromLatin1(rt::metrics::formatNumber(line.last().value)), QString::number(line.last().ts.toMSecsSinceEpoch())));
        }
        return ExitOk;
    }
    if (lines.isEmpty()) {
        //: %1 is a duration as given to --since (such as 1h), %2 a number of seconds
        outLine(Tr::tr("No metric samples in the last %1. The window, roundtable serve and roundtable debate --serve store them while "
                       "they run (every %2 s by default).")
                    .arg(parser.isSet(since) ? parser.value(since) : u"1h"_s)
                    .arg(rt::AppSettings::MetricsPersistSec.defaultValue.toInt()));
        return ExitOk;
    }
    QList<QStringList> rows { { Tr::tr("METRIC"), Tr::tr("SERIES"), Tr::tr("LAST"), Tr::tr("MIN"), Tr::tr("MEAN"), Tr::tr("MAX"),
        Tr::tr("SAMPLES"), Tr::tr("LAST SAMPLE") } };
    for (const Line &line : std::as_const(lines)) {
        rows.append({ line.name, line.series, number(line.last().value), number(line.min), number(line.mean), number(line.max),
            QString::number(line.samples.size()), line.last().ts.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s) });
    }
    out(formatTable(rows));
    return ExitOk;
}

} // namespace rt::cli
