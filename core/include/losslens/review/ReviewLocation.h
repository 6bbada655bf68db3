#pragma once

#include <filesystem>
#include <string>

namespace losslens {

// Where a data set's review database lives (spec section 7).
struct ReviewLocation {
    std::filesystem::path database;
    bool inSet = true; // DATASET/.losslens/review.sqlite; false: the user's data folder
};

// DATASET/.losslens/review.sqlite when the set's folder can be written by this user (the
// folder .losslens, if it exists, else the set's folder), else
// `dataHome`/losslens/review/<folder name>-<hash of the absolute path>.sqlite, so each
// read-only set has its own. `dataHome` empty: $XDG_DATA_HOME, else $HOME/.local/share.
[[nodiscard]] ReviewLocation reviewLocation(const std::filesystem::path& dataset,
                                            const std::filesystem::path& dataHome = {});

// --review-db PATH, else reviewLocation(dataset).
[[nodiscard]] ReviewLocation reviewLocation(const std::filesystem::path& dataset,
                                            const std::string& chosen);

} // namespace losslens
