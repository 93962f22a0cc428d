"""The policy language's additions for custom resources, as a team uses them (policies in
a folder, ``kslint lint --policy-dir``): ``match.groups``, ``each`` with ``${block}``,
``cases`` with their own severity, the ``quantity`` and ``sumOf`` keywords, the ``peers``
edge; and the load-time errors for their misuse."""

from __future__ import annotations

from pathlib import Path

from helpers import lint_json, run_kslint, write_files

POLICY = """\
id: team-storage
severity: warning
summary: Team storage rules.
why: Test policy.
fix: Fix it.
cases:
  - description: every Widget disk is at least 10Gi
    match: {groups: ["*.example.com"], kinds: [Widget]}
    each: [/spec/disks/*]
    assert: {properties: {size: {quantity: {minimum: 10Gi}}}}
    at: [/size, ""]
    message: ${object} has a small disk at ${block} (${value}).
  - description: the replicas of the pools add up to 3 or more
    severity: info
    match: {groups: [widgets.example.com], kinds: [Widget]}
    assert: {properties: {spec: {properties: {pools: {sumOf: {pointer: /replicas, default: 1, is: {minimum: 3}}}}}}}
    at: [/spec/pools]
    message: ${object} runs too few replicas (${reason}).
---
id: team-pool-peers
severity: info
summary: A one-replica pool needs a sibling pool.
why: Test policy.
fix: Fix it.
match:
  kinds: [Pool]
  where: {properties: {spec: {properties: {replicas: {const: 1}}}}}
related:
  - edge: peers
    same_labels: [example.com/cluster]
    any: {properties: {spec: {properties: {replicas: {minimum: 1}}}}}
    at: [/spec/replicas]
    message: "${object} is alone (${count} peers: ${related})."
"""

MANIFESTS = """\
apiVersion: widgets.example.com/v1
kind: Widget
metadata: {name: a}
spec:
  disks:
    - {name: data, size: 5Gi}
    - {name: logs, size: 20Gi}
    - {name: tmp, size: "{{ .Values.size }}"}
  pools:
    - {name: p}
    - {name: q, replicas: 1}
---
apiVersion: other.org/v1
kind: Widget
metadata: {name: b}
spec:
  disks:
    - {name: data, size: 1Gi}
---
apiVersion: example.com/v1
kind: Pool
metadata:
  name: lonely
  labels: {example.com/cluster: one}
spec: {replicas: 1}
---
apiVersion: example.com/v1
kind: Pool
metadata:
  name: stopped
  labels: {example.com/cluster: one}
spec: {replicas: 0}
---
apiVersion: example.com/v1
kind: Pool
metadata:
  name: paired
  labels: {example.com/cluster: two}
spec: {replicas: 1}
---
apiVersion: example.com/v1
kind: Pool
metadata:
  name: partner
  labels: {example.com/cluster: two}
spec: {replicas: 2}
"""


def test_cases_groups_each_keywords_and_peers(tmp_path: Path) -> None:
    write_files(tmp_path, {"policies/team.yaml": POLICY, "k8s/all.yaml": MANIFESTS})
    report = lint_json("k8s", "--policy-dir", "policies", cwd=tmp_path)
    found = sorted(
        (f["rule"], f["line"], f["column"], f["severity"], f["message"])
        for f in report["findings"]
        if f["rule"].startswith("team-")
    )
    assert found == [
        (
            "team-pool-peers",
            25,
            8,
            "info",
            "Pool default/lonely is alone (1 peers: Pool default/stopped).",
        ),
        (
            "team-storage",
            6,
            20,
            "warning",
            "Widget default/a has a small disk at spec.disks[0] (5Gi).",
        ),
        (
            "team-storage",
            9,
            3,
            "info",
            "Widget default/a runs too few replicas (the sum of /replicas over 2 item(s) is 2).",
        ),
    ]


def test_policy_test_runs_case_examples(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "policies/quantity.yaml": """\
                id: zero-size
                severity: error
                summary: No zero sizes.
                why: Test.
                fix: Fix.
                cases:
                  - match: {groups: [example.com], kinds: [Disk]}
                    assert: {properties: {spec: {properties: {size: {quantity: {exclusiveMinimum: 0}}}}}}
                    at: [/spec/size]
                examples:
                  bad:
                    - line: 4
                      manifest: |
                        apiVersion: example.com/v1
                        kind: Disk
                        metadata: {name: d}
                        spec: {size: "0Mi"}
                  good:
                    - manifest: |
                        apiVersion: example.com/v1
                        kind: Disk
                        metadata: {name: d}
                        spec: {size: 1Mi}
                    - manifest: |
                        apiVersion: other.com/v1
                        kind: Disk
                        metadata: {name: d}
                        spec: {size: "0"}
                """
        },
    )
    result = run_kslint("policy", "test", "policies", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed, 0 failed" in result.stdout


def test_misused_additions_are_load_errors(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "policies/bad.yaml": """\
                id: bad-cases
                severity: info
                summary: s
                why: w
                fix: f
                match: {kinds: [Pod]}
                cases:
                  - match: {kinds: [Pool]}
                    related:
                      - edge: peers
                        any: {}
                """
        },
    )
    result = run_kslint("lint", "policies", "--policy-dir", "policies", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert any(
        "a rule with `cases` keeps match, assert and related inside its cases" in line
        for line in lines
    ), lines


def test_peers_needs_same_labels(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "policies/bad.yaml": """\
                id: bad-peers
                severity: info
                summary: s
                why: w
                fix: f
                cases:
                  - match: {kinds: [Pool]}
                    related:
                      - edge: peers
                        any: {}
                """
        },
    )
    result = run_kslint("lint", "policies", "--policy-dir", "policies", cwd=tmp_path)
    assert result.returncode == 2
    assert "policies/bad.yaml:9:15: cases[0].related[0].edge: edge 'peers' needs same_labels" in (
        result.stderr
    ), result.stderr


def test_builtin_rules_with_cases_compile_as_user_policies_would() -> None:
    """Built-in rules compile ``trusted`` (no meta-schema check at start-up): the test
    checks their schemas against the meta-schema once, as a user policy's would be."""
    from kslint.policies.cases import CasesPolicy, compile_rule
    from kslint.registry import builtin_catalog

    with_cases = [meta for meta in builtin_catalog().values() if "cases" in (meta.data or {})]
    assert len(with_cases) >= 4
    for meta in with_cases:
        policy, problems = compile_rule(meta.data, meta, meta.id, trusted=False)
        assert isinstance(policy, CasesPolicy) and not problems, (meta.id, problems)
        assert len(policy.cases) == len(meta.data["cases"])
