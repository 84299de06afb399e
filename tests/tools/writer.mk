# tests/tools/writer (engine owner).
