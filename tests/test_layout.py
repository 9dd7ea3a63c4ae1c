"""The package's layout keeps the flow readable: stages import downwards, no one borrows privates."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qaf_docs"
SHARED = {
    "case_ids",
    "outcome_records",
    "errors",
    "dates",
    "findings",
    "records",
    "frameworks",
    "workspace",
    "safe_output",
    "file_lock",  # one holder at a time: the inbox's watcher, a workspace's qaf generate
    "messages",
    "computer",  # this computer's name, as registers, files recorded and locks record it
}
# What each folder may import besides the shared modules.
ALLOWED: dict[str, set[str]] = {
    "office": set(),
    "register": set(),
    "cases": {"office", "register"},
    "packs": {"office", "register"},
    "returns": {"office"},
    "reports": {"office", "register"},
    # Case notes and notifications read the roster (cases/people.py) to address people.
    "outcomes": {"office", "register", "reports", "cases"},
    # Derived files are brought up to date here, a round's lost manifest too (cases/manifest_copy).
    "inbox": {"office", "register", "returns", "packs", "reports", "outcomes", "cases"},
    "demo": {"office", "register", "cases", "packs", "returns", "inbox", "reports", "outcomes"},
    "cli": {
        "office",
        "register",
        "cases",
        "packs",
        "returns",
        "inbox",
        "reports",
        "outcomes",
        "demo",
    },
}
MAX_LINES = 450


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imports_of(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qaf_docs"):
            found.append((node.module, [a.name for a in node.names]))
    return found


def test_every_stage_folder_is_listed_in_the_package_map() -> None:
    import qaf_docs

    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for folder in folders:
        assert f"{folder}/" in (qaf_docs.__doc__ or ""), f"{folder}/ is missing from the map"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_down_the_flow_and_never_borrow_privates(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    folder = rel.parts[0] if len(rel.parts) > 1 else None
    for module, names in imports_of(path):
        parts = module.split(".")
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{rel} imports private {private} from {module}"
        if folder is None or len(parts) < 2:
            continue
        target = parts[1]
        if target == folder or target in SHARED:
            continue
        assert target in ALLOWED[folder], f"{rel} imports {module}: {folder}/ may not use {target}/"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_grows_past_a_readable_size(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines; split it by job"


def _readme_layout() -> dict[str, set[str]]:
    """The modules the README's Layout section names, by folder ("" for the shared ones)."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("\n## Layout", 1)[1].split("```", 2)[1]
    named: dict[str, set[str]] = {}
    folder = ""
    for line in block.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or line.startswith(("qaf_docs/", "templates/", "benchmarks/")):
            continue
        if not line.startswith("    "):  # a folder's first line, or the shared modules' first
            folder = words[0].rstrip("/") if words[0].endswith("/") else ""
        named.setdefault(folder, set()).update(w for w in words if w.endswith(".py"))
    return named


def test_the_readme_layout_names_every_module_where_it_is() -> None:
    """A newcomer reads the README's map to find a module: each one is on it, in its folder."""
    named = _readme_layout()
    for path in modules():
        rel = path.relative_to(PACKAGE)
        if path.name in ("__init__.py", "__main__.py"):
            continue
        folder = rel.parts[0] if len(rel.parts) > 1 else ""
        assert path.name in named.get(folder, set()), f"README's Layout lacks {rel}"
    for folder, files in named.items():
        for name in files:
            assert (PACKAGE / folder / name).is_file(), f"README's Layout names {folder}/{name}"


def test_the_package_map_names_every_shared_module() -> None:
    import qaf_docs

    for path in PACKAGE.glob("*.py"):
        if path.name not in ("__init__.py", "__main__.py"):
            assert path.name in (qaf_docs.__doc__ or ""), f"{path.name} is missing from the map"
