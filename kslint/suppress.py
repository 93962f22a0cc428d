"""Suppression stage: the one place configuration is applied to findings.

Between the engine and the reports, in this order:

1. select / ignore / ``off`` drop disabled rules; configured severities replace defaults;
2. suppressions hide findings where they are: the ``kslint.io/ignore`` annotation (on the
   object or its pod template), ``# kslint: disable=`` comments (a trailing one covers its
   line; one on its own line the next node and everything nested under it, or the whole
   document above its first key), ``# kslint: disable-file=`` comments, and the config's
   ``exemptions``;
3. a suppression that hid nothing becomes an ``unused-suppression`` finding;
4. the baseline (``kslint.baseline``) hides findings recorded earlier and counts those
   that are gone;
5. the context filter keeps only findings about the files given on the command line (or
   naming one of them as related) when the rest of the project was loaded as context.

Hidden findings are kept, with the reason, for ``--show-suppressed`` and SARIF.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kslint.baseline import Baseline, BaselineState, apply_baseline
from kslint.config import OFF, Config
from kslint.discover import glob_match
from kslint.engine import apply_defaults
from kslint.findings import Finding, ObjectRef, Severity, Suppression
from kslint.nodes import Span
from kslint.objects import K8sObject, SourceFile
from kslint.ruleset import ALL, RuleSet
from kslint.suggest import did_you_mean

ANNOTATION = "kslint.io/ignore"
REASON_ANNOTATION = "kslint.io/ignore-reason"
UNUSED = "unused-suppression"
# Problems with the input itself stay visible when ``select`` names other families.
ALWAYS_SELECTED_FAMILIES = frozenset({"input"})

_DIRECTIVE = re.compile(
    r"(?:^|\s)(?P<hash>#)\s*kslint:\s*(?P<scope>disable-file|disable)\s*=\s*"
    r"(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)\s*,?"
    r"(?:\s+--\s*(?P<reason>.*?))?\s*$"
)


# ---------------------------------------------------------------------------------------
# Suppression sites


@dataclass(eq=False)
class Site:
    """One place that suppresses findings: an annotation, a comment or an exemption."""

    kind: str  # "annotation", "comment", "file comment" or "exemption"
    names: tuple[str, ...]  # rule IDs, family names or ``all``, as written
    reason: str | None
    label: str  # how a person finds it: ``kslint.io/ignore on Deployment default/web``
    file: str
    span: Span
    obj: K8sObject | None = None  # for annotations: the object carrying it
    path: tuple[Any, ...] = ()  # for annotations: the annotation's node path
    used: set[str] = field(default_factory=set)

    def match(self, rule: str, family: str | None) -> bool:
        """Whether this site hides a finding of ``rule``; credits the name that did."""
        for name in self.names:
            if name in (rule, ALL) or (family is not None and name == family):
                self.used.add(name)
                return True
        return False

    def describe(self) -> str:
        where = f"{self.file}:{self.span.line}"
        reason = f": {self.reason}" if self.reason else ""
        return f"{self.label} ({where}){reason}"


def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def annotation_sites(obj: K8sObject, view: Any) -> list[Site]:
    """``kslint.io/ignore`` on the object's metadata and on its pod template."""
    blocks: list[tuple[Any, ...]] = [("metadata", "annotations")]
    pod = getattr(view, "pod", None)
    labels_path = getattr(pod, "labels_path", None)
    if labels_path is not None:
        template = (*labels_path[:-1], "annotations")
        if template not in blocks:
            blocks.append(template)
    sites = []
    for block in blocks:
        annotations = obj.get(*block)
        if not isinstance(annotations, dict) or ANNOTATION not in annotations:
            continue
        value = annotations[ANNOTATION]
        names = _names(value if isinstance(value, str) else str(value))
        reason = annotations.get(REASON_ANNOTATION)
        where = "" if block == ("metadata", "annotations") else " (pod template)"
        path = (*block, ANNOTATION)
        sites.append(
            Site(
                kind="annotation",
                names=names,
                reason=None if reason is None else str(reason),
                label=f"{ANNOTATION} on {obj}{where}",
                file=obj.file.path,
                span=obj.span(*path, key=False),
                obj=obj,
                path=path,
            )
        )
    return sites


def comment_sites(file: SourceFile) -> tuple[dict[int, list[Site]], list[Site]]:
    """``# kslint: disable=`` sites by the line they apply to, and ``disable-file`` sites."""
    by_line: dict[int, list[Site]] = {}
    whole_file: list[Site] = []
    if "kslint:" not in file.text:
        return by_line, whole_file
    lines = file.lines
    for index, line in enumerate(lines):
        if "kslint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        number = index + 1
        column = match.start("hash") + 1
        scope = match.group("scope")
        site = Site(
            kind="file comment" if scope == "disable-file" else "comment",
            names=_names(match.group("rules")),
            reason=match.group("reason") or None,
            label=f"# kslint: {scope}={match.group('rules').replace(' ', '')}",
            file=file.path,
            span=Span(number, column, number, len(line) + 1),
        )
        if scope == "disable-file":
            whole_file.append(site)
            continue
        by_line.setdefault(number, []).append(site)
        if not line[: match.start("hash")].strip():
            # On a line of its own: the next node and everything nested under it.
            for covered in directive_scope(lines, index):
                by_line.setdefault(covered, []).append(site)
    return by_line, whole_file


def _content(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith("#")


def _document_marker(line: str) -> bool:
    return line.startswith(("---", "...")) and line[3:4] in ("", " ", "\t")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def directive_scope(lines: list[str], index: int) -> range:
    """The 1-based lines an own-line directive at ``lines[index]`` covers: the next node
    and everything nested under it (a list item with its whole body, a key with its
    value). Above the first key of a document it covers the whole document."""
    start = next((i for i in range(index + 1, len(lines)) if _content(lines[i])), None)
    if start is None or _document_marker(lines[start]):
        return range(0)
    first_of_document = all(
        not _content(lines[i]) for i in range(_last_marker(lines, index) + 1, index)
    )
    if first_of_document:
        end = next(
            (i for i in range(start + 1, len(lines)) if _document_marker(lines[i])), len(lines)
        )
        return range(start + 1, end + 1)
    head = lines[start]
    indent = _indent(head)
    # A key whose value follows on the next lines may hold a sequence at its own indent.
    key_block = head.rstrip().endswith(":") and not head.lstrip().startswith("- ")
    end = start
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not _content(line):
            continue
        if _document_marker(line):
            break
        deeper = _indent(line) > indent
        same_level_item = key_block and _indent(line) == indent and line.lstrip().startswith("-")
        if not (deeper or same_level_item):
            break
        end = i
    return range(start + 1, end + 2)


def _last_marker(lines: list[str], index: int) -> int:
    return max((i for i in range(index) if _document_marker(lines[i])), default=-1)


# ---------------------------------------------------------------------------------------
# The stage


@dataclass
class Outcome:
    findings: list[Finding]
    suppressed: list[Suppression]
    baseline: BaselineState | None = None
    baselined: list[Finding] = field(default_factory=list)  # hidden by the baseline


class SuppressionStage:
    """Configuration applied to findings. Without a config it still honours
    annotations and comment directives, so rule examples and library callers see them."""

    def __init__(
        self,
        rules: RuleSet,
        config: Config | None = None,
        baseline: Baseline | None = None,
    ) -> None:
        self.config = config or Config()
        self.rule_set = rules
        self.rules = rules.catalog
        self.baseline = baseline
        self._enabled: dict[str, bool] = {}

    # -- rules -----------------------------------------------------------------------

    def family(self, rule_id: str) -> str | None:
        meta = self.rules.get(rule_id)
        return meta.family if meta else None

    def enabled(self, rule_id: str) -> bool:
        known = self._enabled.get(rule_id)
        if known is not None:
            return known
        family = self.family(rule_id)
        names = {rule_id} if family is None else {rule_id, family}
        config = self.config
        selected = (
            config.select is None
            or bool(names & set(config.select))
            or family in ALWAYS_SELECTED_FAMILIES
        )
        result = selected and not names & set(config.ignore) and self._level(rule_id) != OFF
        self._enabled[rule_id] = result
        return result

    def _level(self, rule_id: str) -> str | None:
        severity = self.config.severity
        if rule_id in severity:
            return severity[rule_id]
        family = self.family(rule_id)
        return severity.get(family) if family is not None else None

    def severity(self, finding: Finding) -> Finding:
        level = self._level(finding.rule)
        if level is not None and level != OFF:
            finding.severity = Severity.parse(level)
        return finding

    # -- the stage -------------------------------------------------------------------

    def apply(
        self,
        findings: Iterable[Finding],
        objects: Iterable[tuple[K8sObject, Any]],
        files: Iterable[SourceFile],
        targets: set[str] | None = None,
        object_file: Callable[[Finding], str] | None = None,
    ) -> Outcome:
        """``objects``: each loaded object with its typed view (for pod-template
        annotations); ``targets``: the files given on the command line when the rest was
        loaded only as context (None: report everything); ``object_file``: the file that
        holds the object a finding is about, when a render moved the finding elsewhere."""
        active = [self.severity(f) for f in findings if self.enabled(f.rule)]

        by_object: dict[tuple[str, ObjectRef], list[Site]] = {}
        sites: list[Site] = []
        for obj, view in objects:
            found = annotation_sites(obj, view)
            if found:
                by_object.setdefault((obj.file.path, obj.ref), []).extend(found)
                sites += found
        by_line: dict[str, dict[int, list[Site]]] = {}
        by_file: dict[str, list[Site]] = {}
        for file in files:
            lines, whole = comment_sites(file)
            by_line[file.path], by_file[file.path] = lines, whole
            sites += whole + list({id(s): s for group in lines.values() for s in group}.values())
        exemptions = self._exemption_sites()

        visible: list[Finding] = []
        suppressed: list[Suppression] = []
        for finding in active:
            candidates: list[Site] = []
            if finding.obj is not None:
                holder = object_file(finding) if object_file is not None else finding.file
                candidates += by_object.get((holder, finding.obj), [])
            candidates += by_line.get(finding.file, {}).get(finding.span.line, [])
            candidates += by_file.get(finding.file, [])
            family = self.family(finding.rule)
            # Every matching site is credited, so none of them is reported as unused.
            hits = [site for site in candidates if site.match(finding.rule, family)]
            hits += [site for site, exemption in exemptions if self._exempts(exemption, finding)]
            if hits:
                in_source = hits[0].kind != "exemption"  # annotations and comments
                suppressed.append(Suppression(finding, hits[0].describe(), in_source))
            else:
                visible.append(finding)

        if self.enabled(UNUSED):
            visible += [self.severity(f) for f in self._unused(sites)]

        outcome = Outcome(visible, suppressed)
        if self.baseline is not None:
            outcome.findings, outcome.baselined, hidden, outcome.baseline = apply_baseline(
                outcome.findings, self.baseline
            )
            outcome.suppressed += hidden
        if targets is not None:
            outcome.findings = [f for f in outcome.findings if _concerns(f, targets)]
            outcome.suppressed = [s for s in outcome.suppressed if _concerns(s[0], targets)]
            outcome.baselined = [f for f in outcome.baselined if _concerns(f, targets)]
        return outcome

    # -- exemptions ------------------------------------------------------------------

    def _exemption_sites(self) -> list[tuple[Site, Any]]:
        found = []
        for exemption in self.config.exemptions:
            file, _, line = exemption.source.rpartition(":")
            site = Site(
                kind="exemption",
                names=exemption.rules,
                reason=exemption.reason,
                label="exemption",
                file=file,
                span=Span(int(line or 1), 1, int(line or 1), 1),
            )
            found.append((site, exemption))
        return found

    def _exempts(self, exemption: Any, finding: Finding) -> bool:
        site_names = exemption.rules
        family = self.family(finding.rule)
        if not ({ALL, finding.rule, family} & set(site_names)):
            return False
        obj = finding.obj
        for pattern, value in (
            (exemption.kind, obj.kind if obj else None),
            (exemption.namespace, (obj.namespace or "") if obj else None),
            (exemption.name, obj.name if obj else None),
        ):
            if pattern is not None and (value is None or not fnmatch.fnmatchcase(value, pattern)):
                return False
        if exemption.paths:
            relative = _relative(finding.file, self.config.root)
            if relative is None or not any(glob_match(relative, p) for p in exemption.paths):
                return False
        return True

    # -- unused suppressions ---------------------------------------------------------

    def _unused(self, sites: list[Site]) -> Iterator[Finding]:
        known = set(self.rule_set.names(with_all=True))
        for site in sites:
            unknown = [name for name in site.names if name not in known]
            idle = [
                name
                for name in site.names
                if name in known and name not in site.used and self._could_fire(name)
            ]
            if not unknown and not idle:
                continue
            parts = []
            if unknown:
                parts += [
                    f"names unknown rule {name!r}{did_you_mean(name, known)}" for name in unknown
                ]
            if idle:
                what = "any finding" if idle == [ALL] else ", ".join(idle)
                parts.append(f"suppresses nothing for {what}")
            message = f"{site.label} {' and '.join(parts)}; remove it or correct it."
            finding = Finding(
                rule=UNUSED,
                message=message,
                file=site.file,
                span=site.span,
                obj=site.obj.ref if site.obj is not None else None,
                path=site.path,
                fix=f"Delete the stale suppression ({site.label}).",
            )
            yield apply_defaults(finding, self.rules)

    def _could_fire(self, name: str) -> bool:
        """A suppression of a disabled rule is not stale: the rule may be turned on."""
        if name == ALL:
            return True
        if name in self.rules:
            return self.enabled(name)
        return any(self.enabled(r) for r, meta in self.rules.items() if meta.family == name)


def _concerns(finding: Finding, targets: set[str]) -> bool:
    return finding.file in targets or any(r.file in targets for r in finding.related)


def _relative(shown: str, root: Path) -> str | None:
    try:
        return Path(shown).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def enabled_checks(policy: SuppressionStage, checks: Iterable[Any]) -> list[Any]:
    """The checks worth running: disabled rules are not run at all."""
    return [check for check in checks if policy.enabled(check.rule_id)]


# ---------------------------------------------------------------------------------------
# What the command line prints besides the report
