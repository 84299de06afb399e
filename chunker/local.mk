# chunker/: see DESIGN.md 8. Owner adds its archive to OSC_MODULE_LIBS.
