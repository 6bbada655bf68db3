#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace losslens {

// True when `pattern` matches the whole of `text`: `*` any run of characters (also none),
// `?` exactly one character (one UTF-8 code point), everything else itself. No brackets and
// no escapes, so a stem with `[` in it matches literally (spec section 4).
[[nodiscard]] bool globMatch(std::string_view pattern, std::string_view text);

// dataset.json's label_sets (spec section 4): which classes the samples matching each entry
// were annotated for; the first entry that matches a stem wins. Real sets declare one entry
// per stem by the thousand, so exact stems are found in a hash map and only the globs
// listed before that entry are tried, in order: lookup stays first-match but costs one hash
// plus the (usually few) globs.
class LabelSets {
public:
    struct Entry {
        std::string match;          // a stem, or a glob over the whole stem
        std::vector<int> annotated; // class ids (names resolved when dataset.json is read)
        // Classes annotated in some objects but not all: missing even with pixels.
        std::vector<int> notExhaustive = {};
    };

    void add(Entry entry);

    [[nodiscard]] bool empty() const noexcept { return m_entries.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return m_entries.size(); }
    [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return m_entries; }
    [[nodiscard]] const Entry& operator[](std::size_t i) const { return m_entries[i]; }

    // The index of the first entry whose match fits `stem`, if any.
    [[nodiscard]] std::optional<std::size_t> find(std::string_view stem) const;

    [[nodiscard]] static bool isGlob(std::string_view match) noexcept {
        return match.find_first_of("*?") != std::string_view::npos;
    }

private:
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, std::size_t> m_exact; // stem -> first exact entry
    std::vector<std::size_t> m_globs;                     // glob entries, in order
};

} // namespace losslens
