#include "ArgParser.h"

#include <charconv>

namespace losslens::cli {

ArgParser::ArgParser(std::vector<std::string> args, std::set<std::string> valueOptions,
                     std::set<std::string> flags, std::set<std::string> repeatable) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 3 || arg.rfind("--", 0) != 0) {
            if (arg.size() > 1 && arg[0] == '-' && arg != "-")
                throw UsageError("unknown option '" + arg + "'");
            m_positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (flags.count(name)) {
            if (inlineValue)
                throw UsageError("option --" + name + " takes no value");
            m_flags.insert(name);
        } else if (repeatable.count(name)) {
            if (!inlineValue && i + 1 >= args.size())
                throw UsageError("option --" + name + " needs a value");
            m_repeated[name].push_back(inlineValue ? *inlineValue : args[++i]);
        } else if (valueOptions.count(name)) {
            if (m_values.count(name))
                throw UsageError("option --" + name + " given twice");
            if (inlineValue) {
                m_values[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option --" + name + " needs a value");
                m_values[name] = args[++i];
            }
        } else {
            throw UsageError("unknown option '--" + name + "'");
        }
    }
}

std::optional<std::string> ArgParser::value(const std::string& name) const {
    const auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> ArgParser::values(const std::string& name) const {
    const auto it = m_repeated.find(name);
    return it == m_repeated.end() ? std::vector<std::string>{} : it->second;
}

long long ArgParser::integer(const std::string& name, long long fallback, long long lo,
                             long long hi) const {
    const auto text = value(name);
    if (!text)
        return fallback;
    long long v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size())
        throw UsageError("--" + name + " must be an integer, got '" + *text + "'");
    if (v < lo || v > hi)
        throw UsageError("--" + name + " must be from " + std::to_string(lo) + " to " +
                         std::to_string(hi) + ", got " + *text);
    return v;
}

} // namespace losslens::cli
