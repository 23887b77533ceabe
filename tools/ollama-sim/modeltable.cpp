#include "modeltable.h"

#include "simrandom.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace rt::sim {

namespace {

QString digestFor(const QString &name)
{
    SimRandom rng(fnv1a(QStringView(name)));
    QString hex;
    hex.reserve(64);
    for (int i = 0; i < 4; ++i)
        hex += u"%1"_s.arg(qulonglong(rng.next()), 16, 16, QChar(u'0'));
    return hex;
}

QDateTime fixedDate(int dayOffset)
{
    // Fixed so that /api/tags is byte-for-byte stable across runs.
    return QDateTime(QDate(2025, 9, 1).addDays(dayOffset), QTime(10, 30, 0), QTimeZone::utc());
}

SimModel make(const QString &name, const QString &family, const QString &params, const QString &quant, qint64 size, int ctx, int emb,
    const QStringList &caps, int dayOffset, int tps = 0)
{
    SimModel m;
    m.name = name;
    m.family = family;
    m.architecture = family;
    m.parameterSize = params;
    m.quantization = quant;
    m.size = size;
    m.digest = digestFor(name);
    m.contextLength = ctx;
    m.embeddingLength = emb;
    m.capabilities = caps;
    m.tokensPerSecond = tps;
    m.modifiedAt = fixedDate(dayOffset);
    return m;
}

} // namespace

QJsonObject SimModel::detailsJson() const
{
    QJsonObject d;
    d.insert(u"parent_model"_s, QString());
    d.insert(u"format"_s, u"gguf"_s);
    d.insert(u"family"_s, family);
    d.insert(u"families"_s, QJsonArray { family });
    d.insert(u"parameter_size"_s, parameterSize);
    d.insert(u"quantization_level"_s, quantization);
    if (contextLength > 0)
        d.insert(u"context_length"_s, contextLength);
    if (embeddingLength > 0)
        d.insert(u"embedding_length"_s, embeddingLength);
    return d;
}

ModelTable::ModelTable()
    : m_initialInstalled(defaultInstalled())
    , m_installed(m_initialInstalled)
    , m_registry(defaultRegistry())
{
    m_registry.append(m_initialInstalled);
}

QList<SimModel> ModelTable::defaultInstalled()
{
    const QStringList completionTools { u"completion"_s, u"tools"_s };
    const QStringList completionThinking { u"completion"_s, u"thinking"_s };
    const QStringList completion { u"completion"_s };
    return {
        make(u"llama3.2:1b"_s, u"llama"_s, u"1.2B"_s, u"Q8_0"_s, 1321098329, 131072, 2048, completionTools, 0),
        make(u"qwen3:0.6b"_s, u"qwen3"_s, u"751.63M"_s, u"Q4_K_M"_s, 522653767, 40960, 1024, completionThinking, 1),
        make(u"gemma3:1b"_s, u"gemma3"_s, u"999.89M"_s, u"Q4_K_M"_s, 815319791, 32768, 1152, completion, 2),
        make(u"nomic-embed-text:latest"_s, u"nomic-bert"_s, u"137M"_s, u"F16"_s, 274302450, 2048, 768, { u"embedding"_s }, 3),
        make(u"sim-slow:latest"_s, u"llama"_s, u"1.2B"_s, u"Q4_K_M"_s, 807690857, 8192, 2048, completion, 4, 20),
    };
}

QList<SimModel> ModelTable::defaultRegistry()
{
    const QStringList completionTools { u"completion"_s, u"tools"_s };
    return {
        make(u"llama3.2:3b"_s, u"llama"_s, u"3.2B"_s, u"Q4_K_M"_s, 2019393189, 131072, 3072, completionTools, 5),
        make(u"mistral:7b"_s, u"llama"_s, u"7.2B"_s, u"Q4_0"_s, 4113301824, 32768, 4096, completionTools, 6),
        make(u"tinyllama:latest"_s, u"llama"_s, u"1B"_s, u"Q4_0"_s, 637700138, 2048, 2048, { u"completion"_s }, 7),
        make(u"all-minilm:latest"_s, u"bert"_s, u"23M"_s, u"F16"_s, 45960996, 512, 384, { u"embedding"_s }, 8),
        make(u"deepseek-r1:1.5b"_s, u"qwen2"_s, u"1.8B"_s, u"Q4_K_M"_s, 1117322599, 131072, 1536, { u"completion"_s, u"thinking"_s }, 9),
    };
}

bool ModelTable::loadFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot open models file %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = u"models file %1: %2 at offset %3"_s.arg(path, parseError.errorString()).arg(parseError.offset);
        return false;
    }
    const QJsonArray list = doc.isArray() ? doc.array() : doc.object().value(u"models"_s).toArray();
    if (list.isEmpty()) {
        *error = u"models file %1 lists no models"_s.arg(path);
        return false;
    }
    QList<SimModel> installed;
    QList<SimModel> registry;
    int index = 0;
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        const QString name = normalizeName(o.value(u"name"_s).toString());
        if (name.isEmpty()) {
            *error = u"models file %1: entry %2 has no name"_s.arg(path).arg(index);
            return false;
        }
        QStringList caps;
        for (const QJsonValue &c : o.value(u"capabilities"_s).toArray())
            caps << c.toString();
        if (caps.isEmpty())
            caps << u"completion"_s;
        SimModel m = make(name, o.value(u"family"_s).toString(u"llama"_s), o.value(u"parameter_size"_s).toString(u"1B"_s),
            o.value(u"quantization_level"_s).toString(u"Q4_K_M"_s), qint64(o.value(u"size"_s).toDouble(700000000)),
            o.value(u"context_length"_s).toInt(8192), o.value(u"embedding_length"_s).toInt(2048), caps, index, o.value(u"tps"_s).toInt(0));
        if (o.contains(u"architecture"_s))
            m.architecture = o.value(u"architecture"_s).toString();
        if (o.contains(u"digest"_s))
            m.digest = o.value(u"digest"_s).toString().remove(u"sha256:"_s);
        registry.append(m);
        if (o.value(u"installed"_s).toBool(true))
            installed.append(m);
        ++index;
    }
    m_initialInstalled = installed;
    m_installed = installed;
    m_registry = registry;
    m_loaded.clear();
    return true;
}

QString ModelTable::normalizeName(QStringView name)
{
    QString n = name.trimmed().toString();
    if (n.isEmpty())
        return n;
    const qsizetype slash = n.lastIndexOf(u'/');
    if (n.indexOf(u':', slash + 1) < 0)
        n += u":latest"_s;
    return n;
}

const SimModel *ModelTable::find(const QString &name) const
{
    const QString n = normalizeName(name);
    for (const SimModel &m : m_installed) {
        if (m.name.compare(n, Qt::CaseInsensitive) == 0)
            return &m;
    }
    return nullptr;
}

const SimModel *ModelTable::findInRegistry(const QString &name) const
{
    const QString n = normalizeName(name);
    for (const SimModel &m : m_registry) {
        if (m.name.compare(n, Qt::CaseInsensitive) == 0)
            return &m;
    }
    return nullptr;
}

void ModelTable::install(SimModel model)
{
    for (SimModel &m : m_installed) {
        if (m.name == model.name) {
            m = std::move(model);
            return;
        }
    }
    m_installed.append(std::move(model));
}

bool ModelTable::remove(const QString &name)
{
    const QString n = normalizeName(name);
    for (qsizetype i = 0; i < m_installed.size(); ++i) {
        if (m_installed[i].name.compare(n, Qt::CaseInsensitive) == 0) {
            unload(m_installed[i].name);
            m_installed.removeAt(i);
            return true;
        }
    }
    return false;
}

bool ModelTable::copy(const QString &source, const QString &destination)
{
    const SimModel *src = find(source);
    const QString dst = normalizeName(destination);
    if (!src || dst.isEmpty())
        return false;
    SimModel m = *src;
    m.name = dst;
    m.modifiedAt = QDateTime::currentDateTimeUtc();
    install(std::move(m));
    return true;
}

void ModelTable::resetToInitial()
{
    m_installed = m_initialInstalled;
    m_loaded.clear();
}

bool ModelTable::touchLoaded(const QString &name, int contextLength, const QDateTime &expiresAt)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (LoadedModel &l : m_loaded) {
        if (l.name != name)
            continue;
        const bool reload = l.expiresAt <= now || l.contextLength != contextLength;
        l.expiresAt = expiresAt;
        l.contextLength = contextLength;
        return reload;
    }
    m_loaded.append(LoadedModel { name, expiresAt, contextLength });
    return true;
}

void ModelTable::unload(const QString &name)
{
    m_loaded.removeIf([&](const LoadedModel &l) { return l.name == name; });
}

QList<LoadedModel> ModelTable::loaded(const QDateTime &now) const
{
    QList<LoadedModel> out;
    for (const LoadedModel &l : m_loaded) {
        if (l.expiresAt > now && find(l.name))
            out.append(l);
    }
    return out;
}

} // namespace rt::sim
