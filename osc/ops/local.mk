# osc/ops/: progress, status socket, hooks, flag files.
noinst_LIBRARIES += osc/ops/liboscops.a
OSC_MODULE_LIBS += osc/ops/liboscops.a
osc_ops_liboscops_a_SOURCES = \
	osc/ops/progress.c osc/ops/progress.h \
	osc/ops/status-socket.c osc/ops/status-socket.h \
	osc/ops/hooks.c osc/ops/hooks.h \
	osc/ops/flags.c osc/ops/flags.h
