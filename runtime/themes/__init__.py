"""Themes: bundled and uploaded theme packages, each shop's installed theme and tokens."""
