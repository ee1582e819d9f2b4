"""The wallet module."""
