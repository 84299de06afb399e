# osc/cli/: the option table, option files, version. main.c is the program
# (osc/local.mk); the rest is an archive the unit tests link too.
noinst_LIBRARIES += osc/cli/libosccli.a
OSC_MODULE_LIBS += osc/cli/libosccli.a
osc_cli_libosccli_a_SOURCES = \
	osc/cli/options.c osc/cli/options.h \
	osc/cli/optfile.c osc/cli/optfile.h \
	osc/cli/version.c osc/cli/version.h
