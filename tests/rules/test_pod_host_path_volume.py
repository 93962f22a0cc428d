"""pod-host-path-volume: node agents (DaemonSets) may mount host paths.

pod-host-path-volume (catalog revision 3): fires only on a hostPath volume that can hold
the pod's data: mounted writable by some container, not a socket or device, outside
DaemonSets and static pods. Its message says what is written stays on the node.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import lint_json, rules_found, write_repo

from kslint.pipeline import lint_texts

NODE_AGENT = """\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {{app: node-agent}}
  template:
    metadata:
      labels: {{app: node-agent}}
    spec:
      containers:
        - name: agent
          image: example/node-agent:1.0
          volumeMounts:
            - {{name: logs, mountPath: /var/log}}
      volumes:
        - name: logs
          hostPath: {{path: /var/log}}
"""


RULE = "pod-host-path-volume"


def test_daemonset_with_host_path() -> None:
    assert "pod-host-path-volume" not in rules_found(NODE_AGENT.format(kind="DaemonSet"))
    assert "pod-host-path-volume" in rules_found(NODE_AGENT.format(kind="Deployment"))


def pod(
    volume: str = "hostPath: {path: /srv/data}",
    mounts: str = "[{name: data, mountPath: /data}]",
    init_mounts: str | None = None,
    kind: str = "Deployment",
    namespace: str = "default",
    pod_spec: str = "",
    annotations: str = "{}",
) -> str:
    """A workload (or Pod) with one volume ``data``; line 1 is ``apiVersion``."""
    lines = [*pod_spec.splitlines()]
    lines.append(f"containers: [{{name: app, image: busybox, volumeMounts: {mounts}}}]")
    if init_mounts:
        lines.append(
            f"initContainers: [{{name: init, image: busybox, volumeMounts: {init_mounts}}}]"
        )
    lines += ["volumes:", "  - name: data", f"    {volume}"]
    spec = "\n".join(lines) + "\n"
    if kind == "Pod":
        return (
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {namespace}, "
            f"annotations: {annotations}}}\nspec:\n" + textwrap.indent(spec, "  ")
        )
    return (
        f"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: w, namespace: {namespace}}}\n"
        "spec:\n  selector: {matchLabels: {app: w}}\n  template:\n"
        "    metadata: {labels: {app: w}}\n    spec:\n" + textwrap.indent(spec, "      ")
    )


def hits(text: str) -> list[tuple[int, int, str]]:
    result = lint_texts([("w.yaml", text)])
    return [(f.span.line, f.span.column, f.message) for f in result.findings if f.rule == RULE]


def test_a_writable_mount_fires_at_the_host_path_key_and_names_the_writer() -> None:
    ((line, column, message),) = hits(pod())
    assert (line, column) == (12, 11)
    assert message == (
        "Deployment default/w mounts hostPath volume 'data' (/srv/data) writable in container "
        "'app': what is written there stays on one node and is lost to the workload when the "
        "pod moves to another."
    )


def test_the_writable_mount_is_a_related_location() -> None:
    result = lint_texts([("w.yaml", pod())])
    (finding,) = [f for f in result.findings if f.rule == RULE]
    assert [(r.span.line, r.message) for r in finding.related] == [
        (9, "container 'app' mounts it writable here")
    ]


@pytest.mark.parametrize(
    "mounts",
    [
        "[{name: data, mountPath: /data, readOnly: true}]",
        "[]",  # mounted by no container
        "[{name: other, mountPath: /data}]",
    ],
)
def test_read_only_or_unmounted_volumes_do_not_fire(mounts: str) -> None:
    assert hits(pod(mounts=mounts)) == []


def test_read_only_false_is_writable() -> None:
    assert len(hits(pod(mounts="[{name: data, mountPath: /data, readOnly: false}]"))) == 1


def test_an_init_container_that_writes_fires() -> None:
    text = pod(
        mounts="[{name: data, mountPath: /data, readOnly: true}]",
        init_mounts="[{name: data, mountPath: /seed}]",
    )
    ((_, _, message),) = hits(text)
    assert "writable in container 'init'" in message


@pytest.mark.parametrize(
    "volume",
    [
        "hostPath: {path: /var/run/docker.sock}",
        "hostPath: {path: /run/containerd/containerd.sock/}",
        "hostPath: {path: /var/run/cri, type: Socket}",
        "hostPath: {path: /dev/fuse, type: CharDevice}",
        "hostPath: {path: /dev/sdb, type: BlockDevice}",
    ],
)
def test_sockets_and_devices_do_not_fire(volume: str) -> None:
    assert hits(pod(volume=volume)) == []


@pytest.mark.parametrize(
    "volume", ["hostPath: {path: /srv/data, type: Directory}", "hostPath: {path: /srv/x.socket}"]
)
def test_near_misses_of_sockets_still_fire(volume: str) -> None:
    assert len(hits(pod(volume=volume))) == 1


@pytest.mark.parametrize(
    ("namespace", "pod_spec", "annotations"),
    [
        ("default", "nodeName: worker-1\n", "{}"),
        ("default", "", "{kubernetes.io/config.mirror: abc123}"),
        ("default", "", "{kubernetes.io/config.source: file}"),
        ("kube-system", "hostNetwork: true\n", "{}"),  # the kubeadm control plane
    ],
)
def test_static_pods_do_not_fire(namespace: str, pod_spec: str, annotations: str) -> None:
    text = pod(kind="Pod", namespace=namespace, pod_spec=pod_spec, annotations=annotations)
    assert hits(text) == []


@pytest.mark.parametrize(
    ("kind", "namespace", "pod_spec", "annotations"),
    [
        ("Pod", "kube-system", "", "{}"),  # kube-system without hostNetwork
        ("Pod", "monitoring", "hostNetwork: true\n", "{}"),  # hostNetwork elsewhere
        ("Pod", "default", "", "{kubernetes.io/config.source: api}"),
        ("Deployment", "default", "nodeName: worker-1\n", "{}"),  # a template, not a Pod
        ("Deployment", "kube-system", "hostNetwork: true\n", "{}"),
    ],
)
def test_near_misses_of_static_pods_fire(
    kind: str, namespace: str, pod_spec: str, annotations: str
) -> None:
    text = pod(kind=kind, namespace=namespace, pod_spec=pod_spec, annotations=annotations)
    assert len(hits(text)) == 1


def test_daemonsets_do_not_fire() -> None:
    assert hits(pod(kind="DaemonSet")) == []
    assert len(hits(pod(kind="StatefulSet"))) == 1


def test_cli_reports_one_finding_per_writable_host_path(tmp_path: Path) -> None:
    text = pod() + "        - name: sock\n          hostPath: {path: /var/run/docker.sock}\n"
    text = text.replace(
        "volumeMounts: [{name: data, mountPath: /data}]",
        "volumeMounts: [{name: data, mountPath: /data}, {name: sock, mountPath: /s}]",
    )
    write_repo(tmp_path, {"w.yaml": text})
    found = [
        (f["line"], f["column"])
        for f in lint_json("w.yaml", cwd=tmp_path)["findings"]
        if f["rule"] == RULE
    ]
    assert found == [(12, 11)]
