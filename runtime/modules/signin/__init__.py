"""The signin module."""
