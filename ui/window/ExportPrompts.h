#pragma once

#include <QString>

#include <filesystem>
#include <vector>

class QWidget;

namespace losslens {

// The questions both exports ask: where to (the last folder chosen is offered again and
// remembered), and whether files that exist may be replaced (nothing is overwritten unasked).
[[nodiscard]] QString askFolder(QWidget* parent, const QString& title);
// True when `existing` is empty or the user agrees to replace its files (the first five named).
[[nodiscard]] bool confirmOverwrite(QWidget* parent,
                                    const std::vector<std::filesystem::path>& existing);

} // namespace losslens
