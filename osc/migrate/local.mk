# osc/migrate/ (rank 3, includes ranks 0 to 2): one run. Its settings
# (settings.h), the phase machine (engine.c), preflight, the ghost and its
# data checks, names, the cleanup stack and signals, checkpoints and
# resume, and the engine's glue to throttling and operations. Public
# headers engine.h, preflight.h, run.h, settings.h, cleanup.h, names.h,
# checkpoint.h, changelog.h, resume.h, engine-ops.h, verify.h;
# engine-throttle-internal.h is for this folder only. DESIGN.md 8.
noinst_LIBRARIES += osc/migrate/liboscmigrate.a
OSC_MODULE_LIBS += osc/migrate/liboscmigrate.a
osc_migrate_liboscmigrate_a_SOURCES = \
	osc/migrate/run.h \
	osc/migrate/settings.c osc/migrate/settings.h \
	osc/migrate/engine.c osc/migrate/engine.h \
	osc/migrate/engine-throttle.c osc/migrate/engine-throttle-internal.h \
	osc/migrate/engine-ops.c osc/migrate/engine-ops.h \
	osc/migrate/ghost.c \
	osc/migrate/verify.c osc/migrate/verify.h \
	osc/migrate/checkpoint.c osc/migrate/checkpoint.h \
	osc/migrate/changelog.c osc/migrate/changelog.h \
	osc/migrate/resume.c osc/migrate/resume.h \
	osc/migrate/recover.c osc/migrate/recover.h \
	osc/migrate/history.c osc/migrate/history.h \
	osc/migrate/preflight.c osc/migrate/preflight.h \
	osc/migrate/galera.c osc/migrate/galera.h \
	osc/migrate/names.c osc/migrate/names.h \
	osc/migrate/cleanup.c osc/migrate/cleanup.h
