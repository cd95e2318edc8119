"""The shape of the code (issue #23): no module in the packages is longer than one sitting's read."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The package folders (setup.py installs tools/, index/ and tui/ as stylist.tools, .index, .tui).
PACKAGES = ("stylist", "tools", "index", "tui")
MAX_LINES = 450


def long_files(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    """``path: N lines`` for every Python file under the package folders longer than ``limit``."""
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_no_package_module_is_over_450_lines():
    found = long_files()
    assert not found, f"split these modules (at most {MAX_LINES} lines each):\n" + "\n".join(found)


def test_the_check_sees_the_packages_and_a_long_file(tmp_path):
    assert sum(1 for _ in (ROOT / "stylist").rglob("*.py")) > 20  # not looking at an empty folder
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "tools" / "short.py").write_text("x = 1\n" * MAX_LINES)
    assert long_files(tmp_path) == [f"{Path('tools/long.py')}: {MAX_LINES + 1} lines"]
