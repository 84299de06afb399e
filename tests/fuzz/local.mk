# Fuzz targets. Each builds as a libFuzzer target with --enable-fuzzing
# (CC=clang) and otherwise as a plain program that replays its seed corpus
# and random mutations for a few seconds under make check.
include $(srcdir)/tests/fuzz/ddl.mk
include $(srcdir)/tests/fuzz/binlog.mk
