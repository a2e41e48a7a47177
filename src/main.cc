// cammio: the whole service in one executable. See src/cli/cli.h.
#include "cli/cli.h"

int main(int argc, char** argv) { return cammio::RunCli(argc, argv); }
