#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace losslens {

// A problem with one input file: which file, and what is wrong with it. Everything that
// reads user data throws this (never crashes), so callers can name the file to the user.
class DataError : public std::runtime_error {
public:
    DataError(std::filesystem::path file, const std::string& reason)
        : std::runtime_error(file.string() + ": " + reason)
        , m_file(std::move(file))
        , m_reason(reason) {}

    [[nodiscard]] const std::filesystem::path& file() const noexcept { return m_file; }
    [[nodiscard]] const std::string& reason() const noexcept { return m_reason; }

private:
    std::filesystem::path m_file;
    std::string m_reason;
};

} // namespace losslens
