"""pod-host-path-volume: node agents (DaemonSets) may mount host paths."""

from __future__ import annotations

from helpers import rules_found

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


def test_daemonset_with_host_path() -> None:
    assert "pod-host-path-volume" not in rules_found(NODE_AGENT.format(kind="DaemonSet"))
    assert "pod-host-path-volume" in rules_found(NODE_AGENT.format(kind="Deployment"))
