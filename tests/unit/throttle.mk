# Unit tests of throttle/ (owned with the module).
