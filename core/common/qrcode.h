#pragma once

#include <QByteArrayView>
#include <cstdint>
#include <optional>
#include <vector>

namespace rt {

// A QR code symbol (ISO/IEC 18004, model 2) holding bytes in byte mode: the
// smallest version 1..40 that fits at the asked error correction level, the
// mask with the lowest penalty of the eight. Text is passed as UTF-8 without
// an ECI header, which is what phone scanners expect of a URL.
class QrCode final {
public:
    // Recoverable share of the codewords: about 7, 15, 25 and 30%.
    enum class Ecc { Low, Medium, Quartile, High };

    // nullopt when the bytes do not fit in version 40 at this level
    // (2953 bytes at Low, 2331 at Medium, 1663 at Quartile, 1273 at High).
    static std::optional<QrCode> encode(QByteArrayView utf8, Ecc ecc = Ecc::Medium);

    int size() const { return m_size; } // modules per side, 4 * version + 17
    bool module(int x, int y) const; // true = dark; x is the column, y the row; outside the symbol: light
    int version() const { return m_version; }
    int mask() const { return m_mask; }
    Ecc ecc() const { return m_ecc; }

private:
    QrCode(int version, Ecc ecc, int mask, std::vector<std::uint8_t> modules);

    int m_version = 0;
    int m_size = 0;
    Ecc m_ecc = Ecc::Medium;
    int m_mask = 0;
    std::vector<std::uint8_t> m_modules; // row-major, 1 = dark
};

} // namespace rt
