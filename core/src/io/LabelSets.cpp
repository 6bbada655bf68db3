#include "losslens/io/LabelSets.h"

namespace losslens {

namespace {
// UTF-8 continuation bytes (10xxxxxx) never start a character.
bool continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u;
}

std::size_t nextCharacter(std::string_view text, std::size_t i) {
    ++i;
    while (i < text.size() && continuation(text[i]))
        ++i;
    return i;
}
} // namespace

bool globMatch(std::string_view pattern, std::string_view text) {
    // The classic linear-space matcher: on a mismatch, let the last `*` swallow one more
    // character and retry from there. Worst case O(|pattern| * |text|), no recursion.
    constexpr std::size_t kNone = std::string_view::npos;
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = kNone;
    std::size_t starText = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            starText = t;
        } else if (p < pattern.size() && pattern[p] == '?') {
            ++p;
            t = nextCharacter(text, t);
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != kNone) {
            p = star + 1;
            starText = nextCharacter(text, starText);
            t = starText;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

void LabelSets::add(Entry entry) {
    const std::size_t index = m_entries.size();
    if (isGlob(entry.match))
        m_globs.push_back(index);
    else
        m_exact.emplace(entry.match, index); // keeps the first entry of a repeated stem
    m_entries.push_back(std::move(entry));
}

std::optional<std::size_t> LabelSets::find(std::string_view stem) const {
    std::size_t limit = m_entries.size();
    if (const auto it = m_exact.find(std::string(stem)); it != m_exact.end())
        limit = it->second;
    for (const std::size_t g : m_globs) {
        if (g > limit)
            break;
        if (globMatch(m_entries[g].match, stem))
            return g;
    }
    if (limit < m_entries.size())
        return limit;
    return std::nullopt;
}

} // namespace losslens
