#pragma once

#include "simrandom.h"

#include <QJsonObject>
#include <QJsonValue>

namespace rt::sim {

// Produces a JSON value that validates against a (practical subset of) JSON
// Schema, deterministically from the random source: type (or a list of
// types), properties/required, items/minItems/maxItems, enum/const,
// minimum/maximum/exclusive*, minLength/maxLength, string formats date and
// date-time, anyOf/oneOf/allOf (first branch), local $ref (#/$defs/x).
class SchemaValueGenerator final {
public:
    SchemaValueGenerator(const QJsonObject &rootSchema, SimRandom &random);

    QJsonValue generate() { return generate(m_root, 0); }
    QJsonValue generate(const QJsonObject &schema, int depth);

    // A short phrase of dictionary words (used for strings).
    static QString phrase(SimRandom &random, int minWords, int maxWords);

private:
    QJsonObject resolve(const QJsonObject &schema) const;
    QJsonValue makeString(const QJsonObject &schema);
    QJsonValue makeNumber(const QJsonObject &schema, bool integer);
    QJsonValue makeArray(const QJsonObject &schema, int depth);
    QJsonValue makeObject(const QJsonObject &schema, int depth);

    QJsonObject m_root;
    SimRandom &m_random;
};

} // namespace rt::sim
