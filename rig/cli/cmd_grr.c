#include "cli/cli.h"
int cmd_grr(int argc, char **argv) { (void)argc; (void)argv; return 70; }
