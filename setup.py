"""Maps the top-level folders onto the ``stylist`` namespace.

``stylist/`` installs as ``stylist``, ``tools/`` as ``stylist.tools``, ``index/`` as
``stylist.index`` and ``tui/`` as ``stylist.tui``: nothing installs a top-level ``tools`` or
``index`` package. Sub-packages are discovered, so adding one needs no edit here.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = {"stylist": "stylist", "tools": "stylist.tools", "index": "stylist.index", "tui": "stylist.tui"}
DATA = [
    "*.json",
    "*.jsonl",
    "*.csv",
    "*.pt",
    "*.npz",
    "*.tcss",
    "*.toml",
    "*.txt",
    "*.png",
]

packages: list[str] = []
package_dir: dict[str, str] = {}
for folder, name in FOLDERS.items():
    package_dir[name] = folder
    packages.append(name)
    # Namespace discovery also lists data-only folders (checkpoints/), so their files ship as package data.
    subs = find_namespace_packages(folder, exclude=["*__pycache__*"])
    packages.extend(f"{name}.{sub}" for sub in subs)

setup(packages=packages, package_dir=package_dir, package_data={name: DATA for name in packages})
