# tests/tools/ programs of the throttle and ops owner (probe drivers).
