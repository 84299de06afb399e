# End-to-end tests for throttle/.
