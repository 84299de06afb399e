# bench/: benchmark scripts (never run by make check).
EXTRA_DIST += bench/alter-bench.sh
