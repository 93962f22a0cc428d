"""A finding's stable identity, shared by baselines and report fingerprints.

It is keyed on what the finding is about (rule, object identity, the node's path inside
the object), never on line numbers, so it survives unrelated edits: lines moving, other
objects added, the object moving to another file. Findings about a whole file (invalid
YAML) key on the file and the message with its numbers removed.

A rendered object keys on its identity before the renderer's transforms (``origin``), so
one base finding has one identity whichever overlays reach it and whatever prefix they
add. Copies of one identity in different directories (environment folders, copied
examples) are told apart by their directory (``scope``), so one baseline entry does not
silence every copy.
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
    obj = finding.origin or finding.obj
    if obj is None:
        subject = f"{finding.file}|{_NUMBERS.sub('#', finding.message)}"
    else:
        subject = str(obj) if finding.scope is None else f"{obj} in {finding.scope or '.'}"
    path = ".".join(f"[{step}]" if isinstance(step, int) else str(step) for step in finding.path)
    return f"{finding.rule}|{subject}|{path}"


def fingerprint(finding: Finding) -> str:
    """The identity as a short hex digest (SARIF partialFingerprints, GitLab, baselines)."""
    return hashlib.sha256(identity(finding).encode("utf-8")).hexdigest()[:32]
