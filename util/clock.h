/*
 * clock.h: the monotonic clock and sleeping, for every module.
 *
 * Elapsed times are measured on CLOCK_MONOTONIC (a wall-clock step does
 * not make a chunk look slow or a timeout fire). clock_sleep_ms() sleeps
 * the whole time even when a signal arrives; clock_nap_ms() returns early
 * on a signal, for loops that poll a flag the signal handler sets.
 */
#ifndef OSC_UTIL_CLOCK_H
#define OSC_UTIL_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (an arbitrary origin). */
uint64_t clock_ms(void);
/* The same with the fraction, for measuring short statements. */
double clock_ms_f(void);
void clock_sleep_ms(unsigned int ms);
void clock_nap_ms(unsigned int ms);

#endif
