"""Binding simulation (kslint.binding), the storage edges of the graph, and the family E
rules' messages, related locations and documented options."""

from __future__ import annotations

from kslint.binding import can_bind, mismatches
from kslint.engine import run_checks
from kslint.graph import Graph, _edit_distance
from kslint.loader import Source, load_sources
from kslint.options import RuleOptions
from kslint.pipeline import lint_texts
from kslint.ruleset import RuleSet


def graph_of(*texts: str, options: RuleOptions | None = None) -> Graph:
    loaded = load_sources(Source(f"doc{i}.yaml", t.encode()) for i, t in enumerate(texts))
    return Graph(loaded.objects, options)


def run(rule_id: str, *texts: str, options: RuleOptions | None = None) -> list:
    graph = graph_of(*texts, options=options)
    return [
        f
        for f in run_checks(graph, [RuleSet.builtin().checks[rule_id]], RuleSet.builtin().catalog)
        if f.rule == rule_id
    ]


def pv(extra: str = "", capacity: str = "10Gi", modes: str = "[ReadWriteOnce]") -> str:
    return f"""\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: vol
  labels: {{zone: a}}
spec:
  capacity: {{storage: {capacity}}}
  accessModes: {modes}
  persistentVolumeReclaimPolicy: Retain
{extra}  nfs: {{server: nfs, path: /x}}
"""


def pvc(extra: str = "", request: str = "10Gi", modes: str = "[ReadWriteOnce]") -> str:
    return f"""\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
{extra}  accessModes: {modes}
  resources: {{requests: {{storage: {request}}}}}
"""


def pair(volume: str, claim: str) -> tuple:
    graph = graph_of(volume, claim)
    return (
        graph.of_kind("PersistentVolumeClaim")[0],
        graph.of_kind("PersistentVolume")[0],
        graph,
    )


EMPTY = '  storageClassName: ""\n'


def checks_failed(volume: str, claim: str) -> list[str]:
    claim_view, volume_view, graph = pair(volume, claim)
    return [m.check for m in mismatches(claim_view, volume_view, graph.default_storage_classes)]


def test_compatible_pair_binds() -> None:
    claim_view, volume_view, _ = pair(pv(), pvc(EMPTY))
    assert can_bind(claim_view, volume_view)


def test_each_check() -> None:
    assert checks_failed(pv(), pvc('  storageClassName: "fast"\n')) == ["storage class"]
    assert checks_failed(pv("  storageClassName: fast\n"), pvc(EMPTY)) == ["storage class"]
    assert checks_failed(pv(), pvc(EMPTY, modes="[ReadWriteOnce, ReadWriteMany]")) == [
        "access modes"
    ]
    assert checks_failed(pv(modes="[ReadWriteOnce, ReadOnlyMany]"), pvc(EMPTY)) == []
    assert checks_failed(pv(capacity="1G"), pvc(EMPTY, request="1Gi")) == ["capacity"]
    assert checks_failed(pv(capacity="1Gi"), pvc(EMPTY, request="1G")) == []
    assert checks_failed(pv(capacity="1e3"), pvc(EMPTY, request="1k")) == []
    assert checks_failed(pv(capacity="999"), pvc(EMPTY, request="1k")) == ["capacity"]
    assert checks_failed(pv("  volumeMode: Block\n"), pvc(EMPTY)) == ["volumeMode"]
    assert checks_failed(pv("  volumeMode: Block\n"), pvc(EMPTY + "  volumeMode: Block\n")) == []
    assert checks_failed(pv("  volumeMode: Filesystem\n"), pvc(EMPTY)) == []
    selector = EMPTY + "  selector: {matchLabels: {zone: b}}\n"
    assert checks_failed(pv(), pvc(selector)) == ["selector"]
    assert checks_failed(pv(), pvc(EMPTY + "  selector: {matchLabels: {zone: a}}\n")) == []
    other = "  claimRef: {namespace: default, name: someone-else}\n"
    assert checks_failed(pv(other), pvc(EMPTY)) == ["claimRef"]
    mine = "  claimRef: {namespace: default, name: data}\n"
    assert checks_failed(pv(mine), pvc(EMPTY)) == []


def test_no_class_claim() -> None:
    # Against a PV without a class: always a mismatch.
    assert checks_failed(pv(), pvc()) == ["storage class"]
    # Against a PV with a class: a mismatch only when the set's default class differs.
    default = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {name}
  annotations: {{storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/nfs
reclaimPolicy: Retain
"""
    volume, claim = pv("  storageClassName: nfs\n"), pvc()
    for default_name, expected in ((None, []), ("nfs", []), ("ssd", ["storage class"])):
        texts = [volume, claim] + ([default.format(name=default_name)] if default_name else [])
        graph = graph_of(*texts)
        claim_view = graph.of_kind("PersistentVolumeClaim")[0]
        volume_view = graph.of_kind("PersistentVolume")[0]
        found = mismatches(claim_view, volume_view, graph.default_storage_classes)
        assert [m.check for m in found] == expected


def test_every_reason_in_one_finding_with_related_locations() -> None:
    volume = pv("  storageClassName: slow\n  volumeMode: Block\n", capacity="1Gi")
    claim = pvc(
        "  storageClassName: fast\n  volumeName: vol\n  selector: {matchLabels: {zone: b}}\n",
        request="2Gi",
        modes="[ReadWriteMany]",
    )
    [finding] = run("pvc-volume-mismatch", volume, claim)
    assert finding.message == (
        "PersistentVolumeClaim default/data names PersistentVolume vol in spec.volumeName but "
        "cannot bind it: the claim asks for storage class 'fast' but the PV has "
        "storageClassName 'slow'; the PV does not offer access mode ReadWriteMany (it offers "
        "ReadWriteOnce); the PV holds 1Gi, less than the 2Gi requested; the claim's "
        "volumeMode is Filesystem but the PV's is Block; the claim's selector zone=b does "
        "not match the PV's labels."
    )
    # At the first reason: the claim's storageClassName value.
    assert (finding.span.line, finding.span.column) == (6, 21)
    assert [(r.file, r.span.line, r.message) for r in finding.related] == [
        ("doc0.yaml", 10, "PersistentVolume vol has storageClassName 'slow'"),
        ("doc0.yaml", 8, "PersistentVolume vol offers ReadWriteOnce"),
        ("doc0.yaml", 7, "PersistentVolume vol holds 1Gi"),
        ("doc0.yaml", 11, "PersistentVolume vol has volumeMode Block"),
        ("doc0.yaml", 5, "PersistentVolume vol has labels zone=a"),
    ]


def test_both_ties_are_checked() -> None:
    named = pv().replace("name: vol", "name: named")
    reserving = pv("  storageClassName: other\n  claimRef: {namespace: default, name: data}\n")
    claim = pvc(EMPTY + "  volumeName: named\n")
    graph = graph_of(named, reserving, claim)
    claim_view = graph.of_kind("PersistentVolumeClaim")[0]
    assert [(v.obj.name, how) for v, how in graph.tied_volumes(claim_view)] == [
        ("named", "volumeName"),
        ("vol", "claimRef"),
    ]
    findings = run("pvc-volume-mismatch", named, reserving, claim)
    assert [f.message.split(" but ")[0] for f in findings] == [
        "PersistentVolumeClaim default/data is named by the claimRef of PersistentVolume vol"
    ]


def test_malformed_capacity_is_invalid_object_not_a_mismatch() -> None:
    result = lint_texts(
        [("pv.yaml", pv(capacity="lots")), ("pvc.yaml", pvc(EMPTY + "  volumeName: vol\n"))]
    )
    rules = [(f.rule, f.file, f.span.line, f.span.column) for f in result.findings]
    assert ("invalid-object", "pv.yaml", 7, 23) in rules
    assert "pvc-volume-mismatch" not in {f.rule for f in result.findings}


def test_no_matching_volume_lists_the_candidates() -> None:
    small = pv(capacity="1Gi").replace("name: vol", "name: small")
    ro = pv(modes="[ReadOnlyMany]").replace("name: vol", "name: ro")
    classy = pv("  storageClassName: fast\n").replace("name: vol", "name: classy")
    [finding] = run("pvc-no-matching-volume", small, ro, classy, pvc(EMPTY))
    assert finding.message == (
        'PersistentVolumeClaim default/data has storageClassName: "" (static binding only) '
        "but none of the 2 PVs without a class can bind it: small (capacity), "
        "ro (access modes) do not fit."
    )
    assert [r.file for r in finding.related] == ["doc0.yaml", "doc1.yaml"]
    [only_classes] = run("pvc-no-matching-volume", classy, pvc(EMPTY))
    assert "the only PV in the set, PersistentVolume vol" not in only_classes.message
    assert "has storage class 'fast'" in only_classes.message
    # Any fitting PV silences it, and so does an empty set of PVs.
    assert run("pvc-no-matching-volume", small, pv(), pvc(EMPTY)) == []
    assert run("pvc-no-matching-volume", pvc(EMPTY)) == []


def test_edit_distance() -> None:
    assert _edit_distance("fast-ssd", "fast-ssd", 2) == 0
    assert _edit_distance("fast_ssd", "fast-ssd", 2) == 1
    assert _edit_distance("fast-sdd", "fast-ssd", 2) == 1
    assert _edit_distance("fastsd", "fast-ssd", 2) == 2
    assert _edit_distance("fsd", "fast-ssd", 2) == 3
    assert _edit_distance("standard", "standard-rwo", 2) == 3
    assert _edit_distance("gp2", "premium", 2) == 3


STORAGE_CLASS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {name}
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
"""


def test_similar_storage_classes() -> None:
    graph = graph_of(*(STORAGE_CLASS.format(name=n) for n in ("Fast", "fast-ssd", "slow")))
    assert [sc.obj.name for sc in graph.similar_storage_classes("FAST")] == ["Fast"]
    assert [sc.obj.name for sc in graph.similar_storage_classes("fast-sd")] == ["fast-ssd"]
    assert [sc.obj.name for sc in graph.similar_storage_classes("flow")] == ["slow"]
    assert graph.similar_storage_classes("Fast") == []  # exists
    assert graph.similar_storage_classes("premium") == []


def test_storage_class_inventory_option() -> None:
    claim = pvc('  storageClassName: "gp3"\n')
    assert run("storageclass-not-found", claim) == []
    declared = RuleOptions(cluster_storage_classes=frozenset({"gp2", "standard"}))
    [finding] = run("storageclass-not-found", claim, options=declared)
    assert finding.message == (
        "PersistentVolumeClaim default/data names StorageClass 'gp3', which is neither in "
        "the set nor among the cluster's declared storage classes."
    )
    assert (finding.span.line, finding.span.column) == (6, 21)
    inventory = RuleOptions(cluster_storage_classes=frozenset({"gp3"}))
    assert run("storageclass-not-found", claim, options=inventory) == []
    # A class in the set counts even when the inventory omits it.
    assert (
        run("storageclass-not-found", claim, STORAGE_CLASS.format(name="gp3"), options=declared)
        == []
    )


def test_storage_class_near_miss_message_and_related() -> None:
    [finding] = run(
        "storageclass-not-found",
        pvc("  storageClassName: fast_ssd\n"),
        STORAGE_CLASS.format(name="fast-ssd"),
    )
    assert finding.message.endswith("did you mean 'fast-ssd'?")
    assert [(r.file, r.span.line) for r in finding.related] == [("doc1.yaml", 4)]


WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {namespace}
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - {{name: web, image: "example/web:1.0"}}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: shared}}
"""


def test_external_claims_option() -> None:
    deployment = WORKLOAD.format(namespace="shop")
    [finding] = run("pvc-not-found", deployment)
    assert (finding.span.line, finding.span.column) == (17, 46)
    assert finding.message == (
        "Deployment shop/web uses claim 'shared' in volume 'data', but no PVC shop/shared is "
        "in the set."
    )
    external = RuleOptions(cluster_claims=frozenset({("shop", "shared")}))
    assert run("pvc-not-found", deployment, options=external) == []
    elsewhere = RuleOptions(cluster_claims=frozenset({("default", "shared")}))
    assert len(run("pvc-not-found", deployment, options=elsewhere)) == 1


def test_claim_in_another_namespace_is_named() -> None:
    claim = pvc().replace("name: data", "name: shared\n  namespace: default")
    [finding] = run("pvc-not-found", WORKLOAD.format(namespace="shop"), claim)
    assert finding.message.endswith("(a PVC of that name exists in namespace default).")
    assert [(r.file, r.span.line) for r in finding.related] == [("doc1.yaml", 4)]


def test_multiple_defaults_related() -> None:
    default = STORAGE_CLASS.replace("metadata:\n", 'metadata:\n  annotations: {{{key}: "true"}}\n')
    texts = [
        default.format(name="a", key="storageclass.kubernetes.io/is-default-class"),
        default.format(name="b", key="storageclass.beta.kubernetes.io/is-default-class"),
        default.format(name="c", key="storageclass.kubernetes.io/is-default-class"),
    ]
    findings = run("storageclass-multiple-defaults", *texts)
    assert [(f.obj.name, f.span.line, len(f.related)) for f in findings] == [
        ("a", 4, 2),
        ("b", 4, 2),
        ("c", 4, 2),
    ]
    assert findings[0].message == (
        "StorageClass a is marked as the default StorageClass, and so are StorageClass b, "
        "StorageClass c."
    )
