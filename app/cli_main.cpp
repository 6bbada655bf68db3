#include <cstdio>

int main() {
    std::puts("losslens-cli");
    return 0;
}
