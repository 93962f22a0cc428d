"""Which fields of a kustomization are credited with a rendered value (``credits`` and
the plan it reads each kustomization into once per run), called directly: entries that
kustomize would refuse are still read without a crash, and credit nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kslint.discover import display_path
from kslint.nodes import YMap
from kslint.render.credits import Level, credits
from kslint.render.files import SourceFiles
from kslint.render.kustomization import Kustomization
from kslint.yaml_reader import parse_yaml

OVERLAY = """\
namespace: prod
replicas:
  - name: [web]
  - not-a-mapping
  - name: web
  - name: web
    count: 2
  - name: web
    count: 3
images:
  - newTag: "2"
  - name: example/web
    newTag: "2"
  - name: example/db
    newName: registry.local/db
"""

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: example/web:2
        - name: db
          image: registry.local/db:16
        - name: side
          image: example/side:1
"""


def _doc(text: str) -> YMap:
    [document], problems = parse_yaml("x.yaml", text.encode())
    assert not problems and isinstance(document, YMap)
    return document


def _credited(tmp_path: Path, overlay: str, origin_has_namespace: bool = False) -> dict[Any, str]:
    path = tmp_path / "kustomization.yaml"
    path.write_text(overlay)
    k = Kustomization(path, _doc(overlay), overlay)
    found = credits(
        [Level(k, "web", None)], "Deployment", _doc(WORKLOAD), SourceFiles(), origin_has_namespace
    )
    return {
        rendered: f"{credit.place.span(True).line}:{credit.place.span(True).column} {credit.what}"
        for rendered, credit in found.values.items()
    }


def test_fields_credit_the_entries_that_set_the_rendered_values(tmp_path: Path) -> None:
    shown = display_path(tmp_path / "kustomization.yaml")
    credited = {
        path: where.replace(shown, "K") for path, where in _credited(tmp_path, OVERLAY).items()
    }
    assert credited == {
        # the last entry that names the object and sets the count it has
        ("spec", "replicas"): "9:5 replicas: in K",  # count: 3
        ("spec", "template", "spec", "containers", 0, "image"): "13:5 images: in K",  # newTag
        ("spec", "template", "spec", "containers", 1, "image"): "15:5 images: in K",  # newName
        ("metadata", "namespace"): "1:1 namespace: in K",
    }


def test_a_namespace_the_origin_sets_itself_is_not_credited(tmp_path: Path) -> None:
    credited = _credited(tmp_path, OVERLAY, origin_has_namespace=True)
    assert ("metadata", "namespace") not in credited


def test_a_kustomization_that_sets_nothing_credits_nothing(tmp_path: Path) -> None:
    assert _credited(tmp_path, "resources:\n  - ../base\n") == {}


MOUNTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          volumeMounts:
            - name: config
              mountPath: /etc/a
              subPath: a
            - name: config
              mountPath: /etc/b
              subPath: b2
"""


def test_volume_mounts_merge_by_mount_path(tmp_path: Path) -> None:
    """Two mounts of one volume: the patch changes the subPath of the one at /etc/b.
    Kubernetes merges volumeMounts by mountPath, so the credit goes to the second
    rendered mount, not to the first one named ``config``."""
    overlay = """\
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers:
              - name: web
                volumeMounts:
                  - name: config
                    mountPath: /etc/b
                    subPath: b2
"""
    path = tmp_path / "kustomization.yaml"
    path.write_text(overlay)
    k = Kustomization(path, _doc(overlay), overlay)
    found = credits([Level(k, "web", None)], "Deployment", _doc(MOUNTS), SourceFiles(), False)
    mounts = ("spec", "template", "spec", "containers", 0, "volumeMounts")
    credited = {p[len(mounts) :] for p in found.values if p[: len(mounts)] == mounts}
    assert credited == {(), (1,), (1, "mountPath"), (1, "subPath"), (1, "name")}
