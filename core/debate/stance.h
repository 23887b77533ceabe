#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace rt::debate {

// What a reply is asked to contain. Each shape has its JSON schema, sent as
// Ollama's `format`, and a visible text field shown while it streams.
enum class ReplyShape {
    Stance, // a debater's turn: argument, answer, confidence, key points, agrees/disagrees
    Verdict, // a judge: reason, settled, winner, answer, confidence
    Ranking, // a council member ranking anonymised responses: reason, ranking
    Synthesis, // a synthesiser or chair: synthesis, answer, confidence
};

// A position taken in one reply, as parsed from it.
struct Stance {
    enum class Source {
        None, // no usable position ("no stance")
        Schema, // the reply was valid JSON for the schema
        Repaired, // the repair request's reply was valid
        Tolerant, // JSON found inside prose or a code fence
        Fallback, // only an answer guessed from the text (\boxed{}, "answer: ...", last number)
    };

    Source source = Source::None;
    QString answer;
    std::optional<double> confidence; // 0..1; unset when the model gave none
    QStringList keyPoints;
    QStringList agreesWith;
    QStringList disagreesWith;
    QString argument; // argument, reason or synthesis text
    // Verdict
    std::optional<bool> settled;
    QString winner;
    // Ranking: labels, best first
    QStringList ranking;

    bool hasAnswer() const { return !answer.trimmed().isEmpty(); }
    // parse_ok: the model followed the schema (first time or after the repair).
    bool parseOk() const { return source == Source::Schema || source == Source::Repaired; }
    bool isNone() const { return source == Source::None; }

    QJsonObject toJson() const;
    static Stance fromJson(const QJsonObject &object);
    static QString sourceName(Source source);
};

// Schemas, strict parsing, tolerant recovery.
class StanceParser final {
public:
    // peers: names the agent may agree or disagree with; labels: ranking choices.
    static QJsonObject schema(ReplyShape shape, const QStringList &peers = {}, const QStringList &labels = {});
    static QString visibleField(ReplyShape shape);

    // The whole reply must be one JSON object with the shape's required fields.
    static std::optional<Stance> parseStrict(const QString &content, ReplyShape shape);
    // JSON inside prose or a ``` fence; then, for stances, an answer guessed from the text.
    static std::optional<Stance> parseTolerant(const QString &content, ReplyShape shape);
    // The message asking a model to fix a reply that did not fit the schema.
    static QString repairPrompt(ReplyShape shape, const QString &problem);
    // Why a reply failed strict parsing, for the repair prompt and the log.
    static QString problemWith(const QString &content, ReplyShape shape);

    // Exposed for tests.
    static std::optional<Stance> fromObject(const QJsonObject &object, ReplyShape shape, bool relaxed);
    static std::optional<double> readConfidence(const QJsonValue &value);
    static QString guessAnswer(const QString &text);
};

} // namespace rt::debate

Q_DECLARE_METATYPE(rt::debate::Stance)
