"""Puts this folder on ``sys.path`` for every test module, also those in sub-folders
(``tests/rules/``) and also when a single test file is run, so they all import the shared
test code the same way: ``from helpers import ...`` and ``from manifests import ...``.

(pytest's default "prepend" import mode inserts the folder of each test module, and of this
conftest, but the line below says so instead of leaning on it.)
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
