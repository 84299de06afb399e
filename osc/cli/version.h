/*
 * version.h: the program's name and version, for --version and logs.
 */
#ifndef OSC_OSC_VERSION_H
#define OSC_OSC_VERSION_H

const char *osc_version_string(void);

#endif
