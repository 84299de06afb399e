# osc/ops/ (rank 2, includes ranks 0 and 1, no sibling): what a DBA
# watches and controls. Progress and status lines, the status socket,
# hooks, flag files. Public headers progress.h, status-socket.h, hooks.h,
# flags.h. DESIGN.md 7 and 8.
noinst_LIBRARIES += osc/ops/liboscops.a
OSC_MODULE_LIBS += osc/ops/liboscops.a
osc_ops_liboscops_a_SOURCES = \
	osc/ops/progress.c osc/ops/progress.h \
	osc/ops/status-socket.c osc/ops/status-socket.h \
	osc/ops/hooks.c osc/ops/hooks.h \
	osc/ops/flags.c osc/ops/flags.h \
	osc/ops/summary.c osc/ops/summary.h
