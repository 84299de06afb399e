/*
 * main.c: the osc command (placeholder until the CLI lands).
 */
#include "util/compat.h"
#include "util/log.h"

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("osc %s\n", PACKAGE_VERSION);
		return 0;
	}
	error("not implemented yet");
	return 2;
}
