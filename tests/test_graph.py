"""The graph: selectors, claim resolution, governing Services, autoscalers, namespaces."""

from __future__ import annotations

import pytest

from kslint.graph import Graph
from kslint.loader import Source, load_source
from kslint.selectors import SelectorError, parse_label_selector


def graph_of(text: str, namespace: str = "default") -> Graph:
    return Graph(load_source(Source("g.yaml", text.encode()), namespace).objects)


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        ({"matchLabels": {"app": "db"}}, {"app": "db", "x": "1"}, True),
        ({"matchLabels": {"app": "db"}}, {"app": "web"}, False),
        (
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["db", "x"]}]},
            {"app": "db"},
            True,
        ),
        (
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["x"]}]},
            {"app": "db"},
            False,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["x"]}]}, {}, True),
        (
            {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["db"]}]},
            {"app": "db"},
            False,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, {"app": ""}, True),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, {}, True),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, {"app": "x"}, False),
        ({"matchLabels": {"on": "true"}}, {"on": True}, True),  # unquoted YAML booleans
        ({}, {"anything": "1"}, True),
    ],
)
def test_label_selector(selector: dict, labels: dict, matches: bool) -> None:
    assert parse_label_selector(selector).matches(labels) is matches


@pytest.mark.parametrize(
    "selector",
    [
        [],
        {"matchLabels": []},
        {"matchExpressions": [{"key": "a", "operator": "Like"}]},
        {"matchExpressions": {}},
    ],
)
def test_invalid_selectors(selector: object) -> None:
    with pytest.raises(SelectorError):
        parse_label_selector(selector)


WORLD = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: a}
spec: {accessModes: [ReadWriteOnce], storageClassName: fast, volumeName: pv-1}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec: {storageClassName: fast}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-2}
spec: {claimRef: {namespace: b, name: data}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: b}
spec: {accessModes: [ReadWriteMany]}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      volumes:
        - {name: d, persistentVolumeClaim: {claimName: data}}
        - {name: e, persistentVolumeClaim: {claimName: elsewhere}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: a}
spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 7}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: a}
spec:
  serviceName: db
  replicas: "{{ .Values.replicas }}"
  template:
    metadata: {labels: {app: db, tier: data}}
    spec:
      volumes:
        - {name: data, persistentVolumeClaim: {claimName: data}}
  volumeClaimTemplates:
    - metadata: {name: data}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: a}
spec: {clusterIP: None, selector: {app: db}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: a}
spec: {selector: {matchExpressions: [{key: tier, operator: In, values: [data]}]}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: db, namespace: b}
spec: {selector: {matchLabels: {app: db}}}
"""


def test_edges() -> None:
    graph = graph_of(WORLD)
    web = graph.get("Deployment", "a", "web")
    db = graph.get("StatefulSet", "a", "db")
    claim_a = graph.get("PersistentVolumeClaim", "a", "data")
    claim_b = graph.get("PersistentVolumeClaim", "b", "data")

    claims = graph.claims(web)
    assert [(v.name, c.obj.namespace if c else None) for v, c in claims] == [
        ("d", "a"),
        ("e", None),
    ]
    # The StatefulSet's pod volume named like its claim template is replaced by it.
    assert graph.claims(db) == []
    assert [w.obj.name for w, _ in graph.claim_users(claim_a)] == ["web"]

    assert graph.storage_class(claim_a).obj.name == "fast"
    assert graph.storage_class(claim_b) is None
    assert graph.bound_volume(claim_a).obj.name == "pv-1"
    assert graph.bound_volume(claim_b).obj.name == "pv-2"

    assert graph.max_replicas(web) == 7  # the autoscaler raises it
    assert graph.max_replicas(db) is None  # a template placeholder is unknown
    assert graph.governing_service(db).obj.name == "db"
    assert [s.obj.name for s in graph.services(db)] == ["db"]
    assert [(p.obj.namespace, p.obj.name) for p in graph.pdbs(db)] == [("a", "db")]
    assert graph.pdbs(web) == []
    assert [o.namespace for o in graph.named("PersistentVolumeClaim", "data")] == ["a", "b"]


def test_default_namespace_applies_to_objects_without_one() -> None:
    graph = graph_of(WORLD.replace("namespace: a", "namespace: prod"), namespace="prod")
    assert graph.get("Deployment", "prod", "web") is not None
    graph = graph_of("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", namespace="prod")
    assert graph.get("Service", "prod", "s") is not None
