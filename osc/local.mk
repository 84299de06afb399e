# osc/: the command. main.c alone is the program; the rest is the archive
# libosccore.a that unit tests and helper programs can link too. Parts are
# kept in fragments so that their owners do not edit the same file:
# core.mk (options, preflight, cleanup), engine.mk (phases, copy, replay,
# cut-over), ops.mk (progress, status socket, hooks).
bin_PROGRAMS += osc/osc
noinst_LIBRARIES += osc/libosccore.a
OSC_MODULE_LIBS += osc/libosccore.a
osc_osc_SOURCES = osc/main.c
osc_osc_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS)
osc_libosccore_a_SOURCES = osc/version.c osc/version.h

include $(srcdir)/osc/core.mk
include $(srcdir)/osc/engine.mk
include $(srcdir)/osc/ops.mk
