#include "util/compat.h"
int main(void) { return 0; }
