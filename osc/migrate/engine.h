/*
 * engine.h: the migration itself (DESIGN.md section 3, phases 2 to 7).
 *
 * osc_engine_run() takes a run whose preflight passed and migrates the
 * table: ghost and changelog, binlog position, applier and heartbeat, the
 * chunked copy, the catch-up, the cut-over and the cleanup. Every object
 * it creates is on the cleanup stack before it exists; on failure or a
 * signal it stops its threads and returns, and main's cleanup_exit() drops
 * what the run created (never the table). It returns an osc_exit status
 * and prints the reason of a failure itself.
 */
#ifndef OSC_OSC_ENGINE_H
#define OSC_OSC_ENGINE_H

#include "osc/migrate/run.h"

int osc_engine_run(struct osc_run *run);

#endif
