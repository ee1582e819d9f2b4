"""The points module."""
