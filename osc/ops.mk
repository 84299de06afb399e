# osc/ ops: progress, status socket, hooks, flag files.
osc_libosccore_a_SOURCES += \
	osc/progress.c osc/progress.h \
	osc/status-socket.c osc/status-socket.h \
	osc/hooks.c osc/hooks.h \
	osc/flags.c osc/flags.h
