"""A finding's stable identity, shared by baselines and report fingerprints.

It is keyed on what the finding is about (rule, object identity, the node's path inside
the object), never on line numbers, so it survives unrelated edits: lines moving, other
objects added, the object moving to another file. Findings about a whole file (invalid
YAML) key on the file and the message with its numbers removed.
"""

from __future__ import annotations

import hashlib
import re

from kslint.findings import Finding

_NUMBERS = re.compile(r"\d+")


def identity(finding: Finding) -> str:
    """A readable key: ``rule|Kind namespace/name|spec.volumes.[0].nfs``.

    Every path step is joined with a dot, list indexes included (``volumes.[0]``, not
    ``volumes[0]`` as messages write it): baselines and SARIF fingerprints already store
    keys in this form, so it must not change."""
    if finding.obj is None:
        subject = f"{finding.file}|{_NUMBERS.sub('#', finding.message)}"
    else:
        subject = str(finding.obj)
    path = ".".join(f"[{step}]" if isinstance(step, int) else str(step) for step in finding.path)
    return f"{finding.rule}|{subject}|{path}"


def fingerprint(finding: Finding) -> str:
    """The identity as a short hex digest (SARIF partialFingerprints, GitLab, baselines)."""
    return hashlib.sha256(identity(finding).encode("utf-8")).hexdigest()[:32]
