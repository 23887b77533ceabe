#include "agentregistry.h"

#include "agentio.h"
#include "builtinroles.h"
#include "common/futurecallback.h"
#include "common/logging.h"
#include "common/translate.h"
#include "llm/modelinfo.h"
#include "llm/modelname.h"

#include <QCoreApplication>
#include <QReadLocker>
#include <QSet>
#include <QWriteLocker>
#include <algorithm>

namespace rt::agents {

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::agents)
};
} // namespace

namespace {
const QString CodeInvalid = QStringLiteral("invalid");
const QString CodeDuplicate = QStringLiteral("duplicate_name");
const QString CodeNotFound = QStringLiteral("not_found");
const QString CodeBuiltin = QStringLiteral("builtin_protected");

Error notFound(qint64 id)
{
    return Error { CodeNotFound, Tr::tr("There is no agent with id %1; it may have been deleted.").arg(id) };
}

bool displayLess(const Agent &a, const Agent &b)
{
    const int oa = a.builtin ? BuiltinRoles::order(a.role) : -1;
    const int ob = b.builtin ? BuiltinRoles::order(b.role) : -1;
    const bool ba = oa >= 0, bb = ob >= 0;
    if (ba != bb)
        return ba;
    if (ba && oa != ob)
        return oa < ob;
    if (const int c = a.name.compare(b.name, Qt::CaseInsensitive); c != 0)
        return c < 0;
    return a.id < b.id;
}
} // namespace

AgentRegistry::AgentRegistry(QObject *parent)
    : AgentRegistry(std::make_unique<MemoryAgentStore>(), parent)
{
}

AgentRegistry::AgentRegistry(std::unique_ptr<AgentStore> store, QObject *parent)
    : QObject(parent)
    , m_store(store ? std::move(store) : std::make_unique<MemoryAgentStore>())
{
    qRegisterMetaType<rt::agents::Agent>();
}

AgentRegistry::~AgentRegistry() = default;

QString AgentRegistry::key(const QString &name)
{
    return name.trimmed().toCaseFolded();
}

Agent AgentRegistry::normalised(Agent agent)
{
    agent.name = agent.name.trimmed();
    agent.model = agent.model.trimmed();
    agent.colour = agent.colour.trimmed();
    if (agent.role.trimmed().isEmpty())
        agent.role = QStringLiteral("custom");
    QStringList fallbacks;
    QSet<QString> seen;
    if (!agent.model.isEmpty())
        seen.insert(rt::llm::normalizeModelName(agent.model));
    for (const QString &m : std::as_const(agent.fallbackModels)) {
        const QString trimmed = m.trimmed();
        const QString norm = rt::llm::normalizeModelName(trimmed);
        if (!trimmed.isEmpty() && seen.contains(norm))
            continue;
        seen.insert(norm);
        fallbacks.append(trimmed);
    }
    agent.fallbackModels = fallbacks;
    return agent;
}

QList<Agent> AgentRegistry::missingBuiltins(const QList<Agent> &stored) const
{
    // Seed the built-in roles that are missing (first start, or added in a new version).
    QList<Agent> missing;
    QSet<QString> names;
    QSet<QString> builtinRoles;
    for (const Agent &a : stored) {
        names.insert(key(a.name));
        if (a.builtin)
            builtinRoles.insert(a.role);
    }
    for (const Agent &shipped : BuiltinRoles::all()) {
        if (builtinRoles.contains(shipped.role))
            continue;
        Agent seed = shipped;
        if (names.contains(key(seed.name))) {
            QString candidate = QStringLiteral("%1 (built-in)").arg(seed.name);
            for (int n = 2; names.contains(key(candidate)); ++n)
                candidate = QStringLiteral("%1 (built-in %2)").arg(seed.name).arg(n);
            seed.name = candidate;
        }
        names.insert(key(seed.name));
        missing.append(seed);
    }
    return missing;
}

void AgentRegistry::applyLoaded(const QList<Agent> &agents)
{
    {
        QWriteLocker locker(&m_lock);
        m_agents.clear();
        m_byName.clear();
        for (const Agent &a : agents) {
            m_agents.insert(a.id, a);
            m_byName.insert(key(a.name), a.id);
        }
    }
    emit agentsReset();
}

QFuture<rt::Status> AgentRegistry::loadAsync()
{
    auto promise = rt::startedPromise<rt::Status>();
    enqueue([this, promise](std::function<void()> done) {
        rt::whenReady(m_store->loadAll(), this, [this, promise, done](const rt::Result<QList<Agent>> &loaded) {
            if (!loaded) {
                rt::fulfil(*promise, rt::Status(loaded.error()));
                done();
                return;
            }
            const QList<Agent> agents = loaded.value();
            const QList<Agent> missing = missingBuiltins(agents);
            if (missing.isEmpty()) {
                applyLoaded(agents);
                rt::fulfil(*promise, rt::Status());
                done();
                return;
            }
            rt::whenReady(m_store->save(missing), this, [this, agents, promise, done](const rt::Result<QList<Agent>> &saved) {
                if (saved) {
                    qCDebug(lcAgents) << "added" << saved->size() << "built-in agents";
                    applyLoaded(agents + saved.value());
                    rt::fulfil(*promise, rt::Status());
                } else {
                    rt::fulfil(*promise, rt::Status(saved.error()));
                }
                done();
            });
        });
    });
    return promise->future();
}

void AgentRegistry::enqueue(Operation operation)
{
    bool start = false;
    {
        QMutexLocker locker(&m_queueMutex);
        m_queue.push_back(std::move(operation));
        start = !std::exchange(m_running, true);
    }
    if (start)
        QMetaObject::invokeMethod(this, &AgentRegistry::runNext, Qt::QueuedConnection);
}

void AgentRegistry::runNext()
{
    Operation operation;
    {
        QMutexLocker locker(&m_queueMutex);
        if (m_queue.empty()) {
            m_running = false;
            return;
        }
        operation = std::move(m_queue.front());
        m_queue.pop_front();
    }
    // The next one starts from the event loop, so a long queue never nests.
    operation([this] { QMetaObject::invokeMethod(this, &AgentRegistry::runNext, Qt::QueuedConnection); });
}

QList<Agent> AgentRegistry::agents() const
{
    QList<Agent> list;
    {
        QReadLocker locker(&m_lock);
        list = m_agents.values();
    }
    std::sort(list.begin(), list.end(), displayLess);
    return list;
}

std::optional<Agent> AgentRegistry::agent(qint64 id) const
{
    QReadLocker locker(&m_lock);
    const auto it = m_agents.constFind(id);
    if (it == m_agents.cend())
        return std::nullopt;
    return *it;
}

std::optional<Agent> AgentRegistry::findByName(const QString &name) const
{
    QReadLocker locker(&m_lock);
    const auto it = m_byName.constFind(key(name));
    if (it == m_byName.cend())
        return std::nullopt;
    return m_agents.value(*it);
}

std::optional<Agent> AgentRegistry::builtin(const QString &roleKey) const
{
    QReadLocker locker(&m_lock);
    for (const Agent &a : m_agents) {
        if (a.builtin && a.role == roleKey)
            return a;
    }
    return std::nullopt;
}

std::optional<Agent> AgentRegistry::find(const QString &idOrName) const
{
    if (auto byName = findByName(idOrName))
        return byName;
    bool isNumber = false;
    const qint64 id = idOrName.trimmed().toLongLong(&isNumber);
    if (isNumber)
        return agent(id);
    return std::nullopt;
}

qsizetype AgentRegistry::count() const
{
    QReadLocker locker(&m_lock);
    return m_agents.size();
}

void AgentRegistry::setKnownModels(const QList<rt::llm::ModelInfo> &models)
{
    ModelFacts facts;
    facts.known = true;
    for (const auto &m : models)
        facts.contextLengths.insert(rt::llm::normalizeModelName(m.name), m.contextLength);
    setModelFacts(facts);
}

void AgentRegistry::setModelFacts(const ModelFacts &facts)
{
    QWriteLocker locker(&m_lock);
    m_models = facts;
}

ModelFacts AgentRegistry::modelFacts() const
{
    QReadLocker locker(&m_lock);
    return m_models;
}

bool AgentRegistry::nameTakenLocked(const QString &name, qint64 exceptId) const
{
    const auto it = m_byName.constFind(key(name));
    return it != m_byName.cend() && *it != exceptId;
}

ValidationReport AgentRegistry::validateLocked(const Agent &agent) const
{
    ValidationReport report = validateAgent(agent, m_models);
    if (!agent.name.trimmed().isEmpty() && nameTakenLocked(agent.name, agent.id)) {
        report.issues.prepend({ ValidationIssue::Severity::Error, QStringLiteral("name"),
            Tr::tr("An agent named “%1” already exists; choose another name.").arg(agent.name.trimmed()) });
    }
    return report;
}

ValidationReport AgentRegistry::validate(const Agent &agent) const
{
    QReadLocker locker(&m_lock);
    return validateLocked(normalised(agent));
}

QString AgentRegistry::uniqueNameLocked(const QString &base, const QSet<QString> &alsoTaken) const
{
    const QString trimmed = base.trimmed();
    auto taken = [&](const QString &name) { return m_byName.contains(key(name)) || alsoTaken.contains(key(name)); };
    if (!taken(trimmed))
        return trimmed;
    // "Skeptic (copy)" -> "Skeptic (copy 2)"; "Skeptic" -> "Skeptic (2)"
    static const QRegularExpression suffix(QStringLiteral("^(.*) \\((copy)?(?: ?(\\d+))?\\)$"));
    QString stem = trimmed;
    QString word;
    if (const auto match = suffix.match(trimmed); match.hasMatch()) {
        stem = match.captured(1);
        word = match.captured(2);
    }
    for (int n = 2;; ++n) {
        const QString candidate
            = word.isEmpty() ? QStringLiteral("%1 (%2)").arg(stem).arg(n) : QStringLiteral("%1 (%2 %3)").arg(stem, word).arg(n);
        if (!taken(candidate))
            return candidate;
    }
}

QString AgentRegistry::uniqueName(const QString &base) const
{
    QReadLocker locker(&m_lock);
    return uniqueNameLocked(base);
}

void AgentRegistry::commitLocked(const QList<Agent> &saved)
{
    QWriteLocker locker(&m_lock);
    for (const Agent &a : saved) {
        if (const auto it = m_agents.constFind(a.id); it != m_agents.cend())
            m_byName.remove(key(it->name));
        m_agents.insert(a.id, a);
        m_byName.insert(key(a.name), a.id);
    }
}

void AgentRegistry::saveAndCommit(
    const QList<Agent> &toSave, const QList<bool> &isNew, std::function<void(const rt::Result<QList<Agent>> &)> finish)
{
    rt::whenReady(m_store->save(toSave), this, [this, isNew, finish](const rt::Result<QList<Agent>> &saved) {
        if (saved) {
            commitLocked(saved.value());
            for (qsizetype i = 0; i < saved->size(); ++i) {
                if (isNew.value(i))
                    emit agentAdded(saved->at(i));
                else
                    emit agentChanged(saved->at(i));
            }
        }
        finish(saved);
    });
}

void AgentRegistry::doAdd(Agent agent, std::function<void(const rt::Result<Agent> &)> finish)
{
    agent = normalised(agent);
    agent.id = 0;
    agent.builtin = false;
    ValidationReport report;
    bool duplicateName = false;
    {
        QReadLocker locker(&m_lock);
        report = validateLocked(agent);
        duplicateName = nameTakenLocked(agent.name, 0);
    }
    if (!report.ok()) {
        finish(Error { duplicateName ? CodeDuplicate : CodeInvalid, report.firstError() });
        return;
    }
    saveAndCommit({ agent }, { true }, [finish](const rt::Result<QList<Agent>> &saved) {
        if (!saved) {
            finish(saved.error());
            return;
        }
        qCDebug(lcAgents) << "added agent" << saved->first().id << saved->first().name;
        finish(saved->first());
    });
}

void AgentRegistry::doUpdate(Agent agent, std::function<void(const rt::Result<Agent> &)> finish)
{
    agent = normalised(agent);
    const std::optional<Agent> current = this->agent(agent.id);
    if (!current) {
        finish(notFound(agent.id));
        return;
    }
    // The built-in flag and role of a built-in agent are not the caller's to change.
    agent.builtin = current->builtin;
    if (current->builtin)
        agent.role = current->role;
    ValidationReport report;
    bool duplicateName = false;
    {
        QReadLocker locker(&m_lock);
        report = validateLocked(agent);
        duplicateName = nameTakenLocked(agent.name, agent.id);
    }
    if (!report.ok()) {
        finish(Error { duplicateName ? CodeDuplicate : CodeInvalid, report.firstError() });
        return;
    }
    if (agent == *current) {
        finish(agent); // nothing changed: no write, no signal
        return;
    }
    saveAndCommit({ agent }, { false }, [finish](const rt::Result<QList<Agent>> &saved) {
        if (!saved)
            finish(saved.error());
        else
            finish(saved->first());
    });
}

QFuture<rt::Result<Agent>> AgentRegistry::add(const Agent &input)
{
    auto promise = rt::startedPromise<rt::Result<Agent>>();
    enqueue([this, input, promise](std::function<void()> done) {
        doAdd(input, [promise, done](const rt::Result<Agent> &result) {
            rt::fulfil(*promise, result);
            done();
        });
    });
    return promise->future();
}

QFuture<rt::Result<Agent>> AgentRegistry::update(const Agent &input)
{
    auto promise = rt::startedPromise<rt::Result<Agent>>();
    enqueue([this, input, promise](std::function<void()> done) {
        doUpdate(input, [promise, done](const rt::Result<Agent> &result) {
            rt::fulfil(*promise, result);
            done();
        });
    });
    return promise->future();
}

QFuture<rt::Status> AgentRegistry::remove(qint64 id)
{
    auto promise = rt::startedPromise<rt::Status>();
    enqueue([this, id, promise](std::function<void()> done) {
        const std::optional<Agent> current = agent(id);
        if (!current || current->builtin) {
            rt::fulfil(*promise,
                rt::Status(!current ? notFound(id)
                                    : Error { CodeBuiltin,
                                        Tr::tr("“%1” is a built-in agent and cannot be deleted; duplicate it to make your own version, or "
                                               "reset it to its default.")
                                            .arg(current->name) }));
            done();
            return;
        }
        rt::whenReady(m_store->remove(id), this, [this, id, current, promise, done](const rt::Status &removed) {
            if (removed) {
                {
                    QWriteLocker locker(&m_lock);
                    m_agents.remove(id);
                    m_byName.remove(key(current->name));
                }
                emit agentRemoved(id, current->name);
            }
            rt::fulfil(*promise, removed);
            done();
        });
    });
    return promise->future();
}

QFuture<rt::Result<Agent>> AgentRegistry::duplicate(qint64 id, const QString &newName)
{
    auto promise = rt::startedPromise<rt::Result<Agent>>();
    enqueue([this, id, newName, promise](std::function<void()> done) {
        auto finish = [promise, done](const rt::Result<Agent> &result) {
            rt::fulfil(*promise, result);
            done();
        };
        const std::optional<Agent> source = agent(id);
        if (!source) {
            finish(notFound(id));
            return;
        }
        Agent copy = *source;
        copy.id = 0;
        copy.builtin = false;
        copy.name = newName.trimmed().isEmpty() ? uniqueName(QStringLiteral("%1 (copy)").arg(source->name)) : newName.trimmed();
        doAdd(copy, finish);
    });
    return promise->future();
}

QFuture<rt::Result<Agent>> AgentRegistry::resetToDefault(qint64 id)
{
    auto promise = rt::startedPromise<rt::Result<Agent>>();
    enqueue([this, id, promise](std::function<void()> done) {
        auto finish = [promise, done](const rt::Result<Agent> &result) {
            rt::fulfil(*promise, result);
            done();
        };
        const std::optional<Agent> current = agent(id);
        if (!current) {
            finish(notFound(id));
            return;
        }
        const std::optional<Agent> shipped = current->builtin ? BuiltinRoles::find(current->role) : std::nullopt;
        if (!shipped) {
            finish(Error { CodeInvalid, Tr::tr("“%1” is not a built-in agent, so it has no default to reset to.").arg(current->name) });
            return;
        }
        Agent restored = *shipped;
        restored.id = id;
        bool taken = false;
        {
            QReadLocker locker(&m_lock);
            taken = nameTakenLocked(restored.name, id);
        }
        if (taken) {
            finish(Error { CodeDuplicate,
                Tr::tr("Cannot reset “%1”: another agent is named “%2”; rename that agent first.").arg(current->name, restored.name) });
            return;
        }
        doUpdate(restored, finish);
    });
    return promise->future();
}

QFuture<rt::Result<QList<Agent>>> AgentRegistry::importJson(const QByteArray &json, ImportPolicy policy)
{
    auto parsed = parseAgentsJson(json);
    if (!parsed)
        return rt::readyFuture(rt::Result<QList<Agent>>(parsed.error()));
    return importAgents(parsed.value(), policy);
}

QFuture<rt::Result<QList<Agent>>> AgentRegistry::importAgents(QList<Agent> incoming, ImportPolicy policy)
{
    auto promise = rt::startedPromise<rt::Result<QList<Agent>>>();
    enqueue([this, incoming, policy, promise](std::function<void()> done) {
        auto finish = [promise, done](const rt::Result<QList<Agent>> &result) {
            rt::fulfil(*promise, result);
            done();
        };
        QList<Agent> toSave;
        QList<bool> isNew;
        {
            QReadLocker locker(&m_lock);
            QSet<QString> namesInFile;
            for (qsizetype i = 0; i < incoming.size(); ++i) {
                Agent agent = normalised(incoming.at(i));
                agent.id = 0;
                agent.builtin = false;
                const QString label
                    = agent.name.isEmpty() ? Tr::tr("Agent %1").arg(i + 1) : Tr::tr("Agent %1 (“%2”)").arg(i + 1).arg(agent.name);
                if (!agent.name.isEmpty() && namesInFile.contains(key(agent.name))) {
                    if (policy != ImportPolicy::Rename) {
                        locker.unlock();
                        finish(Error { QStringLiteral("import_invalid"),
                            Tr::tr("%1: the file contains this name twice; nothing was imported.").arg(label) });
                        return;
                    }
                    agent.name = uniqueNameLocked(agent.name, namesInFile);
                }
                const auto existing = m_byName.constFind(key(agent.name));
                if (!agent.name.isEmpty() && existing != m_byName.cend()) {
                    switch (policy) {
                    case ImportPolicy::FailOnConflict:
                        locker.unlock();
                        finish(Error { CodeDuplicate,
                            Tr::tr("%1: an agent with this name already exists; nothing was imported. Import with renaming or replacing "
                                   "instead.")
                                .arg(label) });
                        return;
                    case ImportPolicy::Rename:
                        agent.name = uniqueNameLocked(agent.name, namesInFile);
                        break;
                    case ImportPolicy::Replace: {
                        const Agent old = m_agents.value(*existing);
                        agent.id = old.id;
                        agent.builtin = old.builtin;
                        if (old.builtin)
                            agent.role = old.role;
                        break;
                    }
                    }
                }
                ValidationReport report = validateAgent(agent, m_models);
                if (!report.ok()) {
                    locker.unlock();
                    finish(
                        Error { QStringLiteral("import_invalid"), Tr::tr("%1: %2 Nothing was imported.").arg(label, report.firstError()) });
                    return;
                }
                namesInFile.insert(key(agent.name));
                isNew.append(agent.id == 0);
                toSave.append(agent);
            }
        }
        saveAndCommit(toSave, isNew, [finish](const rt::Result<QList<Agent>> &saved) {
            if (saved)
                qCDebug(lcAgents) << "imported" << saved->size() << "agents";
            finish(saved);
        });
    });
    return promise->future();
}

QByteArray AgentRegistry::exportJson(const QList<qint64> &ids) const
{
    QList<Agent> list;
    if (ids.isEmpty()) {
        list = agents();
    } else {
        for (qint64 id : ids) {
            if (auto a = agent(id))
                list.append(*a);
        }
    }
    return agentsToJson(list);
}

} // namespace rt::agents
