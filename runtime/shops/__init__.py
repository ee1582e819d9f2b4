"""Shops: the tenants of mallkit."""
