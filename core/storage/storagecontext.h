#pragma once

#include "agentrepository.h"
#include "conversationrepository.h"
#include "database.h"
#include "debaterepository.h"
#include "maintenance.h"
#include "messagerepository.h"
#include "metricrepository.h"
#include "modelrepository.h"
#include "searchrepository.h"
#include "taskrepository.h"
#include "transcriptexporter.h"

namespace rt::storage {

// The repositories over one connection. Storage hands it to the functions it
// runs on its worker thread; tests and tools may build one over their own
// Database on their own thread.
class StorageContext final {
public:
    explicit StorageContext(Database &db)
        : m_db(db)
        , m_conversations(db)
        , m_messages(db)
        , m_debates(db)
        , m_agents(db)
        , m_models(db)
        , m_tasks(db)
        , m_metrics(db)
        , m_search(db)
        , m_maintenance(db)
        , m_exporter(db)
    {
    }
    StorageContext(const StorageContext &) = delete;
    StorageContext &operator=(const StorageContext &) = delete;

    Database &database() { return m_db; }
    ConversationRepository &conversations() { return m_conversations; }
    MessageRepository &messages() { return m_messages; }
    DebateRepository &debates() { return m_debates; }
    AgentRepository &agents() { return m_agents; }
    ModelRepository &models() { return m_models; }
    TaskRepository &tasks() { return m_tasks; }
    MetricRepository &metrics() { return m_metrics; }
    SearchRepository &search() { return m_search; }
    Maintenance &maintenance() { return m_maintenance; }
    TranscriptExporter &exporter() { return m_exporter; }

private:
    Database &m_db;
    ConversationRepository m_conversations;
    MessageRepository m_messages;
    DebateRepository m_debates;
    AgentRepository m_agents;
    ModelRepository m_models;
    TaskRepository m_tasks;
    MetricRepository m_metrics;
    SearchRepository m_search;
    Maintenance m_maintenance;
    TranscriptExporter m_exporter;
};

} // namespace rt::storage
