# osc/: the command, split into modules (DESIGN.md 8). Each folder keeps
# its own local.mk and builds one archive; they are included from the top
# of the dependency graph down (cli -> migrate -> {replay, cutover, ops}),
# so OSC_MODULE_LIBS comes out in the order a static link needs.
bin_PROGRAMS += osc/osc
osc_osc_SOURCES = osc/cli/main.c
osc_osc_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS)
dist_man_MANS += man/osc.1

include $(srcdir)/osc/cli/local.mk
include $(srcdir)/osc/migrate/local.mk
include $(srcdir)/osc/replay/local.mk
include $(srcdir)/osc/cutover/local.mk
include $(srcdir)/osc/ops/local.mk

# The engine's archives in link order, for unit tests and helper programs.
OSC_ENGINE_LIBS = osc/cli/libosccli.a osc/migrate/liboscmigrate.a \
	osc/replay/liboscreplay.a osc/cutover/libosccutover.a \
	osc/ops/liboscops.a
