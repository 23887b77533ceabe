#include "debatetext.h"

namespace rt::ui {

using rt::TurnKind;
using rt::debate::FormatKind;
using rt::debate::SeatRole;

QList<FormatKind> DebateText::formats()
{
    return { FormatKind::Simultaneous, FormatKind::RoundRobin, FormatKind::Adversarial, FormatKind::Council, FormatKind::Vote };
}

QString DebateText::formatName(FormatKind kind)
{
    switch (kind) {
    case FormatKind::Simultaneous:
        return tr("Simultaneous");
    case FormatKind::RoundRobin:
        return tr("Round robin");
    case FormatKind::Adversarial:
        return tr("Adversarial");
    case FormatKind::Council:
        return tr("Council");
    case FormatKind::Vote:
        return tr("Vote");
    }
    return {};
}

QString DebateText::formatName(const QString &stored)
{
    const std::optional<FormatKind> kind = rt::debate::parseFormatKind(stored);
    return kind ? formatName(*kind) : stored;
}

// The sentences say what each format does, from its header in core/debate.
QString DebateText::formatHelp(FormatKind kind)
{
    switch (kind) {
    case FormatKind::Simultaneous:
        return tr("Everyone answers alone in round 1; in each later round everyone reads all answers of the round before and may revise.");
    case FormatKind::RoundRobin:
        return tr("Agents speak one after another and each reads everything said so far; the first speaker rotates every round.");
    case FormatKind::Adversarial:
        return tr("A proponent and an opponent argue; after each round a judge decides whether the question is settled and finally gives "
                  "a verdict.");
    case FormatKind::Council:
        return tr("Every member answers alone, then ranks all answers under anonymous labels; a chair writes the final answer from them.");
    case FormatKind::Vote:
        return tr("No discussion: independent answers and a confidence-weighted majority, the honest baseline to compare a debate with.");
    }
    return {};
}

QString DebateText::phaseName(const QString &phase)
{
    if (phase == u"answers")
        return tr("answers");
    if (phase == u"revision")
        return tr("revision");
    if (phase == u"ranking")
        return tr("ranking");
    if (phase == u"arguments")
        return tr("arguments");
    if (phase == u"samples")
        return tr("samples");
    return phase;
}

QString DebateText::roleName(SeatRole role)
{
    switch (role) {
    case SeatRole::Debater:
        return tr("debater");
    case SeatRole::Proponent:
        return tr("proponent");
    case SeatRole::Opponent:
        return tr("opponent");
    case SeatRole::Judge:
        return tr("judge");
    case SeatRole::Chair:
        return tr("chair");
    case SeatRole::Synthesizer:
        return tr("synthesiser");
    }
    return {};
}

QString DebateText::turnKindName(TurnKind kind)
{
    switch (kind) {
    case TurnKind::Turn:
        return tr("turn");
    case TurnKind::Interjection:
        return tr("interjection");
    case TurnKind::Synthesis:
        return tr("synthesis");
    case TurnKind::Verdict:
        return tr("verdict");
    case TurnKind::Ranking:
        return tr("ranking");
    case TurnKind::Repair:
        return tr("repair");
    }
    return {};
}

QString DebateText::turnStatusName(rt::TurnStatus status)
{
    switch (status) {
    case rt::TurnStatus::Complete:
        return tr("complete");
    case rt::TurnStatus::Partial:
        return tr("partial");
    case rt::TurnStatus::Interrupted:
        return tr("interrupted");
    case rt::TurnStatus::Failed:
        return tr("failed");
    }
    return {};
}

} // namespace rt::ui
