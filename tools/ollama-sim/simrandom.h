#pragma once

#include <QByteArrayView>
#include <QStringView>
#include <cstdint>

namespace rt::sim {

// Small deterministic generator (splitmix64): the simulator's output must be a
// pure function of its inputs, so no global or time-based randomness.
class SimRandom final {
public:
    explicit SimRandom(quint64 seed)
        : m_state(seed)
    {
    }

    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound).
    quint32 below(quint32 bound) { return bound == 0 ? 0 : quint32(next() % bound); }
    // Uniform in [lo, hi] (inclusive).
    qint64 between(qint64 lo, qint64 hi)
    {
        if (hi <= lo)
            return lo;
        return lo + qint64(next() % quint64(hi - lo + 1));
    }
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    bool chance(double p) { return unit() < p; }

private:
    quint64 m_state;
};

// FNV-1a, used to derive seeds from names and text.
inline quint64 fnv1a(QByteArrayView bytes, quint64 hash = 0xCBF29CE484222325ULL)
{
    for (const char c : bytes) {
        hash ^= quint8(c);
        hash *= 0x100000001B3ULL;
    }
    return hash;
}

inline quint64 fnv1a(QStringView text, quint64 hash = 0xCBF29CE484222325ULL)
{
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 0x100000001B3ULL;
    }
    return hash;
}

inline quint64 mixSeed(quint64 a, quint64 b)
{
    SimRandom r(a ^ (b * 0x9E3779B97F4A7C15ULL));
    return r.next();
}

} // namespace rt::sim
