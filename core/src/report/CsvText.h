#pragma once

// The CSV files LossLens writes (stats, candidates) quote and print numbers one way.
#include <cstdio>
#include <string>

namespace losslens {

// A field as RFC 4180 wants it: quoted, with doubled quotes, when it holds , " or a newline.
inline std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

// Nine significant digits: a float read back is the float written.
inline std::string csvNumber(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.9g", v);
    return buffer;
}

} // namespace losslens
