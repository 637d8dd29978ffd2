"""The layout docs/architecture.md describes is the code's: every package listed, none missing,
and no module imports what its row does not allow (so nothing imports upward)."""

import ast
import re
import subprocess
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

from bot.settings import ROOT

DOC = ROOT / "docs" / "architecture.md"
TEXT_FILES = (
    ".py",
    ".md",
    ".yml",
    ".yaml",
    ".toml",
    ".ini",
    ".sh",
    ".js",
    ".css",
    ".html",
    "Makefile",
    "Dockerfile",
)
ROW = re.compile(r"^\| `(?P<path>[\w/.]+)` \|(?P<holds>[^|]+)\|(?P<imports>[^|]*)\|$")


def documented() -> Dict[str, Set[str]]:
    """Module path -> what it may import, from the table in docs/architecture.md."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            module = match["path"].rstrip("/").removesuffix(".py").replace("/", ".")
            rows[module] = set(re.findall(r"`([\w.]+)`", match["imports"]))
    return rows


def code_units() -> Set[str]:
    """Every package and top-level module of bot/, plus actions and benchmarks."""
    units = {"actions", "benchmarks"}
    for path in (ROOT / "bot").iterdir():
        if path.is_dir() and (path / "__init__.py").exists():
            units.add(f"bot.{path.name}")
        elif path.suffix == ".py" and path.stem != "__init__":
            units.add(f"bot.{path.stem}")
    return units


def project_imports(path: Path) -> Iterator[Tuple[int, str]]:
    """(line, module) for every import of this project's own code in a file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ("bot", "actions", "benchmarks", "tests"):
                yield node.lineno, name


def files_of(unit: str) -> List[Path]:
    path = ROOT / unit.replace(".", "/")
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


def allowed(name: str, unit: str, rules: Set[str]) -> bool:
    """Its own unit, or a module the row names (or something inside it)."""
    return any(name == rule or name.startswith(rule + ".") for rule in {unit, *rules}) or any(
        rule.startswith(name + ".")
        for rule in rules  # `from bot.db import migrate`
    )


def test_the_documented_packages_are_the_packages():
    assert set(documented()) == code_units()


@pytest.mark.parametrize("unit", sorted(code_units()))
def test_imports_follow_the_documented_rules(unit):
    rules = documented()[unit]
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in files_of(unit)
        for line, name in project_imports(path)
        if not allowed(name, unit, rules)
    ]
    assert wrong == [], f"{unit} may import only {sorted(rules) or 'nothing of ours'}"


def test_the_rule_check_catches_an_upward_import(tmp_path):
    """The checker itself: a service importing the web layer is reported."""
    module = tmp_path / "leads.py"
    module.write_text("from bot.web.app import create_app\nfrom bot.db import models\n")
    names = [name for _, name in project_imports(module)]
    assert not allowed("bot.web.app", "bot.leads", {"bot.db", "bot.staff"})
    assert [n for n in names if not allowed(n, "bot.leads", {"bot.db"})] == [
        "bot.web.app",
        "bot.web.app.create_app",
    ]


def test_every_path_the_code_and_docs_name_exists():
    """Docstrings, comments, configs and docs name files by path: none may be stale."""
    named = re.compile(
        r"(?<![\w./-])((?:bot|actions|tests|benchmarks|deploy|data|docs)/[\w./-]*\w)"
    )
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    stale = sorted(
        f"{name}: {path}"
        for name in listed
        if name.endswith(TEXT_FILES) and (ROOT / name).is_file()
        for path in named.findall((ROOT / name).read_text(encoding="utf-8", errors="replace"))
        if not (ROOT / path.rstrip(".")).exists()
    )
    assert stale == []
