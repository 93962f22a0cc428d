"""storageclass-multiple-defaults: every default names the others; one class defined twice
is still one default."""

from __future__ import annotations

from helpers import binding_positions, run_check
from manifests import STORAGE_CLASS


def test_multiple_defaults_related() -> None:
    default = STORAGE_CLASS.replace("metadata:\n", 'metadata:\n  annotations: {{{key}: "true"}}\n')
    texts = [
        default.format(name="a", key="storageclass.kubernetes.io/is-default-class"),
        default.format(name="b", key="storageclass.beta.kubernetes.io/is-default-class"),
        default.format(name="c", key="storageclass.kubernetes.io/is-default-class"),
    ]
    findings = run_check("storageclass-multiple-defaults", *texts)
    assert [(f.obj.name, f.span.line, len(f.related)) for f in findings] == [
        ("a", 4, 2),
        ("b", 4, 2),
        ("c", 4, 2),
    ]
    assert findings[0].message == (
        "StorageClass a is marked as the default StorageClass, and so are StorageClass b, "
        "StorageClass c."
    )


def test_one_default_class_defined_twice_is_one_default() -> None:
    default = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: pd.csi.storage.gke.io
reclaimPolicy: Retain
"""
    assert binding_positions(default, default) == []
