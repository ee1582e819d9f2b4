"""Capabilities a shop switches on: one package per module, each with a ``module.json``.

:mod:`runtime.modules.registry` loads the manifests; :mod:`runtime.modules.switches` keeps
each shop's on/off state and settings.
"""
