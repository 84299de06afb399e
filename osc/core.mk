# osc/ core: options, option files, preflight, dry run, cleanup stack.
osc_libosccore_a_SOURCES += \
	osc/options.c osc/options.h \
	osc/optfile.c osc/optfile.h \
	osc/names.c osc/names.h \
	osc/cleanup.c osc/cleanup.h \
	osc/preflight.c osc/preflight.h \
	osc/run.h osc/ghost.c \
	osc/applier.c osc/applier.h \
	osc/engine.c osc/engine.h \
	osc/engine-throttle.c osc/engine-throttle-internal.h \
	osc/engine-ops.c osc/engine-ops.h
dist_man_MANS += man/osc.1
