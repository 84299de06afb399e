/*
 * version.c: the version string, from configure.
 */
#include "util/compat.h"
#include "osc/cli/version.h"

const char *osc_version_string(void)
{
	return PACKAGE_NAME " " PACKAGE_VERSION;
}
