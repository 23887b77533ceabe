#include "qrcode.h"

#include <QtGlobal>
#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <utility>

namespace rt {

namespace {

constexpr int MaxVersion = 40;

// ISO/IEC 18004 table 9, per level (L, M, Q, H) and version (index 0 unused):
// error correction codewords in each block, and the number of blocks.
constexpr std::array<std::array<std::int8_t, MaxVersion + 1>, 4> EccCodewordsPerBlock { {
    { -1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30,
        30, 30, 30, 30, 30, 30, 30 },
    { -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28 },
    { -1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30,
        30, 30, 30, 30, 30, 30, 30, 30 },
    { -1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        30, 30, 30, 30, 30, 30, 30, 30 },
} };
constexpr std::array<std::array<std::int8_t, MaxVersion + 1>, 4> BlockCount { {
    { -1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22,
        24, 25 },
    { -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40,
        43, 45, 47, 49 },
    { -1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53,
        56, 59, 62, 65, 68 },
    { -1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63,
        66, 70, 74, 77, 81 },
} };

int level(QrCode::Ecc ecc)
{
    return static_cast<int>(ecc);
}

// The two bits the format information gives each level (not in the order of strength).
int formatLevelBits(QrCode::Ecc ecc)
{
    switch (ecc) {
    case QrCode::Ecc::Low:
        return 1;
    case QrCode::Ecc::Medium:
        return 0;
    case QrCode::Ecc::Quartile:
        return 3;
    case QrCode::Ecc::High:
        return 2;
    }
    return 0;
}

int sideOf(int version)
{
    return 4 * version + 17;
}

// Modules left for codewords once the function patterns are drawn: finders with
// their separators, timing, alignment (less what it shares with timing), format
// information with the dark module, version information.
int rawDataModules(int version)
{
    const int side = sideOf(version);
    int modules = side * side - 3 * 64 - 2 * (side - 16) - 31;
    if (version >= 2) {
        const int n = version / 7 + 2;
        modules -= 25 * n * n - 10 * n - 55;
    }
    if (version >= 7)
        modules -= 36;
    return modules;
}

int totalCodewords(int version)
{
    return rawDataModules(version) / 8;
}

int dataCodewords(int version, QrCode::Ecc ecc)
{
    return totalCodewords(version) - EccCodewordsPerBlock[level(ecc)][version] * BlockCount[level(ecc)][version];
}

int characterCountBits(int version)
{
    return version <= 9 ? 8 : 16;
}

// Centres of the alignment patterns along either axis: from 6 to side - 7,
// evenly spaced by an even step, the odd gap at the start.
std::vector<int> alignmentPositions(int version)
{
    if (version == 1)
        return {};
    const int n = version / 7 + 2;
    const int side = sideOf(version);
    const int step = version == 32 ? 26 : (side - 13 + 2 * n - 3) / (2 * n - 2) * 2;
    std::vector<int> positions(n);
    positions[0] = 6;
    for (int i = 1; i < n; ++i)
        positions[i] = side - 7 - (n - 1 - i) * step;
    return positions;
}

// GF(256) with the field polynomial x^8 + x^4 + x^3 + x^2 + 1.
std::uint8_t gfMultiply(std::uint8_t a, std::uint8_t b)
{
    unsigned product = 0;
    unsigned shifted = a;
    for (unsigned rest = b; rest != 0; rest >>= 1) {
        if (rest & 1)
            product ^= shifted;
        shifted <<= 1;
        if (shifted & 0x100)
            shifted ^= 0x11d;
    }
    return static_cast<std::uint8_t>(product);
}

// (x - a^0)(x - a^1)...(x - a^(degree-1)), highest power first, a = 2.
std::vector<std::uint8_t> rsGenerator(int degree)
{
    std::vector<std::uint8_t> poly { 1 };
    std::uint8_t root = 1;
    for (int i = 0; i < degree; ++i) {
        std::vector<std::uint8_t> next(poly.size() + 1, 0);
        for (std::size_t j = 0; j < next.size(); ++j) {
            if (j < poly.size())
                next[j] = poly[j];
            if (j > 0)
                next[j] ^= gfMultiply(poly[j - 1], root);
        }
        poly = std::move(next);
        root = gfMultiply(root, 2);
    }
    return poly;
}

// The error correction codewords: data(x) * x^degree mod generator(x).
std::vector<std::uint8_t> rsRemainder(const std::vector<std::uint8_t> &data, const std::vector<std::uint8_t> &generator)
{
    const std::size_t degree = generator.size() - 1;
    std::vector<std::uint8_t> remainder(degree, 0);
    for (std::uint8_t byte : data) {
        const std::uint8_t factor = byte ^ remainder.front();
        std::rotate(remainder.begin(), remainder.begin() + 1, remainder.end());
        remainder.back() = 0;
        for (std::size_t i = 0; i < degree; ++i)
            remainder[i] ^= gfMultiply(generator[i + 1], factor);
    }
    return remainder;
}

class BitWriter {
public:
    void append(unsigned value, int bits)
    {
        for (int i = bits - 1; i >= 0; --i) {
            if (m_length % 8 == 0)
                m_bytes.push_back(0);
            if ((value >> i) & 1)
                m_bytes.back() |= static_cast<std::uint8_t>(0x80 >> (m_length % 8));
            ++m_length;
        }
    }
    qsizetype length() const { return m_length; }
    std::vector<std::uint8_t> &bytes() { return m_bytes; }

private:
    std::vector<std::uint8_t> m_bytes;
    qsizetype m_length = 0;
};

// Mode indicator, count, the bytes, terminator, then pad codewords to fill the version.
std::vector<std::uint8_t> dataCodewordsFor(QByteArrayView bytes, int version, QrCode::Ecc ecc)
{
    const qsizetype capacityBits = qsizetype(dataCodewords(version, ecc)) * 8;
    BitWriter writer;
    writer.append(0b0100, 4);
    writer.append(static_cast<unsigned>(bytes.size()), characterCountBits(version));
    for (char byte : bytes)
        writer.append(static_cast<std::uint8_t>(byte), 8);
    writer.append(0, static_cast<int>(std::min<qsizetype>(4, capacityBits - writer.length())));
    writer.append(0, static_cast<int>((8 - writer.length() % 8) % 8));
    for (unsigned pad = 0xec; writer.length() < capacityBits; pad ^= 0xec ^ 0x11)
        writer.append(pad, 8);
    Q_ASSERT(writer.length() == capacityBits);
    return std::move(writer.bytes());
}

// Splits the data into the version's blocks (the later ones a codeword longer when
// it does not divide evenly), adds each block's error correction, and interleaves:
// the i-th data codeword of every block in turn, then the same for the error correction.
std::vector<std::uint8_t> interleavedCodewords(const std::vector<std::uint8_t> &data, int version, QrCode::Ecc ecc)
{
    const int blocks = BlockCount[level(ecc)][version];
    const int eccLength = EccCodewordsPerBlock[level(ecc)][version];
    const int total = totalCodewords(version);
    const int shortBlocks = blocks - total % blocks;
    const int shortDataLength = total / blocks - eccLength;
    const std::vector<std::uint8_t> generator = rsGenerator(eccLength);

    std::vector<std::vector<std::uint8_t>> dataBlocks;
    std::vector<std::vector<std::uint8_t>> eccBlocks;
    auto next = data.cbegin();
    for (int b = 0; b < blocks; ++b) {
        const int length = shortDataLength + (b >= shortBlocks ? 1 : 0);
        dataBlocks.emplace_back(next, next + length);
        next += length;
        eccBlocks.push_back(rsRemainder(dataBlocks.back(), generator));
    }
    Q_ASSERT(next == data.cend());

    std::vector<std::uint8_t> out;
    out.reserve(std::size_t(total));
    for (int i = 0; i <= shortDataLength; ++i) {
        for (const auto &block : dataBlocks) {
            if (std::size_t(i) < block.size())
                out.push_back(block[std::size_t(i)]);
        }
    }
    for (int i = 0; i < eccLength; ++i) {
        for (const auto &block : eccBlocks)
            out.push_back(block[std::size_t(i)]);
    }
    Q_ASSERT(out.size() == std::size_t(total));
    return out;
}

// The symbol being built: module colours, and which modules belong to function
// patterns (never data, never masked).
struct Matrix {
    explicit Matrix(int v)
        : version(v)
        , side(sideOf(v))
        , dark(std::size_t(side * side), 0)
        , function(std::size_t(side * side), 0)
    {
    }

    bool isDark(int x, int y) const { return dark[std::size_t(y * side + x)] != 0; }
    bool isFunction(int x, int y) const { return function[std::size_t(y * side + x)] != 0; }
    void setFunction(int x, int y, bool isDarkModule)
    {
        dark[std::size_t(y * side + x)] = isDarkModule ? 1 : 0;
        function[std::size_t(y * side + x)] = 1;
    }

    int version;
    int side;
    std::vector<std::uint8_t> dark;
    std::vector<std::uint8_t> function;
};

// A finder pattern with its separator: dark centre 3x3, light ring, dark ring, light separator.
void drawFinder(Matrix &m, int centreX, int centreY)
{
    for (int dy = -4; dy <= 4; ++dy) {
        for (int dx = -4; dx <= 4; ++dx) {
            const int x = centreX + dx;
            const int y = centreY + dy;
            if (x < 0 || y < 0 || x >= m.side || y >= m.side)
                continue;
            const int ring = std::max(std::abs(dx), std::abs(dy));
            m.setFunction(x, y, ring != 2 && ring != 4);
        }
    }
}

void drawAlignment(Matrix &m, int centreX, int centreY)
{
    for (int dy = -2; dy <= 2; ++dy) {
        for (int dx = -2; dx <= 2; ++dx)
            m.setFunction(centreX + dx, centreY + dy, std::max(std::abs(dx), std::abs(dy)) != 1);
    }
}

// 5 bits (level, mask) + BCH(15,5) with x^10 + x^8 + x^5 + x^4 + x^2 + x + 1, masked with
// 101010000010010 so that no format information is all light.
int formatBits(QrCode::Ecc ecc, int mask)
{
    const int data = formatLevelBits(ecc) << 3 | mask;
    int remainder = data;
    for (int i = 0; i < 10; ++i)
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
    return ((data << 10) | remainder) ^ 0x5412;
}

// Both copies, bit 0 the least significant, and the dark module beside the lower copy.
void drawFormat(Matrix &m, QrCode::Ecc ecc, int mask)
{
    const int bits = formatBits(ecc, mask);
    auto bit = [bits](int i) { return ((bits >> i) & 1) != 0; };
    for (int i = 0; i <= 5; ++i)
        m.setFunction(8, i, bit(i));
    m.setFunction(8, 7, bit(6));
    m.setFunction(8, 8, bit(7));
    m.setFunction(7, 8, bit(8));
    for (int i = 9; i < 15; ++i)
        m.setFunction(14 - i, 8, bit(i));
    for (int i = 0; i < 8; ++i)
        m.setFunction(m.side - 1 - i, 8, bit(i));
    for (int i = 8; i < 15; ++i)
        m.setFunction(8, m.side - 15 + i, bit(i));
    m.setFunction(8, m.side - 8, true);
}

// Versions 7 and up: 6 bits of version + BCH(18,6) with x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1,
// in a 3x6 block above the lower-left finder and its transpose left of the upper-right one.
void drawVersion(Matrix &m)
{
    if (m.version < 7)
        return;
    int remainder = m.version;
    for (int i = 0; i < 12; ++i)
        remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1f25);
    const int bits = m.version << 12 | remainder;
    for (int i = 0; i < 18; ++i) {
        const bool isDark = ((bits >> i) & 1) != 0;
        const int across = m.side - 11 + i % 3;
        const int along = i / 3;
        m.setFunction(across, along, isDark);
        m.setFunction(along, across, isDark);
    }
}

void drawFunctionPatterns(Matrix &m, QrCode::Ecc ecc)
{
    // Timing first: the finders and alignment patterns drawn after it cover its ends.
    for (int i = 0; i < m.side; ++i) {
        m.setFunction(6, i, i % 2 == 0);
        m.setFunction(i, 6, i % 2 == 0);
    }
    drawFinder(m, 3, 3);
    drawFinder(m, m.side - 4, 3);
    drawFinder(m, 3, m.side - 4);
    const std::vector<int> positions = alignmentPositions(m.version);
    const std::size_t n = positions.size();
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            const bool onFinder = (i == 0 && j == 0) || (i == 0 && j == n - 1) || (i == n - 1 && j == 0);
            if (!onFinder)
                drawAlignment(m, positions[i], positions[j]);
        }
    }
    drawFormat(m, ecc, 0); // reserves the area; drawn again for the mask chosen
    drawVersion(m);
}

// Two columns at a time from the right, up then down, skipping the vertical timing
// column; modules past the last codeword (remainder bits) stay light.
void placeCodewords(Matrix &m, const std::vector<std::uint8_t> &codewords)
{
    const qsizetype bitCount = qsizetype(codewords.size()) * 8;
    qsizetype next = 0;
    [[maybe_unused]] int dataModules = 0;
    for (int right = m.side - 1; right >= 1; right -= 2) {
        if (right == 6)
            right = 5;
        const bool upward = ((m.side - 1 - right) / 2) % 2 == 0;
        for (int step = 0; step < m.side; ++step) {
            const int y = upward ? m.side - 1 - step : step;
            for (int x = right; x >= right - 1; --x) {
                if (m.isFunction(x, y))
                    continue;
                ++dataModules;
                if (next < bitCount) {
                    const std::uint8_t byte = codewords[std::size_t(next / 8)];
                    m.dark[std::size_t(y * m.side + x)] = (byte >> (7 - next % 8)) & 1;
                    ++next;
                }
            }
        }
    }
    Q_ASSERT(next == bitCount);
    Q_ASSERT(dataModules == rawDataModules(m.version));
}

bool maskInverts(int mask, int x, int y)
{
    // i is the row, j the column, as in the standard's table of mask conditions.
    const int i = y;
    const int j = x;
    switch (mask) {
    case 0:
        return (i + j) % 2 == 0;
    case 1:
        return i % 2 == 0;
    case 2:
        return j % 3 == 0;
    case 3:
        return (i + j) % 3 == 0;
    case 4:
        return (i / 2 + j / 3) % 2 == 0;
    case 5:
        return (i * j) % 2 + (i * j) % 3 == 0;
    case 6:
        return ((i * j) % 2 + (i * j) % 3) % 2 == 0;
    case 7:
        return ((i + j) % 2 + (i * j) % 3) % 2 == 0;
    }
    return false;
}

void applyMask(Matrix &m, int mask)
{
    for (int y = 0; y < m.side; ++y) {
        for (int x = 0; x < m.side; ++x) {
            if (!m.isFunction(x, y) && maskInverts(mask, x, y))
                m.dark[std::size_t(y * m.side + x)] ^= 1;
        }
    }
}

// The four penalty rules of ISO/IEC 18004 (N1 = 3, N2 = 3, N3 = 40, N4 = 10).
// Rule 3 counts a 1:1:3:1:1 dark:light:dark:light:dark run once when four light
// modules precede or follow it; modules outside the symbol count as light.
int penalty(const Matrix &m)
{
    const int side = m.side;
    int score = 0;
    for (int line = 0; line < side; ++line) {
        for (const bool horizontal : { true, false }) {
            auto at = [&](int i) { return horizontal ? m.isDark(i, line) : m.isDark(line, i); };
            auto lightSpan = [&](int from, int to) {
                for (int k = std::max(from, 0); k < std::min(to, side); ++k) {
                    if (at(k))
                        return false;
                }
                return true;
            };
            int run = 1;
            for (int i = 1; i <= side; ++i) {
                if (i < side && at(i) == at(i - 1)) {
                    ++run;
                    continue;
                }
                if (run >= 5)
                    score += 3 + (run - 5);
                run = 1;
            }
            for (int i = 0; i + 7 <= side; ++i) {
                const bool finderLike = at(i) && !at(i + 1) && at(i + 2) && at(i + 3) && at(i + 4) && !at(i + 5) && at(i + 6);
                if (finderLike && (lightSpan(i - 4, i) || lightSpan(i + 7, i + 11)))
                    score += 40;
            }
        }
    }
    for (int y = 0; y + 1 < side; ++y) {
        for (int x = 0; x + 1 < side; ++x) {
            const bool colour = m.isDark(x, y);
            if (colour == m.isDark(x + 1, y) && colour == m.isDark(x, y + 1) && colour == m.isDark(x + 1, y + 1))
                score += 3;
        }
    }
    const int total = side * side;
    const int darkCount = int(std::count(m.dark.cbegin(), m.dark.cend(), std::uint8_t(1)));
    // 10 points for each full 5% the dark share is away from 50%.
    score += 10 * (std::abs(darkCount * 20 - total * 10) / total);
    return score;
}

} // namespace

QrCode::QrCode(int version, Ecc ecc, int mask, std::vector<std::uint8_t> modules)
    : m_version(version)
    , m_size(sideOf(version))
    , m_ecc(ecc)
    , m_mask(mask)
    , m_modules(std::move(modules))
{
}

bool QrCode::module(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_size || y >= m_size)
        return false;
    return m_modules[std::size_t(y * m_size + x)] != 0;
}

std::optional<QrCode> QrCode::encode(QByteArrayView utf8, Ecc ecc)
{
    const qsizetype length = utf8.size();
    int version = 0;
    for (int v = 1; v <= MaxVersion && version == 0; ++v) {
        const int countBits = characterCountBits(v);
        const bool countFits = length < (qsizetype(1) << countBits);
        if (countFits && 4 + countBits + length * 8 <= qsizetype(dataCodewords(v, ecc)) * 8)
            version = v;
    }
    if (version == 0)
        return std::nullopt;

    Matrix base(version);
    drawFunctionPatterns(base, ecc);
    placeCodewords(base, interleavedCodewords(dataCodewordsFor(utf8, version, ecc), version, ecc));

    int bestMask = 0;
    int bestPenalty = INT_MAX;
    std::vector<std::uint8_t> bestModules;
    for (int mask = 0; mask < 8; ++mask) {
        Matrix candidate = base;
        applyMask(candidate, mask);
        drawFormat(candidate, ecc, mask);
        const int score = penalty(candidate);
        if (score < bestPenalty) {
            bestPenalty = score;
            bestMask = mask;
            bestModules = std::move(candidate.dark);
        }
    }
    return QrCode(version, ecc, bestMask, std::move(bestModules));
}

} // namespace rt
