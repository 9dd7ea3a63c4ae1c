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
    "inbox": {"office", "register", "returns", "packs", "reports", "outcomes"},
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
