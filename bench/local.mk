# bench/: benchmark scripts (never run by make check).
