/*
 * wrapper.h: allocation that never returns NULL.
 *
 * xmalloc() and friends die ("out of memory") instead of returning NULL, so
 * callers never check. st_add()/st_mult() die on size_t overflow; use them
 * whenever a size comes from input. ALLOC_GROW() grows an array in the
 * git way: the caller keeps `nr` (used) and `alloc` (allocated) beside the
 * pointer and updates `nr` itself.
 */
#ifndef OSC_UTIL_WRAPPER_H
#define OSC_UTIL_WRAPPER_H

#include <pthread.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
/* snprintf() that BUG()s when the output does not fit. */
int xsnprintf(char *dst, size_t max, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * pthread_create() for every worker thread of the tool: the new thread
 * starts with SIGINT, SIGTERM and SIGHUP blocked, so that only the main
 * thread takes them (its blocking calls return EINTR and its loops see
 * the flag; a worker's would not). The caller's mask is left as it was.
 * Returns pthread_create()'s result.
 */
int thread_create(pthread_t *tid, void *(*fn)(void *), void *arg);

size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

#define alloc_nr(x) (((x) + 16) * 3 / 2)

/*
 * Make room for at least `nr` elements in `x`, whose allocated length is in
 * `alloc`. Do not pass expressions with side effects.
 */
#define ALLOC_GROW(x, nr, alloc)                                             \
	do {                                                                 \
		if ((nr) > (alloc)) {                                        \
			if (alloc_nr(alloc) < (nr))                          \
				(alloc) = (nr);                              \
			else                                                 \
				(alloc) = alloc_nr(alloc);                   \
			(x) = xrealloc((x), st_mult(sizeof(*(x)), (alloc))); \
		}                                                            \
	} while (0)

/* Free and set to NULL. */
#define FREE_AND_NULL(p)          \
	do {                      \
		free(p);          \
		(p) = NULL;       \
	} while (0)

#endif
