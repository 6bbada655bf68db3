#pragma once

#include "losslens/io/DataError.h"

namespace losslens {

// A review database that cannot be used (spec section 7): which file and why. The file is
// left as it was found; the set still opens, without review.
class ReviewError : public DataError {
public:
    enum class Kind {
        Corrupt,     // not an SQLite file, or one SQLite finds damaged
        NewerSchema, // written by a newer LossLens: this one does not know its tables
        NotReview,   // an SQLite database of something else
        Unavailable, // cannot be opened, created or written (permissions, disk, locked)
    };

    ReviewError(Kind kind, std::filesystem::path file, const std::string& reason)
        : DataError(std::move(file), reason)
        , m_kind(kind) {}

    [[nodiscard]] Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

} // namespace losslens
