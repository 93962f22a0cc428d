"""Policies in-process: what they select, where their findings point, every named edge,
the quantifiers, bounded evaluation and every kind of malformed policy.

The graph fixture is ``tests/fixtures/policy-graph/manifests.yaml``: one namespace with
classes, a static PV, claims, a StatefulSet with two claim templates, its Services and
budget, an autoscaled Deployment and a CronJob.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kslint.findings import Finding, Severity
from kslint.pipeline import LintOptions, lint, lint_texts
from kslint.policies import PolicyError, load_policies
from kslint.policies.edges import EDGES
from kslint.ruleset import RuleSet

GRAPH = Path(__file__).parent / "fixtures" / "policy-graph"
HEAD = "severity: warning\nsummary: A test policy.\nwhy: Tests.\nfix: Fix it.\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def policy(folder: Path, rule_id: str, body: str) -> Path:
    return write(folder, f"{rule_id}.yaml", f"id: {rule_id}\n{HEAD}{textwrap.dedent(body)}")


def run_graph(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    """Lint the graph fixture with every policy in ``folder``; their findings only."""
    rules = load_policies([folder])
    ids = {rule.meta.id for rule in rules}
    monkeypatch.chdir(GRAPH)
    in_use = RuleSet.builtin().with_rules([(rule.meta, rule.policy.to_check()) for rule in rules])
    result = lint(LintOptions(paths=["manifests.yaml"], rules=in_use))
    return [finding for finding in result.findings if finding.rule in ids]


def run_text(folder: Path, manifest: str) -> list[Finding]:
    rules = load_policies([folder])
    in_use = RuleSet.builtin().with_rules([(rule.meta, rule.policy.to_check()) for rule in rules])
    result = lint_texts([("m.yaml", textwrap.dedent(manifest))], rules=in_use)
    ids = {rule.meta.id for rule in rules} | {"internal-error"}
    return [finding for finding in result.findings if finding.rule in ids]


def where(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.rule, str(f.obj), f.span.line, f.span.column) for f in findings]


def problems(folder: Path) -> list[str]:
    """The problems loading ``folder`` raises, with the folder left out of file names."""
    with pytest.raises(PolicyError) as caught:
        load_policies([folder])
    return [problem.replace(f"{folder}/", "") for problem in caught.value.problems]


# -- assert: where failures point ----------------------------------------------------------

PV = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: data
  labels: {team: storage}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  persistentVolumeReclaimPolicy: Delete
  nfs: {server: nas, path: /data}
"""


def test_assert_reports_each_failure_at_its_node(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "pv-shape",
        """\
        match: {kinds: [PersistentVolume]}
        assert:
          required: [spec]
          properties:
            metadata:
              required: [annotations]
            spec:
              required: [storageClassName]
              additionalProperties: false
              properties:
                capacity: {}
                accessModes:
                  items: {enum: [ReadWriteOnce, ReadWriteOncePod]}
                persistentVolumeReclaimPolicy: {const: Retain}
                storageClassName: {}
        """,
    )
    found = run_text(tmp_path, PV)
    assert [(f.span.line, f.span.column, f.path) for f in found] == [
        (3, 1, ("metadata",)),  # required: the mapping that lacks `annotations`
        (6, 1, ("spec",)),  # required: storageClassName
        (8, 32, ("spec", "accessModes", 1)),  # enum on a list item
        (9, 3, ("spec", "persistentVolumeReclaimPolicy")),  # const
        (10, 3, ("spec", "nfs")),  # additionalProperties: the unexpected key itself
    ]
    messages = {f.path: f.message for f in found}
    assert messages[("spec", "persistentVolumeReclaimPolicy")] == (
        "PersistentVolume data fails policy pv-shape at spec.persistentVolumeReclaimPolicy: "
        "'Retain' was expected."
    )
    assert all(f.severity is Severity.WARNING and f.fix == "Fix it." for f in found)


def test_a_required_field_of_the_object_itself_points_at_kind(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "needs-status",
        "match: {kinds: [PersistentVolume]}\nassert: {required: [status]}\n",
    )
    found = run_text(tmp_path, PV)
    assert [(f.span.line, f.span.column, f.path) for f in found] == [(2, 1, ())]


def test_at_picks_the_first_present_place_and_value_or_key(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "pv-retain",
        """\
        match: {kinds: [PersistentVolume]}
        assert:
          properties:
            spec:
              properties:
                persistentVolumeReclaimPolicy: {const: Retain}
                accessModes: {maxItems: 1}
        at: [/spec/mountOptions, {path: /spec/persistentVolumeReclaimPolicy, on: value}, /kind]
        message: "${object} must be Retain, not ${value} (${path}: ${reason}); $$5 fine"
        """,
    )
    found = run_text(tmp_path, PV)
    # One finding per object with `at`, at the first place present, on its value; the
    # message is the first failure's (failures are ordered by their path).
    assert [(f.span.line, f.span.column, f.path) for f in found] == [
        (9, 34, ("spec", "persistentVolumeReclaimPolicy"))
    ]
    assert found[0].message == (
        "PersistentVolume data must be Retain, not a list (spec.accessModes: "
        "['ReadWriteOnce', 'ReadOnlyMany'] is too long); $5 fine"
    )


def test_at_falls_back_to_the_last_place_and_the_mapping_that_lacks_it(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "pv-class",
        """\
        match: {kinds: [PersistentVolume]}
        assert: {properties: {spec: {required: [storageClassName]}}}
        at: [/spec/storageClassName]
        """,
    )
    found = run_text(tmp_path, PV)
    # The mapping that lacks the field (span_of: the deepest node that exists).
    assert [(f.span.line, f.span.column, f.path) for f in found] == [
        (7, 3, ("spec", "storageClassName"))
    ]


def test_message_placeholders(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "pv-message",
        """\
        match: {kinds: [PersistentVolume]}
        assert:
          properties:
            spec:
              properties:
                persistentVolumeReclaimPolicy: {enum: [Retain]}
        message: "${id}: ${kind} ${name} in '${namespace}' (${object}) has ${path}=${value}: ${reason}"
        """,
    )
    [found] = run_text(tmp_path, PV)
    assert found.message == (
        "pv-message: PersistentVolume data in '' (PersistentVolume data) has "
        "spec.persistentVolumeReclaimPolicy=Delete: 'Delete' is not one of ['Retain']"
    )


def test_alternatives_report_the_branch_that_got_furthest(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "sized",
        """\
        match: {kinds: [PersistentVolume, StorageClass]}
        assert:
          anyOf:
            - properties:
                kind: {const: PersistentVolume}
                spec: {properties: {capacity: {properties: {storage: {pattern: "Ti$"}}}}}
            - properties: {kind: {const: StorageClass}}
        """,
    )
    [found] = run_text(tmp_path, PV)
    assert (found.span.line, found.span.column) == (7, 14)
    assert found.path == ("spec", "capacity", "storage")
    assert "'10Gi' does not match 'Ti$'" in found.message


# -- match ----------------------------------------------------------------------------------


def test_match_namespaces_names_labels_and_where(tmp_path: Path, monkeypatch) -> None:
    policy(
        tmp_path,
        "every-object",
        """\
        match:
          kinds: [PersistentVolumeClaim, StatefulSet, Deployment, StorageClass, ConfigMap]
          namespaces: ["sh*"]
          exclude_names: [uploads]
        assert: false
        """,
    )
    policy(
        tmp_path,
        "by-label",
        """\
        match:
          kinds: [StatefulSet, Deployment]
          labels: {matchExpressions: [{key: tier, operator: NotIn, values: [frontend]}]}
        assert: false
        """,
    )
    policy(
        tmp_path,
        "by-where",
        """\
        match:
          kinds: [StorageClass]
          names: ["f*", "r*"]
          exclude_namespaces: [shop]
          where: {properties: {reclaimPolicy: {const: Delete}}}
        assert: false
        """,
    )
    found = run_graph(tmp_path, monkeypatch)
    subjects = sorted((f.rule, str(f.obj)) for f in found)
    assert subjects == [
        ("by-label", "StatefulSet shop/db"),
        ("by-where", "StorageClass fast"),  # cluster-scoped: no namespace to exclude
        ("every-object", "ConfigMap shop/settings"),  # a kind kslint does not model
        ("every-object", "Deployment shop/web"),
        ("every-object", "PersistentVolumeClaim shop/static-data"),
        ("every-object", "StatefulSet shop/db"),
    ]
    assert {f.message for f in found if f.rule == "by-where"} == {
        "StorageClass fast fails policy by-where: nothing is allowed here (the schema is false)."
    }


def test_min_replicas_counts_autoscalers_and_shows_them(tmp_path: Path, monkeypatch) -> None:
    policy(
        tmp_path,
        "replicated",
        """\
        match: {kinds: [Deployment, StatefulSet, CronJob], min_replicas: 4}
        assert: false
        message: ${object} runs up to ${replicas} replicas
        """,
    )
    [found] = run_graph(tmp_path, monkeypatch)
    assert found.message == "Deployment shop/web runs up to 6 replicas"
    assert [(r.span.line, r.span.column, r.message) for r in found.related] == [
        (143, 3, "HorizontalPodAutoscaler shop/web scales it up to 6 replicas")
    ]


# -- related: every edge ----------------------------------------------------------------------

# edge, subject kinds -> (subject, finding line:col, related object line:col) per related node
EDGE_CASES = {
    "claims": (
        ["Deployment", "CronJob"],
        [
            ("Deployment shop/web", 131, 35, 43),
            ("Deployment shop/web", 133, 35, 32),
            ("CronJob shop/backup", 163, 39, 32),
        ],
    ),
    "claim_templates": (
        ["StatefulSet"],
        [("StatefulSet shop/db", 69, 7, 69), ("StatefulSet shop/db", 74, 7, 74)],
    ),
    "all_claims": (
        ["StatefulSet", "Deployment"],
        [
            ("StatefulSet shop/db", 69, 7, 69),
            ("StatefulSet shop/db", 74, 7, 74),
            ("Deployment shop/web", 131, 35, 43),
            ("Deployment shop/web", 133, 35, 32),
        ],
    ),
    "storage_class": (
        ["PersistentVolumeClaim", "PersistentVolume"],
        [
            ("PersistentVolume pv-static", 25, 3, 5),
            ("PersistentVolumeClaim shop/static-data", 36, 3, 5),
            ("PersistentVolumeClaim shop/uploads", 47, 3, 13),
        ],
    ),
    "claim_templates.storage_class": (
        ["StatefulSet"],
        [("StatefulSet shop/db", 72, 9, 5), ("StatefulSet shop/db", 77, 9, 13)],
    ),
    "volume": (["PersistentVolumeClaim"], [("PersistentVolumeClaim shop/static-data", 37, 3, 20)]),
    "users": (
        ["PersistentVolumeClaim"],
        [
            ("PersistentVolumeClaim shop/static-data", 30, 1, 112),
            ("PersistentVolumeClaim shop/static-data", 30, 1, 148),
            ("PersistentVolumeClaim shop/uploads", 41, 1, 112),
        ],
    ),
    "governing_service": (["StatefulSet"], [("StatefulSet shop/db", 57, 3, 83)]),
    "selecting_services": (
        ["StatefulSet", "Deployment"],
        [("StatefulSet shop/db", 62, 7, 83), ("StatefulSet shop/db", 62, 7, 93)],
    ),
    "pdbs": (["StatefulSet", "Deployment"], [("StatefulSet shop/db", 62, 7, 103)]),
    "hpas": (["Deployment", "StatefulSet"], [("Deployment shop/web", 110, 1, 138)]),
    "selected_workloads": (
        ["Service", "PodDisruptionBudget"],
        [
            ("Service shop/db", 87, 3, 53),
            ("Service shop/db-public", 97, 3, 53),
            ("PodDisruptionBudget shop/db", 107, 3, 53),
        ],
    ),
    "scale_target": (
        ["HorizontalPodAutoscaler"],
        [("HorizontalPodAutoscaler shop/web", 141, 3, 112)],
    ),
    "claims.volume": (["Deployment"], [("Deployment shop/web", 133, 35, 20)]),
}


def test_every_edge_is_tested() -> None:
    # ``peers`` needs ``same_labels``: tested in test_policies_cases.py.
    assert set(EDGES) - {"peers"} <= {name.split(".")[0] for name in EDGE_CASES}


@pytest.mark.parametrize("edge", sorted(EDGE_CASES))
def test_edge(edge: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kinds, expected = EDGE_CASES[edge]
    policy(
        tmp_path,
        "edge-test",
        f"match: {{kinds: {kinds}}}\nrelated:\n  - edge: {edge}\n    all: false\n",
    )
    found = run_graph(tmp_path, monkeypatch)
    actual = [(str(f.obj), f.span.line, f.span.column, f.related[0].span.line) for f in found]
    assert sorted(actual) == sorted(expected)
    assert all(len(f.related) == 1 for f in found)


# -- related: count and quantifiers ---------------------------------------------------------------


def test_count_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy(
        tmp_path,
        "one-user",
        """\
        match: {kinds: [PersistentVolumeClaim]}
        related:
          - edge: users
            count: {max: 1}
        """,
    )
    policy(
        tmp_path,
        "two-services",
        """\
        match: {kinds: [StatefulSet]}
        related:
          - edge: selecting_services
            where: {properties: {spec: {required: [clusterIP]}}}
            count: {min: 2}
            message: ${object} has ${count} headless services (${related})
        """,
    )
    found = run_graph(tmp_path, monkeypatch)
    assert where(found) == [
        ("one-user", "PersistentVolumeClaim shop/static-data", 30, 1),
        ("two-services", "StatefulSet shop/db", 62, 7),
    ]
    one_user, two_services = found
    assert one_user.message == (
        "PersistentVolumeClaim shop/static-data has 2 users (Deployment shop/web, "
        "CronJob shop/backup); the policy one-user expects at most 1."
    )
    assert [(r.span.line, r.message) for r in one_user.related] == [
        (112, "Deployment shop/web (users)"),
        (148, "CronJob shop/backup (users)"),
    ]
    assert two_services.message == "StatefulSet shop/db has 1 headless services (Service shop/db)"


def test_all_reports_each_failing_related_object_at_the_failing_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(
        tmp_path,
        "retain-classes",
        """\
        match: {kinds: [StatefulSet]}
        related:
          - edge: claim_templates.storage_class
            count: {min: 1}
            all: {properties: {reclaimPolicy: {const: Retain}}}
        """,
    )
    [found] = run_graph(tmp_path, monkeypatch)
    assert (found.span.line, found.span.column) == (77, 9)  # the wal template's class
    assert found.message == (
        "StatefulSet shop/db: StorageClass fast (claim_templates.storage_class) fails policy "
        "retain-classes at reclaimPolicy: 'Retain' was expected."
    )
    [related] = found.related
    assert (related.span.line, related.span.column) == (15, 1)
    assert related.message == "StorageClass fast: 'Retain' was expected"


def test_any_fires_once_when_no_related_object_satisfies_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(
        tmp_path,
        "budget-max-one",
        """\
        match: {kinds: [StatefulSet, Deployment]}
        related:
          - edge: pdbs
            any: {required: [spec], properties: {spec: {required: [maxUnavailable]}}}
        """,
    )
    found = run_graph(tmp_path, monkeypatch)
    assert where(found) == [
        ("budget-max-one", "StatefulSet shop/db", 62, 7),
        ("budget-max-one", "Deployment shop/web", 121, 7),  # no budget at all: any fails
    ]
    assert found[0].message == (
        "None of the pdbs of StatefulSet shop/db (PodDisruptionBudget shop/db) satisfies "
        "policy budget-max-one: 'maxUnavailable' is a required property."
    )
    assert [(r.span.line, r.span.column) for r in found[0].related] == [(105, 1)]


def test_none_fires_for_each_related_object_that_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy(
        tmp_path,
        "no-load-balancer",
        """\
        match: {kinds: [StatefulSet]}
        related:
          - edge: selecting_services
            none: {properties: {spec: {properties: {type: {const: LoadBalancer}}, required: [type]}}}
            at: [/metadata/name]
            message: ${related} exposes ${object}
        """,
    )
    [found] = run_graph(tmp_path, monkeypatch)
    assert (found.span.line, found.span.column) == (53, 3)
    assert found.message == "Service shop/db-public exposes StatefulSet shop/db"


# -- integration with the rest of kslint -----------------------------------------------------------


def test_policies_join_a_new_rule_set_and_leave_the_builtin_one_alone(tmp_path: Path) -> None:
    policy(tmp_path, "in-use", "match: {kinds: [ConfigMap]}\nassert: true\n")
    builtin = RuleSet.builtin()
    in_use = builtin.with_policies([tmp_path])
    assert in_use.catalog["in-use"].family == "custom"
    assert in_use.checks["in-use"].kinds == frozenset({"ConfigMap"})
    assert "in-use" not in builtin.catalog and "in-use" not in builtin.checks
    assert "in-use" not in RuleSet.builtin().catalog


def test_suppression_comments_and_config_apply_to_policies(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "pv-needs-class",
        "match: {kinds: [PersistentVolume]}\nassert: {properties: {spec: {required: [storageClassName]}}}\n",
    )
    found = run_text(tmp_path, PV.replace("spec:\n", "spec:  # kslint: disable=pv-needs-class\n"))
    assert found == []
    assert [f.rule for f in run_text(tmp_path, PV)] == ["pv-needs-class"]


# -- bounded evaluation --------------------------------------------------------------------------


def test_a_catastrophic_pattern_matches_in_linear_time_with_re2(tmp_path: Path) -> None:
    # ^(a|aa)+$ on forty a's and a '!' takes hours with a backtracking engine; RE2 answers
    # at once that it does not match, so each ConfigMap gets the policy's own finding.
    policy(
        tmp_path,
        "runaway",
        """\
        match: {kinds: [ConfigMap]}
        assert:
          properties:
            data:
              additionalProperties: {type: string, pattern: "^(a|aa)+$"}
        """,
    )
    documents = "\n---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\ndata: {{v: '{'a' * 40}!'}}"
        for n in range(20)
    )
    found = run_text(tmp_path, documents)
    assert [f.rule for f in found] == ["runaway"] * 20


STEPS_POLICY = """\
match: {kinds: [ConfigMap]}
assert:
  properties:
    data:
      additionalProperties: {anyOf: [{type: integer}, {type: boolean}, {minLength: 1}]}
"""


def test_a_policy_that_spends_its_step_budget_stops_with_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kslint.policies.compile as compile_module

    monkeypatch.setattr(compile_module, "POLICY_STEPS", 300)
    policy(tmp_path, "busy", STEPS_POLICY)
    data = ", ".join(f"k{n}: v" for n in range(100))
    documents = "\n---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{n}}}\ndata: {{{data}}}"
        for n in range(5)
    )
    first, second = run_text(tmp_path, documents), run_text(tmp_path, documents)
    assert [f.rule for f in first] == ["busy"]
    [stopped] = first
    assert stopped.severity is Severity.ERROR
    assert "took more than 300 evaluation steps" in stopped.message
    assert "It checks nothing more in this run" in stopped.message
    # Steps, not seconds: the same input stops at the same object every time.
    assert [(f.message, f.span) for f in first] == [(f.message, f.span) for f in second]


def test_unique_items_on_twenty_thousand_mappings_is_linear(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "unique-entries",
        """\
        match: {kinds: [Inventory]}
        assert:
          properties:
            spec: {properties: {entries: {uniqueItems: true}}}
        """,
    )
    entries = "".join(f"    - {{name: e{n}, size: {n}}}\n" for n in range(20_000))
    manifest = (
        "apiVersion: example.com/v1\nkind: Inventory\nmetadata: {name: big}\n"
        f"spec:\n  entries:\n{entries}    - {{size: 7, name: e7}}\n"
    )
    [found] = run_text(tmp_path, manifest)
    assert found.rule == "unique-entries"
    assert "lists" in found.message or "non-unique" in found.message
    unique = manifest.replace("{size: 7, name: e7}", "{size: 7, name: other}")
    assert run_text(tmp_path, unique) == []


def test_unevaluated_properties_beside_pattern_properties_anywhere_is_refused(
    tmp_path: Path,
) -> None:
    policy(
        tmp_path,
        "hidden",
        """\
        match: {kinds: [ConfigMap]}
        assert:
          $defs:
            keys: {patternProperties: {"^(a+)+$": {type: string}}}
          properties:
            data:
              allOf: [{$ref: "#/$defs/keys"}]
              unevaluatedProperties: false
        """,
    )
    [problem] = problems(tmp_path)
    assert problem.startswith("hidden.yaml:13:")
    assert "unevaluatedProperties cannot be used" in problem


def test_a_schema_nested_past_the_depth_limit_is_a_policy_problem(tmp_path: Path) -> None:
    nested = "{not: " * 140 + "{type: string}" + "}" * 140
    policy(tmp_path, "deep", f"match: {{kinds: [ConfigMap]}}\nassert: {nested}\n")
    [problem] = problems(tmp_path)
    assert problem.startswith("deep.yaml:7:")
    assert "the schema nests deeper than 64 levels" in problem


def test_a_pattern_re2_cannot_compile_is_a_policy_problem(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "lookahead",
        """\
        match: {kinds: [ConfigMap]}
        assert: {properties: {data: {additionalProperties: {pattern: "^(?=a)"}}}}
        """,
    )
    [problem] = problems(tmp_path)
    assert "invalid regular expression '^(?=a)' (RE2, as Kubernetes)" in problem


def test_a_ref_loop_reached_at_run_time_is_reported(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "looping",
        """\
        match: {kinds: [PersistentVolume]}
        assert:
          $defs:
            loop: {$ref: "#/$defs/loop"}
          properties:
            spec: {$ref: "#/$defs/loop"}
        """,
    )
    [found] = run_text(tmp_path, PV)
    assert found.rule == "looping"
    assert found.severity is Severity.ERROR
    assert "its schema recursed without end" in found.message


# -- malformed policies: every problem, with its position -------------------------------------------


def test_bad_yaml(tmp_path: Path) -> None:
    write(tmp_path, "broken.yaml", "id: broken\nseverity: [warning\n")
    [problem] = problems(tmp_path)
    assert problem == (
        "broken.yaml:3:1: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence)."
    )


def test_format_violations(tmp_path: Path) -> None:
    write(
        tmp_path,
        "format.yaml",
        """\
        id: Not_An_Id
        severity: critical
        summary: s
        why: w
        fix: f
        mach: {kinds: [Pod]}
        examples:
          bad:
            - manifest: "kind: Pod"
        """,
    )
    write(tmp_path, "no-check.yaml", f"id: no-check\n{HEAD}match: {{kinds: [Pod]}}\n")
    write(tmp_path, "no-match.yaml", f"id: no-match\n{HEAD}")
    found = problems(tmp_path)
    assert found == [
        'format.yaml:1:5: id: string "Not_An_Id" does not match the pattern ^[a-z0-9]+(-[a-z0-9]+)*$',
        'format.yaml:2:11: severity: string "critical" is not one of "error", "warning", "info"',
        'format.yaml:6:1: unknown field "mach"; did you mean "match"?',
        'format.yaml:9:7: examples.bad[0]: missing required field "line"',
        "no-check.yaml:1:1: a policy with `match` needs `assert` or `related` (or both)",
        "no-match.yaml:1:1: a policy needs `match` (with `assert` and/or `related`), or "
        "`cases`, to check anything",
    ]


def test_edges_ids_schemas_and_messages(tmp_path: Path) -> None:
    policy(
        tmp_path,
        "bad-edges",
        """\
        match: {kinds: [StatefulSet, PersistentVolumeClaim], min_replicas: 2}
        related:
          - edge: pdb
            count: {min: 1}
          - edge: claims
            count: {min: 3, max: 1}
        """,
    )
    policy(
        tmp_path,
        "bad-schemas",
        """\
        message: "${object} ${count} ${bogus} $"
        match:
          kinds: [PersistentVolume]
          labels: {matchExpressions: [{key: a, operator: Exists}]}
          where: {$ref: "https://example.com/schema.json"}
        assert:
          properties:
            spec:
              type: objekt
              properties:
                name: {pattern: "(unclosed"}
            status: {$ref: "#/$defs/missing"}
          required: spec
        """,
    )
    policy(
        tmp_path,
        "bad-selector",
        "match:\n  kinds: [Pod]\n  labels: {matchLabels: {app: [web]}}\nassert: true\n",
    )
    clash = f"id: pv-missing-reclaim-policy\n{HEAD}match: {{kinds: [Pod]}}\nassert: true\n"
    write(tmp_path, "clash.yaml", clash)
    write(tmp_path, "twice.yaml", f"id: bad-edges\n{HEAD}match: {{kinds: [Pod]}}\nassert: true\n")
    known = ", ".join(EDGES)
    assert problems(tmp_path) == [
        "bad-edges.yaml:6:68: match.min_replicas: min_replicas applies to workloads only, "
        "not PersistentVolumeClaim",
        f"bad-edges.yaml:8:11: related[0].edge: unknown edge 'pdb' (did you mean 'pdbs'?); "
        f"known edges: {known}",
        "bad-edges.yaml:10:11: related[1].edge: edge 'claims' does not start from "
        "PersistentVolumeClaim; it starts from: CronJob, DaemonSet, Deployment, Job, Pod, "
        "ReplicaSet, ReplicationController, StatefulSet",
        "bad-edges.yaml:11:12: related[1].count: count.min (3) is above count.max (1)",
        "bad-schemas.yaml:6:10: message: unknown placeholder ${count} (only messages under "
        "related can use it)",
        "bad-schemas.yaml:6:10: message: unknown placeholder ${bogus}; use one of: block, id, "
        "kind, name, namespace, object, path, reason, replicas, value",
        "bad-schemas.yaml:6:10: message: a lone $ in the message: write $$ for a dollar sign",
        "bad-schemas.yaml:10:17: match.where.$ref: $ref 'https://example.com/schema.json' is "
        "refused: a policy may only refer inside itself (#/$defs/...); it never reads files "
        "or the network",
        "bad-schemas.yaml:14:13: assert.properties.spec.type: invalid JSON Schema: 'objekt' "
        "is not one of ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] "
        "(no alternative of anyOf matches)",
        "bad-schemas.yaml:16:25: assert.properties.spec.properties.name.pattern: invalid "
        "regular expression '(unclosed' (RE2, as Kubernetes): missing ): (unclosed",
        "bad-schemas.yaml:17:20: assert.properties.status.$ref: $ref '#/$defs/missing' "
        "points to nothing",
        "bad-schemas.yaml:18:13: assert.required: invalid JSON Schema: 'spec' is not of type "
        "'array'",
        "bad-selector.yaml:8:31: match.labels.matchLabels.app: expected string or number or "
        "boolean, got a list",
        "clash.yaml:1:5: id: 'pv-missing-reclaim-policy' is a built-in rule; choose another id",
        "twice.yaml:1:5: id: 'bad-edges' is already defined at bad-edges.yaml:1",
    ]


# -- kslint policy test -----------------------------------------------------------------------


def test_policy_test_checks_the_column_when_given(tmp_path: Path) -> None:
    from kslint.policy_examples import run_tests, summary

    manifest = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: a}\nspec: {nfs: {}}\n"
    example = textwrap.indent(manifest, " " * 8)
    body = (
        "match: {kinds: [PersistentVolume]}\n"
        "assert: {properties: {spec: {properties: {nfs: {required: [path]}}}}}\n"
        "examples:\n"
        "  bad:\n"
        f"    - line: 4\n      column: 8\n      manifest: |\n{example}"
        f"    - line: 4\n      column: 1\n      manifest: |\n{example}"
    )
    policy(tmp_path, "pv-nfs-path", body)
    results = run_tests([tmp_path])
    assert [(r.label, r.passed, r.detail) for r in results] == [
        ("bad[0]", True, "fires at 4:8"),
        ("bad[1]", False, "expected a finding at 4:1, it fires at 4:8"),
    ]
    assert summary(results) == "1 passed, 1 failed (1 rule)"
