#include "TestFiles.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace losslens;

namespace {
std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
std::size_t filesIn(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir))
        ++n;
    return n;
}
} // namespace

TEST(FileBytes, AtomicWriteNeverOverwritesUnlessAsked) {
    losslens::testing::TempDir dir;
    const auto file = dir.path() / "out.txt";
    writeFileAtomically(file, "first", false);
    EXPECT_EQ(slurp(file), "first");
    EXPECT_THROW(writeFileAtomically(file, "second", false), FileExistsError);
    EXPECT_EQ(slurp(file), "first");
    writeFileAtomically(file, "third", true);
    EXPECT_EQ(slurp(file), "third");
    EXPECT_EQ(filesIn(dir.path()), 1u); // no temporary left behind
}

TEST(FileBytes, ReadRefusesDirectoriesEmptyAndOversized) {
    losslens::testing::TempDir dir;
    EXPECT_THROW((void)readFileBytes(dir.path(), 100), DataError);
    losslens::testing::writeText(dir.path() / "empty", "");
    EXPECT_THROW((void)readFileBytes(dir.path() / "empty", 100), DataError);
    losslens::testing::writeText(dir.path() / "big", std::string(200, 'x'));
    EXPECT_THROW((void)readFileBytes(dir.path() / "big", 100), DataError);
    EXPECT_EQ(readFileBytes(dir.path() / "big", 200).size(), 200u);
}
