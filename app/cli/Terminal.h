#pragma once

namespace losslens::cli {

// The width tables are cut to: $COLUMNS, else the terminal's width when stdout is one,
// else 100 (a pipe or a log).
[[nodiscard]] int terminalColumns();

} // namespace losslens::cli
