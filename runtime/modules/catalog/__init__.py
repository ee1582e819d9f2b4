"""Catalog: categories, groups, tags, products, specs/SKUs, stock, search (core module)."""
