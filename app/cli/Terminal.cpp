#include "Terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace losslens::cli {

int terminalColumns() {
    if (const char* columns = std::getenv("COLUMNS")) {
        try {
            const int n = std::stoi(columns);
            if (n > 0)
                return n;
        } catch (const std::exception&) {
        }
    }
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 100;
}

} // namespace losslens::cli
