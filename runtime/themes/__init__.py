"""Themes: the registry of bundled theme packages and each shop's installed theme and tokens."""
