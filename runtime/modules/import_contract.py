"""The import-linter contract type ``module_requires``: each in-tree module imports only the
modules its ``module.json`` requires.

``lint-imports`` loads it through ``[tool.importlinter] contract_types`` in pyproject.toml.
At lint time it reads every ``<package>/*/module.json`` and checks, for each module, that no
file of it imports another in-tree module outside its ``requires``. The rule is the direct
one, not the transitive closure: fulfilment requires orders and orders requires cart, yet
fulfilment may not import cart itself (it asks orders, or a hook). Importing through an
allowed module is fine (``allow_indirect_imports``), which is what a requirement means.
A module added, removed or re-wired needs no edit to pyproject.toml.

This file is lint tooling: nothing in the app imports it, and it reads the manifests with
``json`` only, so linting needs neither the app nor its dependencies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.contracts.forbidden import ForbiddenContract


@dataclass(frozen=True)
class Manifest:
    """What the contract needs of a module.json: the package, the id and its requires."""

    package: str
    id: str
    requires: tuple[str, ...]


def read_manifests(package: str, folder: Path) -> list[Manifest]:
    """Every ``folder/*/module.json`` as a module of ``package``, sorted by folder name."""
    found = []
    for path in sorted(folder.glob("*/module.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(Manifest(f"{package}.{path.parent.name}", data.get("id", path.parent.name),
                              tuple(data.get("requires", ()))))
    return found


def forbidden_for(manifest: Manifest, manifests: list[Manifest]) -> list[str]:
    """The in-tree modules ``manifest`` may not import: all but itself and its requires."""
    allowed = {manifest.id, *manifest.requires}
    return sorted(other.package for other in manifests if other.id not in allowed)


class ModuleRequiresContract(Contract):
    """Options: ``modules_package`` — the package whose sub-packages holding a module.json
    are modules (``runtime.modules``); ``ignore_imports`` — as for ``forbidden``."""

    type_name = "module_requires"

    modules_package = fields.StringField()
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        manifests = read_manifests(self.modules_package, self._folder())
        broken: list[tuple[Manifest, ForbiddenContract, ContractCheck]] = []
        warnings: list[str] = []
        for manifest in manifests:
            forbidden = forbidden_for(manifest, manifests)
            if not forbidden:
                continue
            options = {"source_modules": [manifest.package], "forbidden_modules": forbidden,
                       "allow_indirect_imports": "true",
                       "unmatched_ignore_imports_alerting": "none"}
            if self.ignore_imports:
                options["ignore_imports"] = [str(i) for i in self.ignore_imports]
            contract = ForbiddenContract(f"module-{manifest.id}", self.session_options, options)
            result = contract.check(graph.copy() if self.ignore_imports else graph, verbose)
            output.verbose_print(verbose, f"{manifest.id} (requires "
                                          f"{', '.join(manifest.requires) or 'nothing'}): "
                                          f"{'KEPT' if result.kept else 'BROKEN'}")
            warnings.extend(result.warnings)
            if not result.kept:
                broken.append((manifest, contract, result))
        return ContractCheck(kept=not broken, warnings=warnings,
                             metadata={"broken": broken, "checked": len(manifests)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for manifest, contract, result in check.metadata["broken"]:
            requires = ", ".join(manifest.requires) or "nothing"
            output.print_error(f"{manifest.id} (module.json requires {requires}):")
            output.new_line()
            contract.render_broken_contract(result)

    def _folder(self) -> Path:
        """The modules package's folder, found without importing it (so without the app)."""
        from importlib.util import find_spec

        spec = find_spec(self.modules_package)
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"{self.modules_package} is not an importable package")
        return Path(next(iter(spec.submodule_search_locations)))
