#include "commands.h"

namespace rt::cli {
const QList<Command> &commands()
{
    static const QList<Command> list = {
        {"chat", "Send a prompt to a model and stream the reply", &runChat},
        {"models", "List the models an Ollama host offers", &runModels},
    };
    return list;
}
} // namespace rt::cli
