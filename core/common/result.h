#pragma once

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace rt {

// An error a user can read: what happened and, where it helps, what to do.
struct Error {
    QString code; // stable machine-readable kind, e.g. "unreachable", "model_not_found"
    QString message; // one clear sentence for people

    bool operator==(const Error &) const = default;
};

// The outcome of an operation that can fail. A poor man's std::expected (C++23).
template<typename T> class [[nodiscard]] Result {
public:
    Result(T value)
        : m_data(std::move(value))
    {
    } // NOLINT(google-explicit-constructor)
    Result(Error error)
        : m_data(std::move(error))
    {
    } // NOLINT(google-explicit-constructor)

    static Result failure(QString code, QString message) { return Result(Error { std::move(code), std::move(message) }); }

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<Error>(m_data); }
    T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_data;
};

// Result for operations with no value.
template<> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {
    } // NOLINT(google-explicit-constructor)

    static Result failure(QString code, QString message) { return Result(Error { std::move(code), std::move(message) }); }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace rt
