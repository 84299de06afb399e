/*
 * compat.h: the first include of every .c file in osc.
 *
 * It pulls in config.h, the system headers the project uses everywhere, and
 * banned.h, so that each file sees the same feature macros and the same
 * list of forbidden functions (git's git-compat-util.h does the same).
 */
#ifndef OSC_UTIL_COMPAT_H
#define OSC_UTIL_COMPAT_H

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#ifdef __GNUC__
#define OSC_NORETURN __attribute__((noreturn))
#define OSC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define OSC_WARN_UNUSED __attribute__((warn_unused_result))
#define OSC_UNUSED __attribute__((unused))
#else
#define OSC_NORETURN
#define OSC_PRINTF(fmt, args)
#define OSC_WARN_UNUSED
#define OSC_UNUSED
#endif

#include "util/banned.h"

#endif
