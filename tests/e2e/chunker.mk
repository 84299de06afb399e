# End-to-end tests for chunker/.
