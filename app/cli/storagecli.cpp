#include "storagecli.h"

#include "commands.h"
#include "common/translate.h"

namespace rt::cli {

using namespace rt::storage;

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(rt::cli::common)
};
} // namespace

int exitCodeFor(const rt::Error &error)
{
    if (error.code == u"usage")
        return ExitUsage;
    return ExitFailure;
}

int fail(const rt::Error &error)
{
    err(error.message);
    return exitCodeFor(error);
}

std::unique_ptr<Storage> openStorage(const QString &dbValue, bool recover, int *exitCode)
{
    auto location = resolveDatabaseLocation(dbValue);
    if (!location.ok()) {
        *exitCode = fail(location.error());
        return nullptr;
    }
    auto storage = std::make_unique<Storage>();
    OpenOptions options;
    options.recover = recover;
    options.staleAfterSeconds = recover ? 10 : 0;
    auto opened = waitFor(storage->open(*location, options));
    if (!opened.ok()) {
        *exitCode = fail(opened.error());
        return nullptr;
    }
    if (opened->interrupted.total() > 0) {
        err(Tr::tr("Note: %n message(s) or debate(s) left unfinished by an earlier crash were marked interrupted.", nullptr,
            opened->interrupted.total()));
    }
    *exitCode = ExitOk;
    return storage;
}

} // namespace rt::cli
