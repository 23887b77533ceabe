#pragma once

// Summary figures shared by the benchmarks.
#include <algorithm>
#include <vector>

namespace rt::bench {

// The median; the mean of the two middle values for an even count; 0 when empty.
inline double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The value at rank floor(q * n) of the sorted values (q = 0.99: p99); 0 when empty.
inline double percentile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

} // namespace rt::bench
