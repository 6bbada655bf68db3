#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslens::cli {

// A usage mistake: the command prints it with the command's help hint and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Minimal, strict parsing of "positional... --flag --option value" (or --option=value).
// Unknown options and missing values are usage errors, never ignored.
class ArgParser {
public:
    // `repeatable` options may be given more than once (values() has them all); the others
    // given twice are a usage error.
    ArgParser(std::vector<std::string> args, std::set<std::string> valueOptions,
              std::set<std::string> flags, std::set<std::string> repeatable = {});

    [[nodiscard]] const std::vector<std::string>& positional() const { return m_positional; }
    [[nodiscard]] bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
    [[nodiscard]] std::vector<std::string> values(const std::string& name) const;
    [[nodiscard]] long long integer(const std::string& name, long long fallback, long long lo,
                                    long long hi) const;

private:
    std::vector<std::string> m_positional;
    std::set<std::string> m_flags;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::vector<std::string>> m_repeated;
};

} // namespace losslens::cli
