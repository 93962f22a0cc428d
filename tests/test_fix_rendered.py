"""``kslint fix`` on kustomize units, rendered by the real kustomize: a finding is fixed in
its source file only where the edit reaches exactly the flagged object; a shared base, a
path an overlay sets and a patch's own line are refused with the reason, nothing written."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import lint_json, run_kslint, write_repo

pytestmark = pytest.mark.skipif(
    shutil.which("kustomize") is None and shutil.which("kubectl") is None,
    reason="needs kustomize or kubectl (kubectl kustomize)",
)

RULE = "deployment-rwo-rolling-update"

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 1  # one writer
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: busybox
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
"""

DEPLOY_FIXED = DEPLOY.replace(
    "  replicas: 1  # one writer\n",
    "  replicas: 1  # one writer\n"
    "  strategy:\n"
    "    rollingUpdate:\n"
    "      maxSurge: 0\n"
    "      maxUnavailable: 1\n",
)

BASE = {
    "base/kustomization.yaml": "resources:\n  - deploy.yaml\n  - pvc.yaml\n",
    "base/deploy.yaml": DEPLOY,
    "base/pvc.yaml": """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          storageClassName: standard
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        """,
}

PROD = {
    "overlays/prod/kustomization.yaml": """\
        resources:
          - ../../base
        namespace: prod
        patches:
          - path: replicas.yaml
        """,
    "overlays/prod/replicas.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: db
        spec:
          replicas: 2
        """,
}

DEV = {
    "overlays/dev/kustomization.yaml": "resources:\n  - ../../base\nnamePrefix: dev-\n",
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _rule_findings(root: Path, *args: str) -> list[dict]:
    report = lint_json(*args, ".", cwd=root)
    return [finding for finding in report["findings"] if finding["rule"] == RULE]


def test_a_base_one_overlay_uses_is_fixed_in_the_base(tmp_path: Path) -> None:
    write_repo(tmp_path, {**BASE, **PROD})
    [finding] = _rule_findings(tmp_path)
    assert (finding["file"], finding["units"]) == ("base/deploy.yaml", ["overlays/prod"])

    shown = run_kslint("fix", "--diff", ".", cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.startswith("--- a/base/deploy.yaml\n+++ b/base/deploy.yaml\n")
    assert "base/deploy.yaml:5:1: deployment-rwo-rolling-update: would fix (safe)" in shown.stderr

    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Fixed 1 finding in 1 file." in result.stdout
    assert "not fixed" not in result.stdout  # the later pass knows the base was edited
    assert (tmp_path / "base/deploy.yaml").read_text() == DEPLOY_FIXED
    assert _rule_findings(tmp_path) == []
    # Idempotent: a second run finds nothing to do and writes nothing.
    before = _snapshot(tmp_path)
    again = run_kslint("fix", ".", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Nothing to fix." in again.stdout
    assert _snapshot(tmp_path) == before


def test_a_base_fixed_from_inside_its_only_overlay(tmp_path: Path) -> None:
    """The base is outside the paths given: it is read, fixed and written all the same."""
    write_repo(tmp_path, {**BASE, **PROD})
    result = run_kslint("fix", ".", cwd=tmp_path / "overlays/prod")
    assert result.returncode == 0, result.stderr
    assert "../../base/deploy.yaml:5:1: deployment-rwo-rolling-update: fixed (safe)" in (
        result.stdout
    )
    assert (tmp_path / "base/deploy.yaml").read_text() == DEPLOY_FIXED


def test_a_base_two_overlays_share_is_not_fixed(tmp_path: Path) -> None:
    write_repo(tmp_path, {**BASE, **PROD, **DEV})
    [finding] = _rule_findings(tmp_path)
    assert finding["units"] == ["overlays/dev", "overlays/prod"]
    before = _snapshot(tmp_path)
    reason = (
        "base/deploy.yaml:5:1: deployment-rwo-rolling-update: not fixed: kustomize base "
        "shared by overlays/dev and overlays/prod: an edit here changes every unit that uses "
        "it; fix it in an overlay by hand"
    )
    shown = run_kslint("fix", "--diff", ".", cwd=tmp_path)
    assert (shown.returncode, shown.stdout) == (0, "")
    assert reason in shown.stderr
    result = run_kslint("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert reason in result.stdout
    assert "Nothing to fix." in result.stdout
    assert _snapshot(tmp_path) == before


def test_an_overlay_outside_the_paths_given_still_counts(tmp_path: Path) -> None:
    """Fixing one overlay must not change a base another overlay of the repository uses."""
    write_repo(tmp_path, {**BASE, **PROD, **DEV})
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path / "overlays/dev")
    assert result.returncode == 0, result.stderr
    assert (
        "../../base/deploy.yaml:5:1: deployment-rwo-rolling-update: not fixed: kustomize base "
        "shared by . and ../prod"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


STRATEGY_BASE = DEPLOY.replace(
    "  replicas: 1  # one writer\n",
    "  replicas: 1  # one writer\n  strategy:\n    type: RollingUpdate\n",
)


def test_a_path_an_overlay_patch_sets_is_not_fixed(tmp_path: Path) -> None:
    """The finding is at the base's strategy.type, but the fix would write
    rollingUpdate.maxUnavailable, which the overlay's patch sets: kustomize would override
    the edit (and the fix was chosen from the base's value, not the rendered one)."""
    write_repo(
        tmp_path,
        {
            **BASE,
            "base/deploy.yaml": STRATEGY_BASE,
            "overlays/prod/kustomization.yaml": """\
                resources:
                  - ../../base
                patches:
                  - path: strategy.yaml
                """,
            "overlays/prod/strategy.yaml": """\
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: db
                spec:
                  strategy:
                    rollingUpdate:
                      maxUnavailable: 0
                """,
        },
    )
    [finding] = _rule_findings(tmp_path)
    assert (finding["file"], finding["line"]) == ("base/deploy.yaml", 8)
    before = _snapshot(tmp_path)
    result = run_kslint("fix", "--diff", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert (
        "base/deploy.yaml:8:11: deployment-rwo-rolling-update: not fixed: overridden by the "
        "patch at overlays/prod/strategy.yaml:8, which sets "
        "`spec.strategy.rollingUpdate.maxUnavailable`, so an edit of "
        "`spec.strategy.rollingUpdate.maxSurge` in the base would not give the rendered "
        "object what the fix writes; fix it there by hand"
    ) in result.stderr
    assert _snapshot(tmp_path) == before


def test_a_json_patch_on_the_path_is_not_fixed(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            **BASE,
            "base/deploy.yaml": STRATEGY_BASE,
            "overlays/prod/kustomization.yaml": """\
                resources:
                  - ../../base
                patches:
                  - target: {kind: Deployment, name: db}
                    patch: |-
                      - op: add
                        path: /spec/strategy/rollingUpdate
                        value: {maxUnavailable: 0}
                """,
        },
    )
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "base/deploy.yaml:8:11: deployment-rwo-rolling-update: not fixed: overridden by the "
        "inline patch at overlays/prod/kustomization.yaml:8, which sets "
        "`spec.strategy.rollingUpdate`"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


def test_a_patch_by_the_base_name_above_a_rename_is_not_fixed_under(tmp_path: Path) -> None:
    """kustomize selects a target by the object's original name as well as its current
    one: the patch above the overlay that adds ``mid-`` still overrides the edit."""
    write_repo(
        tmp_path,
        {
            **BASE,
            "base/deploy.yaml": STRATEGY_BASE,
            "overlays/mid/kustomization.yaml": "resources:\n  - ../../base\nnamePrefix: mid-\n",
            "overlays/prod/kustomization.yaml": """\
                resources:
                  - ../mid
                patches:
                  - target: {kind: Deployment, name: db}
                    patch: |-
                      - op: add
                        path: /spec/strategy/rollingUpdate
                        value: {maxUnavailable: 0}
                """,
        },
    )
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "base/deploy.yaml:8:11: deployment-rwo-rolling-update: not fixed: overridden by the "
        "inline patch at overlays/prod/kustomization.yaml:8, which sets "
        "`spec.strategy.rollingUpdate`"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


def test_a_finding_at_a_patch_line_is_not_fixed(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            **BASE,
            "overlays/prod/kustomization.yaml": """\
                resources:
                  - ../../base
                patches:
                  - path: strategy.yaml
                """,
            "overlays/prod/strategy.yaml": """\
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: db
                spec:
                  strategy:
                    rollingUpdate:
                      maxSurge: 1
                """,
        },
    )
    [finding] = _rule_findings(tmp_path)
    assert (finding["file"], finding["line"]) == ("overlays/prod/strategy.yaml", 8)
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "overlays/prod/strategy.yaml:8:17: deployment-rwo-rolling-update: not fixed: it points "
        "at overlays/prod/strategy.yaml, a patch that makes Deployment default/db, not at its "
        "document in base/deploy.yaml: fix it there by hand"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


def test_render_never_fixes_the_files_as_plain_files(tmp_path: Path) -> None:
    """With --render never, kustomizations are not rendered: the base is a plain file."""
    write_repo(tmp_path, {**BASE, **PROD, **DEV})
    result = run_kslint("fix", "--render", "never", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "base/deploy.yaml").read_text() == DEPLOY_FIXED


def test_reports_mark_only_what_kslint_fix_would_fix(tmp_path: Path) -> None:
    write_repo(tmp_path, {**BASE, **PROD})
    text = run_kslint("lint", ".", cwd=tmp_path).stdout
    assert f"base/deploy.yaml:5:1: [*] warning[{RULE}] " in text
    assert run_kslint("lint", ".", cwd=tmp_path).stdout == text  # warm: read from the cache
    assert len([p for p in (tmp_path / ".kslint_cache" / "fixes").rglob("*") if p.is_file()]) == 1
    [finding] = _rule_findings(tmp_path)
    assert finding["autofix"]["applicability"] == "safe"
    edited = DEPLOY.splitlines(keepends=True)
    [edit] = finding["autofix"]["edits"]
    assert (edit["file"], edit["line"], edit["column"]) == ("base/deploy.yaml", 6, 28)
    edited[5] = edited[5][:27] + edit["content"] + edited[5][27:]
    assert "".join(edited) == DEPLOY_FIXED

    write_repo(tmp_path, DEV)  # now the base is shared: nothing is offered
    text = run_kslint("lint", ".", cwd=tmp_path).stdout
    assert "[*]" not in text
    [finding] = _rule_findings(tmp_path)
    assert (finding["fixable"], finding["autofix"]) == (False, None)
    assert finding["autofix_refused"].startswith(
        "kustomize base shared by overlays/dev and overlays/prod"
    )


def test_a_finding_in_a_helm_template_is_not_fixed(tmp_path: Path) -> None:
    """A Helm stream's findings point at the chart's templates: text, not YAML to edit."""
    from test_render_helm import CHART, STREAM

    root = write_repo(tmp_path, {**CHART, "rendered/all.yaml": STREAM})
    report = lint_json("--chart-dir", "mychart", "rendered/all.yaml", cwd=root)
    [finding] = [f for f in report["findings"] if f["rule"] == RULE]
    assert finding["file"] == "mychart/templates/deployment.yaml"
    assert (finding["fixable"], finding["autofix"]) == (False, None)
    assert finding["autofix_refused"] == (
        "rendered by Helm: a fix would have to be written into the chart's template; fix it "
        "there by hand"
    )
    before = _snapshot(root)
    result = run_kslint("fix", "rendered/all.yaml", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "rendered by Helm" in result.stdout
    assert _snapshot(root) == before


def test_a_fix_that_adds_an_object_is_not_made_in_a_rendered_unit(tmp_path: Path) -> None:
    """A new PodDisruptionBudget beside the base's StatefulSet would be renamed, labelled
    and patched by the overlay; the retention fix in the same file is made, and the
    refusal is still reported after the pass that edited the file."""
    sts = """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          replicas: 3
          persistentVolumeClaimRetentionPolicy:
            whenDeleted: Delete
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers: [{name: db, image: busybox}]
        """
    write_repo(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [sts.yaml, svc.yaml]\n",
            "base/sts.yaml": sts,
            "base/svc.yaml": """\
                apiVersion: v1
                kind: Service
                metadata:
                  name: db
                spec:
                  clusterIP: None
                  selector: {app: db}
                """,
            "prod/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\n",
        },
    )
    result = run_kslint("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "base/sts.yaml:9:18: statefulset-pvc-retention-delete: fixed (unsafe)" in result.stdout
    assert (
        "base/sts.yaml:7:13: statefulset-missing-pdb: not fixed: the fix adds an object beside "
        "StatefulSet default/db in a file kustomize renders"
    ) in result.stdout
    assert (tmp_path / "base/sts.yaml").read_text() == textwrap.dedent(sts).replace(
        "whenDeleted: Delete", "whenDeleted: Retain"
    )


def _with_prod(tmp_path: Path, kustomization: str, **files: str) -> None:
    extra = {f"overlays/prod/{name}": text for name, text in files.items()}
    write_repo(tmp_path, {**BASE, "overlays/prod/kustomization.yaml": kustomization, **extra})


def test_replacements_away_from_the_edit_do_not_stop_it(tmp_path: Path) -> None:
    _with_prod(
        tmp_path,
        """\
        resources:
          - ../../base
        replacements:
          - source: {kind: Deployment, name: db, fieldPath: metadata.name}
            targets:
              - select: {kind: Deployment}
                fieldPaths: [spec.template.metadata.labels.app]
        """,
    )
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "base/deploy.yaml").read_text() == DEPLOY_FIXED


def test_a_replacement_on_the_edit_stops_it(tmp_path: Path) -> None:
    _with_prod(
        tmp_path,
        """\
        resources:
          - ../../base
        replacements:
          - source: {kind: Deployment, name: db, fieldPath: spec.replicas}
            targets:
              - select: {kind: Deployment}
                fieldPaths: [spec.strategy.rollingUpdate.maxUnavailable]
                options: {create: true}
        """,
    )
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "not fixed: overridden by replacements at overlays/prod/kustomization.yaml:7, which "
        "sets `spec.strategy.rollingUpdate.maxUnavailable`"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


def test_a_unit_with_transformers_is_not_fixed(tmp_path: Path) -> None:
    """Transformer configurations (and ``vars``) may set any value: kslint does not read
    them, so nothing under them is edited."""
    _with_prod(
        tmp_path,
        "resources:\n  - ../../base\ntransformers:\n  - labels.yaml\n",
        **{
            "labels.yaml": """\
                apiVersion: builtin
                kind: LabelTransformer
                metadata: {name: labels}
                labels: {team: data}
                fieldSpecs: [{path: metadata/labels, create: true}]
                """
        },
    )
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "base/deploy.yaml:5:1: deployment-rwo-rolling-update: not fixed: "
        "overlays/prod/kustomization.yaml:3 uses `transformers`, which may change any value "
        "of Deployment default/db (kslint does not read it): fix it by hand"
    ) in result.stdout
    assert _snapshot(tmp_path) == before


def test_a_base_with_a_bom_and_crlf_line_ends_keeps_them(tmp_path: Path) -> None:
    write_repo(tmp_path, {**BASE, **PROD})
    crlf = DEPLOY.replace("\n", "\r\n").encode()
    (tmp_path / "base/deploy.yaml").write_bytes(b"\xef\xbb\xbf" + crlf)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Fixed 1 finding in 1 file." in result.stdout
    fixed = DEPLOY_FIXED.replace("\n", "\r\n").encode()
    assert (tmp_path / "base/deploy.yaml").read_bytes() == b"\xef\xbb\xbf" + fixed


def test_a_json_patch_removing_the_edited_mapping_stops_the_fix(tmp_path: Path) -> None:
    """A removal leaves no rendered value to credit: kslint reads the operation itself."""
    base = DEPLOY.replace(
        "  replicas: 1  # one writer\n",
        "  replicas: 1  # one writer\n"
        "  strategy:\n"
        "    type: RollingUpdate\n"
        "    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n",
    )
    _with_prod(
        tmp_path,
        """\
        resources:
          - ../../base
        patches:
          - path: remove.yaml
            target: {kind: Deployment}
        """,
        **{"remove.yaml": "- op: remove\n  path: /spec/strategy/rollingUpdate\n"},
    )
    (tmp_path / "base/deploy.yaml").write_text(base)
    [finding] = _rule_findings(tmp_path)
    assert (finding["file"], finding["line"]) == ("base/deploy.yaml", 8)
    before = _snapshot(tmp_path)
    result = run_kslint("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "not fixed: overridden by the patch at overlays/prod/remove.yaml:2, which does "
        "`remove` on /spec/strategy/rollingUpdate"
    ) in result.stdout
    assert _snapshot(tmp_path) == before
