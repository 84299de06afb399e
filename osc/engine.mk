# osc/ engine: the phase machine, copy, replay, cut-over.
osc_libosccore_a_SOURCES += osc/cutover.c osc/cutover.h
