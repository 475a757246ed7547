"""The app's code imports only what `pip install -e .` installs: every third-party module that
studio/, h5/, renderers/ and media/ import belongs to a distribution in the project's main
dependencies, not only in the test extra (the README's run command installs no extras)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("studio", "h5", "renderers", "media")


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found is not None
    return found.group(0).lower().replace("_", "-").replace(".", "-")


def _imported_top_levels() -> set[str]:
    names: set[str] = set()
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(APP_PACKAGES)


def test_app_imports_are_main_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    main = {_name(r) for r in project["dependencies"]}
    # what a main dependency brings along (tortoise-orm installs pypika-tortoise, ...) counts
    # as installed; the check is that nothing comes only from the test extra
    extra_only = {_name(r) for r in project["optional-dependencies"]["test"]} - main
    distributions = packages_distributions()
    missing = {}
    for module in sorted(_imported_top_levels()):
        owners = {_name(d) for d in distributions.get(module, [module])}
        if owners & extra_only:
            missing[module] = sorted(owners)
    assert missing == {}, f"imported by the app but only a test dependency: {missing}"
