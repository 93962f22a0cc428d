"""JUnit XML, as Jenkins (junit plugin) and GitLab (``artifacts:reports:junit``) read it.

One ``testsuite`` per file, one ``testcase`` per object in it (classname: the file, name:
``Kind namespace/name``), passing when nothing about the object reaches ``--fail-on``.
Each finding at or above it is a ``failure`` (type: the rule id, message: the finding's
message, body: ``file:line:col``, related objects and the fix); a rule that crashed
(``internal-error``) is an ``error`` instead, since the object was not checked. Findings
below the gate are listed in the test case's ``system-out`` so they are not lost. Findings
about a whole file (``invalid-yaml``) belong to a test case named after the file.

kslint checks every object at once, so no per-object time exists: times are 0, which
also keeps the report identical from one run to the next.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kslint.findings import Finding, ObjectRef, Severity
from kslint.pipeline import LintResult
from kslint.report import ReportContext

ERROR_RULES = frozenset({"internal-error"})
# Characters XML 1.0 cannot carry, even escaped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def describe(finding: Finding) -> str:
    """The body of a failure: where, what, the objects involved and the fix."""
    span = finding.span
    lines = [
        f"{finding.file}:{span.line}:{span.column}: "
        f"{finding.severity or Severity.ERROR}[{finding.rule}] {finding.message}"
    ]
    lines += [
        f"  related: {related.file}:{related.span.line}:{related.span.column}: {related.message}"
        for related in finding.related
    ]
    if finding.fix:
        lines.append(f"  fix: {finding.fix}")
    return "\n".join(lines)


def _cases(result: LintResult) -> dict[str, dict[ObjectRef | None, list[Finding]]]:
    """file -> subject (None: the file itself) -> findings, in file and object order."""
    cases: dict[str, dict[ObjectRef | None, list[Finding]]] = {}
    for file in result.files:
        cases[file.path] = {}
    for finding in result.findings:
        if finding.obj is None:
            cases.setdefault(finding.file, {})[None] = []
    if result.graph is not None:
        for obj in result.graph.objects:
            cases.setdefault(obj.file.path, {}).setdefault(obj.ref, [])
    for finding in result.findings:
        cases.setdefault(finding.file, {}).setdefault(finding.obj, []).append(finding)
    return cases


def _testcase(
    suite: ET.Element,
    file: str,
    subject: ObjectRef | None,
    findings: list[Finding],
    fail_on: Severity | None,
) -> tuple[int, int]:
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "name": _xml(file if subject is None else str(subject)),
            "classname": _xml(file),
            "file": _xml(file),
            "time": "0",
        },
    )
    failed = errored = 0
    below = []
    for finding in findings:
        severity = finding.severity or Severity.ERROR
        if fail_on is None or severity < fail_on:
            below.append(describe(finding))
            continue
        tag = "error" if finding.rule in ERROR_RULES else "failure"
        element = ET.SubElement(case, tag, {"type": finding.rule, "message": _xml(finding.message)})
        element.text = _xml(describe(finding))
        if tag == "error":
            errored = 1
        else:
            failed = 1
    if below:
        ET.SubElement(case, "system-out").text = _xml("\n".join(below))
    # A test case counts once: as an error if a rule crashed on it, else as a failure.
    return (0, 1) if errored else (failed, 0)


def render(result: LintResult, context: ReportContext) -> str:
    root = ET.Element("testsuites", {"name": "kslint"})
    total = failures = errors = 0
    for file, subjects in _cases(result).items():
        suite = ET.SubElement(root, "testsuite", {"name": _xml(file)})
        suite_failures = suite_errors = 0
        ordered = sorted(subjects.items(), key=lambda item: item[0] is not None)
        for subject, findings in ordered:
            failed, errored = _testcase(suite, file, subject, findings, context.fail_on)
            suite_failures += failed
            suite_errors += errored
        suite.attrib.update(
            {
                "tests": str(len(subjects)),
                "failures": str(suite_failures),
                "errors": str(suite_errors),
                "skipped": "0",
                "time": "0",
            }
        )
        total += len(subjects)
        failures += suite_failures
        errors += suite_errors
    root.attrib.update(
        {"tests": str(total), "failures": str(failures), "errors": str(errors), "time": "0"}
    )
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
