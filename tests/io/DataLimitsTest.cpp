// The caps' command-line values (losslens and losslens-cli --max-pixels, --max-classes,
// --max-memory), parsed in one place: values set, bad text refused with a message that
// names the option and the text, the other caps left alone.
#include "losslens/io/DataLimits.h"

#include <gtest/gtest.h>

namespace losslens {
namespace {

TEST(DataLimits, SetLimitTakesValidValues) {
    DataLimits limits;
    EXPECT_EQ(setLimit(limits, "max-pixels", "4096"), "");
    EXPECT_EQ(limits.maxPixels, 4096);
    EXPECT_EQ(setLimit(limits, "max-classes", "1024"), "");
    EXPECT_EQ(limits.maxClasses, 1024);
    EXPECT_EQ(setLimit(limits, "max-memory", "512M"), "");
    EXPECT_EQ(limits.maxMemoryBytes, std::int64_t{512} * 1024 * 1024);
    EXPECT_EQ(setLimit(limits, "max-pixels", "68719476736"), ""); // 2^36, the largest
    EXPECT_EQ(limits.maxPixels, std::int64_t{1} << 36);
}

TEST(DataLimits, SetLimitRefusesBadTextAndKeepsTheCap) {
    const DataLimits defaults;
    for (const auto& [name, text] :
         std::vector<std::pair<std::string, std::string>>{{"max-pixels", "0"},
                                                          {"max-pixels", "68719476737"},
                                                          {"max-pixels", "12x"},
                                                          {"max-pixels", ""},
                                                          {"max-classes", "1"},
                                                          {"max-classes", "65536"},
                                                          {"max-classes", "-3"},
                                                          {"max-memory", "lots"},
                                                          {"max-memory", ""}}) {
        DataLimits limits;
        const std::string problem = setLimit(limits, name, text);
        EXPECT_NE(problem.find("--" + name + " " + text + ":"), std::string::npos) << problem;
        EXPECT_EQ(limits.maxPixels, defaults.maxPixels) << name << " " << text;
        EXPECT_EQ(limits.maxClasses, defaults.maxClasses);
        EXPECT_EQ(limits.maxMemoryBytes, defaults.maxMemoryBytes);
    }
    DataLimits limits;
    EXPECT_NE(setLimit(limits, "max-cheese", "1"), "");
}

} // namespace
} // namespace losslens
