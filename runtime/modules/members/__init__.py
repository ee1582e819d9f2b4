"""The members module."""
