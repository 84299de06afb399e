# Fuzz targets; make check replays their corpora for a few seconds.
