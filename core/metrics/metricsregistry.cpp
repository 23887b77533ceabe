#include "metricsregistry.h"

#include <QLocale>
#include <QMap>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>

namespace rt::metrics {

void Value::raiseTo(double value)
{
    double current = m_value.load(std::memory_order_relaxed);
    while (value > current && !m_value.compare_exchange_weak(current, value, std::memory_order_relaxed)) { }
}

Histogram::Histogram(const std::vector<double> &bounds)
    : m_bounds(bounds)
    , m_counts(new std::atomic<quint64>[bounds.size() + 1])
{
    for (size_t i = 0; i <= bounds.size(); ++i)
        m_counts[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value)
{
    const auto it = std::lower_bound(m_bounds.begin(), m_bounds.end(), value);
    m_counts[size_t(it - m_bounds.begin())].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot s;
    s.bounds = m_bounds;
    s.counts.resize(m_bounds.size() + 1);
    for (size_t i = 0; i <= m_bounds.size(); ++i)
        s.counts[i] = m_counts[i].load(std::memory_order_relaxed);
    s.sum = m_sum.load(std::memory_order_relaxed);
    s.count = m_count.load(std::memory_order_relaxed);
    return s;
}

double Histogram::Snapshot::quantile(double q) const
{
    quint64 total = 0;
    for (quint64 c : counts)
        total += c;
    if (total == 0)
        return -1.0;
    const double rank = q * double(total);
    quint64 seen = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] == 0 || double(seen + counts[i]) < rank) {
            seen += counts[i];
            continue;
        }
        if (i == bounds.size()) // +Inf bucket: the highest finite bound is all we know
            return bounds.empty() ? 0.0 : bounds.back();
        const double lower = i == 0 ? 0.0 : bounds[i - 1];
        const double upper = bounds[i];
        return lower + (upper - lower) * ((rank - double(seen)) / double(counts[i]));
    }
    return bounds.empty() ? 0.0 : bounds.back();
}

Histogram::Snapshot Histogram::Snapshot::minus(const Snapshot &earlier) const
{
    Snapshot d = *this;
    if (earlier.counts.size() != counts.size())
        return d;
    for (size_t i = 0; i < counts.size(); ++i)
        d.counts[i] = counts[i] >= earlier.counts[i] ? counts[i] - earlier.counts[i] : 0;
    d.sum = sum - earlier.sum;
    d.count = count >= earlier.count ? count - earlier.count : 0;
    return d;
}

QString SeriesSnapshot::label(const QString &labelName) const
{
    const qsizetype i = labelNames.indexOf(labelName);
    return i >= 0 && i < labelValues.size() ? labelValues.at(i) : QString();
}

struct MetricsRegistry::Family {
    QString name;
    MetricType type = MetricType::Counter;
    QString help;
    QStringList labelNames;
    std::vector<double> buckets;
    // Ordered by label values so the exposition is stable between scrapes.
    QMap<QStringList, std::shared_ptr<Value>> values;
    QMap<QStringList, std::shared_ptr<Histogram>> histograms;
    // Rendered once per series and bucket, so a scrape only copies bytes.
    QByteArray nameBytes;
    std::vector<QByteArray> leText; // formatted bucket bounds
    QHash<QStringList, QByteArray> labelText; // host="a",model="b" (no braces)
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

std::vector<double> MetricsRegistry::secondsBuckets()
{
    return { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600 };
}

void MetricsRegistry::declare(
    const QString &name, MetricType type, const QString &help, const QStringList &labelNames, const std::vector<double> &buckets)
{
    std::unique_lock lock(m_mutex);
    if (m_families.contains(name))
        return;
    auto family = std::make_shared<Family>();
    family->name = name;
    family->type = type;
    family->help = help;
    family->labelNames = labelNames;
    family->buckets = buckets.empty() && type == MetricType::Histogram ? secondsBuckets() : buckets;
    std::sort(family->buckets.begin(), family->buckets.end());
    family->nameBytes = name.toUtf8();
    for (double bound : family->buckets)
        family->leText.push_back(formatNumber(bound));
    m_families.insert(name, family);
    m_order.append(name);
}

bool MetricsRegistry::isDeclared(const QString &name) const
{
    std::shared_lock lock(m_mutex);
    return m_families.contains(name);
}

MetricsRegistry::Family *MetricsRegistry::find(const QString &name) const
{
    const auto it = m_families.constFind(name);
    return it == m_families.cend() ? nullptr : it->get();
}

template<typename T> std::shared_ptr<T> MetricsRegistry::series(const QString &name, MetricType type, const QStringList &labelValues)
{
    {
        std::shared_lock lock(m_mutex);
        Family *family = find(name);
        if (!family || family->type != type || family->labelNames.size() != labelValues.size()) {
            Q_ASSERT_X(false, "MetricsRegistry", "undeclared metric, wrong type or wrong label count");
            if constexpr (std::is_same_v<T, Histogram>)
                return std::make_shared<Histogram>(secondsBuckets());
            else
                return std::make_shared<Value>();
        }
        if constexpr (std::is_same_v<T, Histogram>) {
            if (auto it = family->histograms.constFind(labelValues); it != family->histograms.cend())
                return *it;
        } else {
            if (auto it = family->values.constFind(labelValues); it != family->values.cend())
                return *it;
        }
    }
    std::unique_lock lock(m_mutex);
    Family *family = find(name);
    if (!family->labelText.contains(labelValues))
        family->labelText.insert(labelValues, renderLabels(family->labelNames, labelValues));
    if constexpr (std::is_same_v<T, Histogram>) {
        auto &slot = family->histograms[labelValues];
        if (!slot)
            slot = std::make_shared<Histogram>(family->buckets);
        return slot;
    } else {
        auto &slot = family->values[labelValues];
        if (!slot)
            slot = std::make_shared<Value>();
        return slot;
    }
}

ValueHandle MetricsRegistry::counter(const QString &name, const QStringList &labelValues)
{
    return series<Value>(name, MetricType::Counter, labelValues);
}

ValueHandle MetricsRegistry::gauge(const QString &name, const QStringList &labelValues)
{
    return series<Value>(name, MetricType::Gauge, labelValues);
}

HistogramHandle MetricsRegistry::histogram(const QString &name, const QStringList &labelValues)
{
    return series<Histogram>(name, MetricType::Histogram, labelValues);
}

void MetricsRegistry::remove(const QString &name, const QStringList &labelValues)
{
    std::unique_lock lock(m_mutex);
    if (Family *family = find(name)) {
        family->values.remove(labelValues);
        family->histograms.remove(labelValues);
        family->labelText.remove(labelValues);
    }
}

void MetricsRegistry::removeWhere(const QString &name, const QString &labelName, const QString &value)
{
    std::unique_lock lock(m_mutex);
    Family *family = find(name);
    if (!family)
        return;
    const qsizetype index = family->labelNames.indexOf(labelName);
    if (index < 0)
        return;
    auto matches = [&](const QStringList &labels) { return labels.value(index) == value; };
    for (auto it = family->labelText.begin(); it != family->labelText.end();)
        it = matches(it.key()) ? family->labelText.erase(it) : std::next(it);
    for (auto it = family->values.begin(); it != family->values.end();)
        it = matches(it.key()) ? family->values.erase(it) : std::next(it);
    for (auto it = family->histograms.begin(); it != family->histograms.end();)
        it = matches(it.key()) ? family->histograms.erase(it) : std::next(it);
}

double MetricsRegistry::value(const QString &name, const QStringList &labelValues) const
{
    std::shared_lock lock(m_mutex);
    const Family *family = find(name);
    if (!family)
        return 0.0;
    const auto it = family->values.constFind(labelValues);
    return it == family->values.cend() ? 0.0 : (*it)->value();
}

double MetricsRegistry::sum(const QString &name, const QList<QPair<QString, QString>> &match) const
{
    std::shared_lock lock(m_mutex);
    const Family *family = find(name);
    if (!family)
        return 0.0;
    QList<QPair<qsizetype, QString>> wanted;
    for (const auto &[labelName, labelValue] : match) {
        const qsizetype index = family->labelNames.indexOf(labelName);
        if (index < 0)
            return 0.0;
        wanted.append({ index, labelValue });
    }
    double total = 0.0;
    for (auto it = family->values.cbegin(); it != family->values.cend(); ++it) {
        const bool ok = std::all_of(wanted.cbegin(), wanted.cend(), [&](const auto &w) { return it.key().value(w.first) == w.second; });
        if (ok)
            total += it.value()->value();
    }
    return total;
}

QList<SeriesSnapshot> MetricsRegistry::snapshot() const
{
    std::shared_lock lock(m_mutex);
    QList<SeriesSnapshot> out;
    for (const QString &name : m_order) {
        const Family *family = find(name);
        for (auto it = family->values.cbegin(); it != family->values.cend(); ++it)
            out.append({ name, family->type, family->labelNames, it.key(), it.value()->value(), {} });
        for (auto it = family->histograms.cbegin(); it != family->histograms.cend(); ++it)
            out.append({ name, family->type, family->labelNames, it.key(), 0.0, it.value()->snapshot() });
    }
    return out;
}

QByteArray escapeLabelValue(const QString &value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray formatNumber(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    const double magnitude = std::fabs(value);
    const char format = magnitude >= 1e-6 && magnitude < 1e15 ? 'f' : 'g'; // 0.0005, not 5e-04
    return QString::number(value, format, QLocale::FloatingPointShortest).toLatin1();
}

namespace {

QByteArray escapeHelp(const QString &help)
{
    QByteArray out = help.toUtf8();
    out.replace("\\", "\\\\");
    out.replace("\n", "\\n");
    return out;
}

// Appends to a QByteArray through a raw cursor: a scrape writes tens of
// thousands of short pieces, and QByteArray::append's checks per piece cost
// more than the copying.
class Writer final {
public:
    explicit Writer(QByteArray &out, qsizetype reserve)
        : m_out(out)
    {
        m_out.resize(qMax<qsizetype>(reserve, 4096));
        m_p = m_out.data();
        m_end = m_p + m_out.size();
    }
    ~Writer() { m_out.resize(qsizetype(m_p - m_out.data())); }
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    void put(const char *data, qsizetype size)
    {
        ensure(size);
        std::memcpy(m_p, data, size_t(size));
        m_p += size;
    }
    void put(const QByteArray &data) { put(data.constData(), data.size()); }
    void put(char c)
    {
        ensure(1);
        *m_p++ = c;
    }
    template<size_t N> void literal(const char (&text)[N]) { put(text, qsizetype(N - 1)); }
    // Integers as integers, others in the shortest form that reads back exactly.
    void number(double value)
    {
        if (!std::isfinite(value)) {
            put(formatNumber(value));
            return;
        }
        ensure(64);
        std::to_chars_result r {};
        if (value == std::floor(value) && std::fabs(value) < 1e15)
            r = std::to_chars(m_p, m_end, static_cast<long long>(value));
        else
            r = std::to_chars(m_p, m_end, value);
        m_p = r.ptr;
    }

private:
    void ensure(qsizetype size)
    {
        if (m_end - m_p >= size)
            return;
        const qsizetype used = m_p - m_out.data();
        m_out.resize(qMax(m_out.size() * 2, used + size + 4096));
        m_p = m_out.data() + used;
        m_end = m_out.data() + m_out.size();
    }

    QByteArray &m_out;
    char *m_p = nullptr;
    char *m_end = nullptr;
};

void writeLine(Writer &w, const QByteArray &name, const char *suffix, qsizetype suffixSize, const QByteArray &labels, const QByteArray *le,
    double value)
{
    w.put(name);
    if (suffix)
        w.put(suffix, suffixSize);
    if (!labels.isEmpty() || le) {
        w.put('{');
        w.put(labels);
        if (le) {
            if (!labels.isEmpty())
                w.put(',');
            w.literal("le=\"");
            w.put(*le);
            w.put('"');
        }
        w.put('}');
    }
    w.put(' ');
    w.number(value);
    w.put('\n');
}

} // namespace

QByteArray MetricsRegistry::renderLabels(const QStringList &names, const QStringList &values)
{
    QByteArray out;
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (values.value(i).isEmpty())
            continue; // an empty label value is the same as no label
        if (!out.isEmpty())
            out += ',';
        out += names.at(i).toUtf8();
        out += "=\"";
        out += escapeLabelValue(values.at(i));
        out += '"';
    }
    return out;
}

QByteArray MetricsRegistry::renderPrometheus() const
{
    std::shared_lock lock(m_mutex);
    QByteArray out;
    {
        Writer w(out, m_lastRenderSize.load(std::memory_order_relaxed) + 4096);
        static const QByteArray inf = QByteArrayLiteral("+Inf");
        for (const QString &name : m_order) {
            const Family *family = find(name);
            if (family->values.isEmpty() && family->histograms.isEmpty())
                continue;
            const QByteArray &n = family->nameBytes;
            w.literal("# HELP ");
            w.put(n);
            w.put(' ');
            w.put(escapeHelp(family->help));
            w.literal("\n# TYPE ");
            w.put(n);
            if (family->type == MetricType::Counter)
                w.literal(" counter\n");
            else if (family->type == MetricType::Gauge)
                w.literal(" gauge\n");
            else
                w.literal(" histogram\n");
            for (auto it = family->values.cbegin(); it != family->values.cend(); ++it)
                writeLine(w, n, nullptr, 0, family->labelText.value(it.key()), nullptr, it.value()->value());
            for (auto it = family->histograms.cbegin(); it != family->histograms.cend(); ++it) {
                const QByteArray labels = family->labelText.value(it.key());
                const Histogram::Snapshot s = it.value()->snapshot();
                quint64 cumulative = 0;
                for (size_t i = 0; i <= s.bounds.size(); ++i) {
                    cumulative += s.counts[i];
                    writeLine(w, n, "_bucket", 7, labels, i < family->leText.size() ? &family->leText[i] : &inf, double(cumulative));
                }
                writeLine(w, n, "_sum", 4, labels, nullptr, s.sum);
                writeLine(w, n, "_count", 6, labels, nullptr, double(cumulative));
            }
        }
    }
    m_lastRenderSize.store(out.size(), std::memory_order_relaxed);
    return out;
}

} // namespace rt::metrics
