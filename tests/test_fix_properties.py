"""Properties of ``kslint fix`` on random valid manifests, written in random styles
(2 or 4 spaces, lists indented or not, flow mappings, comments, CRLF, a BOM):

- the fixed files always parse, and every document no fix was about reads back exactly
  as before;
- a second run changes nothing;
- no fixed finding is reported again.
"""

from __future__ import annotations

import codecs
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kslint.findings import ObjectRef
from kslint.fix.run import run_fixes, write
from kslint.pipeline import LintOptions, lint
from kslint.yaml_reader import parse_yaml

NAMESPACES = st.sampled_from([None, None, None, "prod"])  # mostly one namespace: relations


def _metadata(name: str, namespace: str | None) -> dict[str, Any]:
    return {"name": name} if namespace is None else {"name": name, "namespace": namespace}


def _optional(mapping: dict[str, Any], **fields: Any) -> dict[str, Any]:
    mapping.update({key: value for key, value in fields.items() if value is not None})
    return mapping


@st.composite
def claims(draw: st.DrawFn) -> dict[str, Any]:
    spec = _optional(
        {"accessModes": [draw(st.sampled_from(["ReadWriteOnce", "ReadWriteMany"]))]},
        storageClassName=draw(st.sampled_from([None, "", "standard"])),
        volumeName=draw(st.sampled_from([None, "pv-a"])),
    )
    spec["resources"] = {"requests": {"storage": "1Gi"}}
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": _metadata(draw(st.sampled_from(["data", "data", "logs"])), draw(NAMESPACES)),
        "spec": spec,
    }


@st.composite
def volumes(draw: st.DrawFn) -> dict[str, Any]:
    spec = _optional(
        {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]},
        persistentVolumeReclaimPolicy=draw(st.sampled_from([None, "Recycle", "Retain"])),
        storageClassName=draw(st.sampled_from([None, "", "standard"])),
    )
    spec["csi"] = {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-1"}
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": draw(st.sampled_from(["pv-a", "pv-b"]))},
        "spec": spec,
    }


@st.composite
def storage_classes(draw: st.DrawFn) -> dict[str, Any]:
    return _optional(
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": draw(st.sampled_from(["standard", "local"]))},
            "provisioner": draw(
                st.sampled_from(["kubernetes.io/no-provisioner", "ebs.csi.aws.com"])
            ),
        },
        reclaimPolicy=draw(st.sampled_from([None, "Delete", "Retain"])),
        volumeBindingMode=draw(st.sampled_from([None, "Immediate", "WaitForFirstConsumer"])),
    )


STRATEGIES = [
    None,
    {"type": "RollingUpdate"},
    {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
    {"rollingUpdate": {"maxSurge": "25%"}},
    {"type": "Recreate"},
]


def _pod(name: str, claim: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": name, "image": "busybox"}]}
    if claim is not None:
        spec["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
    return {"metadata": {"labels": {"app": name}}, "spec": spec}


@st.composite
def deployments(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(["web", "api"]))
    spec = _optional(
        {},
        replicas=draw(st.sampled_from([None, 1, 2])),
        strategy=draw(st.sampled_from(STRATEGIES)),
    )
    spec["selector"] = {"matchLabels": {"app": name}}
    spec["template"] = _pod(name, draw(st.sampled_from([None, "data", "data", "logs"])))
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _metadata(name, draw(NAMESPACES)),
        "spec": spec,
    }


@st.composite
def statefulsets(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(["db", "mq"]))
    retention = draw(
        st.sampled_from(
            [None, {"whenDeleted": "Delete"}, {"whenDeleted": "Retain", "whenScaled": "Delete"}]
        )
    )
    spec = _optional(
        {},
        serviceName=draw(st.sampled_from([None, "", "db", "db-hl"])),
        replicas=draw(st.sampled_from([None, 1, 3])),
        persistentVolumeClaimRetentionPolicy=retention,
    )
    spec["selector"] = {"matchLabels": {"app": name}}
    spec["template"] = _pod(name, None)
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": _metadata(name, draw(NAMESPACES)),
        "spec": spec,
    }


@st.composite
def services(draw: st.DrawFn) -> dict[str, Any]:
    spec = _optional(
        {},
        type=draw(st.sampled_from([None, "ClusterIP", "NodePort"])),
        clusterIP=draw(st.sampled_from([None, "None", "10.0.0.7"])),
    )
    spec["selector"] = {"app": draw(st.sampled_from(["db", "mq"]))}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _metadata(draw(st.sampled_from(["db", "db-hl"])), draw(NAMESPACES)),
        "spec": spec,
    }


OBJECTS = st.one_of(
    claims(), volumes(), storage_classes(), deployments(), statefulsets(), services()
)


@st.composite
def related(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Objects that refer to each other, so the cross-object fixes get their chance."""
    scenario = draw(st.sampled_from(["rolling", "governing", "static"]))
    if scenario == "rolling":
        claim = {**draw(claims()), "metadata": {"name": "data"}}
        claim["spec"]["accessModes"] = ["ReadWriteOnce"]
        deployment = {**draw(deployments()), "metadata": {"name": "web"}}
        deployment["spec"]["template"] = _pod("web", "data")
        return [claim, deployment]
    if scenario == "governing":
        service = {**draw(services()), "metadata": {"name": "db"}}
        service["spec"]["selector"] = {"app": "db"}
        statefulset = {**draw(statefulsets()), "metadata": {"name": "db"}}
        statefulset["spec"]["serviceName"] = "db"
        statefulset["spec"]["selector"] = {"matchLabels": {"app": "db"}}
        statefulset["spec"]["template"] = _pod("db", None)
        return [service, statefulset]
    volume = draw(volumes())
    volume["metadata"] = {"name": "pv-a"}
    volume["spec"].pop("storageClassName", None)
    claim = draw(claims())
    claim["metadata"] = {"name": "data"}
    claim["spec"] = {
        "volumeName": "pv-a",
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
    }
    return [volume, claim]


GROUPS = st.one_of(OBJECTS.map(lambda obj: [obj]), related())


class Writer:
    """Block YAML in a chosen style, with flow mappings and comments where ``rnd`` says."""

    def __init__(self, rnd: random.Random, step: int, sequence_indent: int) -> None:
        self.rnd, self.step, self.sequence_indent = rnd, step, sequence_indent

    def document(self, value: dict[str, Any]) -> list[str]:
        return self.mapping(value, 0)

    def comment(self) -> str:
        return "  # note" if self.rnd.random() < 0.2 else ""

    def mapping(self, value: dict[str, Any], indent: int) -> list[str]:
        lines = []
        pad = " " * indent
        for key, child in value.items():
            if self.rnd.random() < 0.1:
                lines.append(f"{pad}# about {key}")
            if isinstance(child, dict) and child and self.rnd.random() < 0.3:
                lines.append(f"{pad}{key}: {json.dumps(child)}{self.comment()}")
            elif isinstance(child, dict) and child:
                lines += [f"{pad}{key}:", *self.mapping(child, indent + self.step)]
            elif isinstance(child, list) and child:
                lines.append(f"{pad}{key}:")
                lines += self.sequence(child, indent + self.sequence_indent)
            else:
                lines.append(f"{pad}{key}: {json.dumps(child)}{self.comment()}")
        return lines

    def sequence(self, items: list[Any], indent: int) -> list[str]:
        lines = []
        for item in items:
            if isinstance(item, dict) and item:
                inner = self.mapping(item, indent + 2)
                lines.append(" " * indent + "- " + inner[0].lstrip())
                lines += inner[1:]
            else:
                lines.append(" " * indent + f"- {json.dumps(item)}")
        return lines


@st.composite
def manifests(draw: st.DrawFn) -> tuple[bytes, list[dict[str, Any]]]:
    # One object per identity: a repeated one is an input error of its own.
    groups = draw(st.lists(GROUPS, min_size=1, max_size=4))
    objects = list({_identity(obj): obj for group in groups for obj in group}.values())
    step = draw(st.sampled_from([2, 4]))
    writer = Writer(draw(st.randoms(use_true_random=False)), step, draw(st.sampled_from([0, step])))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines: list[str] = []
    for index, obj in enumerate(objects):
        if index:
            lines.append("---")
        lines += writer.document(obj)
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), objects


def _identity(doc: Any) -> tuple[str, str | None, str]:
    metadata = doc.get("metadata") or {}
    namespace = metadata.get("namespace")
    if doc.get("kind") not in ("PersistentVolume", "StorageClass"):
        namespace = namespace or "default"
    return (doc.get("kind"), namespace, metadata.get("name"))


def _touched(run: Any) -> set[tuple[str, str | None, str]]:
    """The objects the applied fixes were about (and a governing Service they edit)."""
    touched = set()
    for item in run.applied:
        ref: ObjectRef = item.finding.obj
        touched.add((ref.kind, ref.namespace, ref.name))
        if item.finding.rule == "statefulset-service-not-headless":
            for name in ("db", "db-hl"):
                touched.add(("Service", ref.namespace, name))
    return touched


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests())
def test_fix_keeps_files_valid_and_untouched_documents_unchanged(
    manifest: tuple[bytes, list[dict[str, Any]]],
) -> None:
    data, _ = manifest
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifests.yaml"
        path.write_bytes(data)
        options = LintOptions(paths=[str(path)])
        run = run_fixes(options, unsafe=True)
        assert not run.failures
        write(run)
        after = path.read_bytes()
        before_docs, before_problems = parse_yaml(str(path), data)
        after_docs, after_problems = parse_yaml(str(path), after)
        assert not before_problems and not after_problems
        assert len(after_docs) >= len(before_docs)
        touched = _touched(run)
        for old, new in zip(before_docs, after_docs[: len(before_docs)], strict=True):
            if _identity(old) not in touched:
                assert old == new, _identity(old)
        assert after.startswith(codecs.BOM_UTF8) == data.startswith(codecs.BOM_UTF8)
        if b"\r\n" in data:
            assert after.count(b"\n") == after.count(b"\r\n")  # no bare LF added

        again = run_fixes(options, unsafe=True)
        assert again.applied == [] and again.changed == []
        fixed = {(item.finding.rule, item.finding.obj) for item in run.applied}
        left = {(finding.rule, finding.obj) for finding in lint(options).findings}
        assert not fixed & left
