"""Deployment units of plain files, through the CLI: environment folders and copied
examples resolve each reference to the nearest definition (ties are ambiguous and rules
stay silent), duplicates inside one file or one directory, ``units:`` globs, project
context visible to every unit, units in every report, baseline identity per directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import lint_json, run_kslint, write_files, write_repo

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: example/app:1
"""

HEADLESS = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
"""

NOT_HEADLESS = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
"""

# A ReplicationController (the old Kubernetes examples) that uses claim "data".
CONTROLLER = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: nfs-web
spec:
  replicas: 1
  selector: {app: nfs-web}
  template:
    metadata:
      labels: {app: nfs-web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          volumeMounts:
            - {name: data, mountPath: /usr/share/nginx/html}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
"""

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: standard
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: data
"""

HOST_PATH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: cache
          image: example/cache:1
          volumeMounts:
            - {name: scratch, mountPath: /scratch}
      volumes:
        - name: scratch
          hostPath: {path: /var/cache}
"""


def found(document: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    return [(f["rule"], f["file"], f["line"], f["column"]) for f in document["findings"]]


# ---------------------------------------------------------------------------------------
# Environment folders and copied examples


def test_environment_folders_resolve_to_their_own_service(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "deploy/dev/statefulset.yaml": STATEFULSET,
            "deploy/dev/service.yaml": HEADLESS,
            "deploy/prod/statefulset.yaml": STATEFULSET,
            "deploy/prod/service.yaml": NOT_HEADLESS,
        },
    )
    document = lint_json(".", cwd=tmp_path)
    # prod's StatefulSet is checked against prod's Service (not headless), never dev's.
    assert found(document) == [
        ("statefulset-service-not-headless", "deploy/prod/statefulset.yaml", 6, 16)
    ]
    (finding,) = document["findings"]
    assert [(r["file"], r["line"], r["column"]) for r in finding["related"]] == [
        ("deploy/prod/service.yaml", 5, 1)
    ]
    assert finding["units"] == ["plain"]
    # The same files with dev broken instead: the finding moves to dev.
    write_files(
        tmp_path,
        {"deploy/dev/service.yaml": NOT_HEADLESS, "deploy/prod/service.yaml": HEADLESS},
    )
    assert found(lint_json(".", cwd=tmp_path)) == [
        ("statefulset-service-not-headless", "deploy/dev/statefulset.yaml", 6, 16)
    ]


def test_same_file_beats_same_directory_beats_longest_shared_path(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            # Same file: the headless Service next to the StatefulSet wins over the
            # directory's other (not headless) one... which is then a duplicate.
            "a/app.yaml": STATEFULSET + "---\n" + HEADLESS,
            # Longest shared path: envs/eu/west is nearer to envs/eu/west/db than envs/us.
            "envs/eu/west/db/statefulset.yaml": STATEFULSET,
            "envs/eu/west/service.yaml": HEADLESS,
            "envs/us/service.yaml": NOT_HEADLESS,
        },
    )
    assert found(lint_json(".", cwd=tmp_path)) == []
    write_files(tmp_path, {"envs/eu/west/service.yaml": NOT_HEADLESS})
    assert found(lint_json(".", cwd=tmp_path)) == [
        ("statefulset-service-not-headless", "envs/eu/west/db/statefulset.yaml", 6, 16)
    ]


def test_copied_examples_are_not_several_workloads_sharing_a_claim(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "examples/claim.yaml": CLAIM,
            "examples/nfs/rc.yaml": CONTROLLER,
            "examples/nfs-copy/rc.yaml": CONTROLLER,
            "examples/nfs-old/rc.yaml": CONTROLLER,
        },
    )
    # Three copies of one ReplicationController are one workload, not three.
    rules = [f[0] for f in found(lint_json(".", cwd=tmp_path))]
    assert "pvc-shared-across-workloads" not in rules
    # A renamed copy is a second workload: now two distinct workloads share the claim.
    write_files(
        tmp_path,
        {"examples/nfs-old/rc.yaml": CONTROLLER.replace("name: nfs-web\n", "name: old\n", 1)},
    )
    document = lint_json(".", cwd=tmp_path)
    shared = [f for f in document["findings"] if f["rule"] == "pvc-shared-across-workloads"]
    assert [(f["file"], f["line"], f["column"]) for f in shared] == [("examples/claim.yaml", 7, 3)]
    assert "but 2 workloads use it" in shared[0]["message"]
    assert [(r["file"], r["line"], r["column"]) for r in shared[0]["related"]] == [
        ("examples/nfs-copy/rc.yaml", 20, 13),
        ("examples/nfs-old/rc.yaml", 20, 13),
        ("examples/nfs/rc.yaml", 20, 13),
    ]


def test_each_copied_example_folder_uses_its_own_claim(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "examples/a/rc.yaml": CONTROLLER,
            "examples/a/claim.yaml": CLAIM,
            "examples/b/rc.yaml": CONTROLLER.replace("name: nfs-web\n", "name: other\n", 1),
            "examples/b/claim.yaml": CLAIM,
        },
    )
    # Different names, but each resolves to the claim in its own folder: nothing shared.
    assert found(lint_json(".", cwd=tmp_path)) == []


def test_ties_are_ambiguous_and_rules_that_need_the_target_stay_silent(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            # Both Services share only "deploy" with deploy/app: a tie.
            "deploy/app/statefulset.yaml": STATEFULSET,
            "deploy/dev/service.yaml": NOT_HEADLESS,
            "deploy/prod/service.yaml": HEADLESS,
            # Both claims share nothing with apps/: a tie; not-found stays silent too.
            "apps/web.yaml": DEPLOYMENT,
            "envs/a/claim.yaml": CLAIM,
            "envs/b/claim.yaml": CLAIM,
        },
    )
    assert found(lint_json(".", cwd=tmp_path)) == []
    # Without the ties the same references resolve, and the rules fire.
    (tmp_path / "deploy/prod/service.yaml").unlink()
    (tmp_path / "envs/b/claim.yaml").unlink()
    assert found(lint_json(".", cwd=tmp_path)) == [
        ("deployment-rwo-rolling-update", "apps/web.yaml", 5, 1),
        ("deployment-shared-rwo-pvc", "apps/web.yaml", 21, 24),
        ("statefulset-service-not-headless", "deploy/app/statefulset.yaml", 6, 16),
    ]


# ---------------------------------------------------------------------------------------
# Duplicates


def test_duplicate_in_one_file_is_an_error_on_the_later_one(tmp_path: Path) -> None:
    write_files(tmp_path, {"claims.yaml": CLAIM + "---\n" + CLAIM})
    document = lint_json(".", cwd=tmp_path)
    assert found(document) == [("duplicate-object", "claims.yaml", 14, 9)]
    (finding,) = document["findings"]
    assert finding["severity"] == "error"
    assert finding["message"] == (
        "PersistentVolumeClaim default/data is already defined at line 4 of this file; "
        "applied together, one silently replaces the other (kslint checks the first)."
    )
    assert [(r["file"], r["line"], r["column"], r["message"]) for r in finding["related"]] == [
        ("claims.yaml", 4, 9, "PersistentVolumeClaim default/data is first defined here")
    ]


def test_duplicate_across_files_of_one_directory_is_a_warning(tmp_path: Path) -> None:
    many = CLAIM.replace("[ReadWriteOnce]", "[ReadWriteMany]")
    write_files(
        tmp_path,
        {
            "k8s/a-claim.yaml": many,  # first in discovery order: the one rules see
            "k8s/b-claim.yaml": "# the same claim again\n" + CLAIM,
            "k8s/web.yaml": DEPLOYMENT,
        },
    )
    document = lint_json(".", cwd=tmp_path)
    # Rules see the first (ReadWriteMany) claim: no Multi-Attach finding for the Deployment.
    assert found(document) == [("duplicate-object", "k8s/b-claim.yaml", 5, 9)]
    (finding,) = document["findings"]
    assert finding["severity"] == "warning"
    assert "already defined at k8s/a-claim.yaml:4 in the same directory" in finding["message"]
    assert [(r["file"], r["line"], r["column"]) for r in finding["related"]] == [
        ("k8s/a-claim.yaml", 4, 9)
    ]


def test_copies_in_different_directories_are_not_duplicates(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "deploy/dev/claim.yaml": CLAIM,
            "deploy/prod/claim.yaml": CLAIM,
            # Another namespace is another object, in one file too.
            "deploy/claims.yaml": CLAIM
            + "---\n"
            + CLAIM.replace("  name: data\n", "  name: data\n  namespace: other\n"),
        },
    )
    assert found(lint_json(".", cwd=tmp_path)) == []


def test_duplicate_can_be_suppressed_on_the_later_object(tmp_path: Path) -> None:
    later = CLAIM.replace(
        "  name: data\n",
        "  name: data\n  annotations:\n    kslint.io/ignore: duplicate-object\n",
    )
    write_files(tmp_path, {"claims.yaml": CLAIM + "---\n" + later})
    assert found(lint_json(".", cwd=tmp_path)) == []


# ---------------------------------------------------------------------------------------
# units: globs and project context


def test_units_globs_keep_references_inside_each_directory(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "deploy/dev/statefulset.yaml": STATEFULSET,
            "deploy/prod/statefulset.yaml": STATEFULSET,
            "deploy/prod/service.yaml": HEADLESS,
            "tools/job.yaml": HOST_PATH,
        },
    )
    # One plain unit: dev's StatefulSet finds the only Service there is (prod's).
    assert found(lint_json(".", cwd=tmp_path)) == [
        ("pod-host-path-volume", "tools/job.yaml", 19, 11)
    ]
    # Each environment its own unit: dev has no Service of its own.
    (tmp_path / ".kslint.yaml").write_text('units: ["deploy/*"]\n')
    document = lint_json(".", cwd=tmp_path)
    assert found(document) == [
        ("statefulset-service-not-found", "deploy/dev/statefulset.yaml", 6, 16),
        ("pod-host-path-volume", "tools/job.yaml", 19, 11),
    ]
    assert [f["units"] for f in document["findings"]] == [["deploy/dev"], ["plain"]]
    text = run_kslint("lint", ".", cwd=tmp_path).stdout
    assert (
        "deploy/dev/statefulset.yaml:6:16: warning[statefulset-service-not-found] StatefulSet "
        "default/db names governing Service 'db', but no Service default/db is in the set. "
        "[unit: deploy/dev]\n"
    ) in text
    # The plain unit's findings carry no unit label in text.
    assert "hostPath volume" in text and "[unit: plain]" not in text


def test_a_directory_below_a_unit_belongs_to_it(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": 'units: ["deploy/*"]\n',
            "deploy/prod/db/statefulset.yaml": STATEFULSET,
            "deploy/prod/service.yaml": HEADLESS,
            "deploy/dev/statefulset.yaml": STATEFULSET.replace(
                "serviceName: db", "serviceName: dv"
            ),
        },
    )
    document = lint_json(".", cwd=tmp_path)
    assert found(document) == [
        ("statefulset-service-not-found", "deploy/dev/statefulset.yaml", 6, 16)
    ]


def test_context_is_visible_to_every_unit_after_its_own_objects(tmp_path: Path) -> None:
    deleting = (
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\n"
        "provisioner: ebs.csi.aws.com\nreclaimPolicy: Delete\n"
    )
    statefulset = STATEFULSET + (
        "  volumeClaimTemplates:\n"
        "    - metadata: {name: data}\n"
        "      spec:\n"
        "        storageClassName: fast\n"
        "        accessModes: [ReadWriteOnce]\n"
        "        resources: {requests: {storage: 1Gi}}\n"
    )
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": 'units: ["apps/*"]\n',
            "cluster/storage.yaml": deleting
            + "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
            "metadata:\n  name: slow\nprovisioner: ebs.csi.aws.com\n",
            "apps/a/statefulset.yaml": statefulset,
            "apps/b/statefulset.yaml": statefulset,
        },
    )
    document = lint_json("apps", cwd=tmp_path)
    # Both units see the context's StorageClass; the context itself gets no finding
    # (storageclass-missing-reclaim-policy on "slow" is not reported).
    assert [f for f in found(document) if f[0] == "stateful-claim-delete-reclaim"] == [
        ("stateful-claim-delete-reclaim", "apps/a/statefulset.yaml", 20, 27),
        ("stateful-claim-delete-reclaim", "apps/b/statefulset.yaml", 20, 27),
    ]
    related = [
        f["related"] for f in document["findings"] if f["rule"] == "stateful-claim-delete-reclaim"
    ]
    assert [(r[0]["file"], r[0]["line"], r[0]["column"]) for r in related] == [
        ("cluster/storage.yaml", 6, 1)
    ] * 2
    # A unit's own definition wins over the context's.
    write_files(tmp_path, {"apps/a/class.yaml": deleting.replace("Delete", "Retain")})
    document = lint_json("apps", cwd=tmp_path)
    assert [f[1] for f in found(document) if f[0] == "stateful-claim-delete-reclaim"] == [
        "apps/b/statefulset.yaml"
    ]


# ---------------------------------------------------------------------------------------
# A finding several units share, in every report


def shared_claim_project(root: Path) -> Path:
    api = DEPLOYMENT.replace("name: web\n", "name: api\n", 1).replace("replicas: 3", "replicas: 1")
    web = DEPLOYMENT.replace("replicas: 3", "replicas: 1")
    return write_repo(
        root,
        {
            ".kslint.yaml": 'units: ["apps/*"]\n',
            "shared/claim.yaml": CLAIM,
            "apps/a/web.yaml": web,
            "apps/a/api.yaml": api,
            "apps/b/web.yaml": web,
            "apps/b/api.yaml": api,
        },
    )


def test_a_finding_that_several_units_share_is_reported_once(tmp_path: Path) -> None:
    shared_claim_project(tmp_path)
    document = lint_json("apps", cwd=tmp_path)
    shared = [f for f in document["findings"] if f["rule"] == "pvc-shared-across-workloads"]
    assert [(f["file"], f["line"], f["column"], f["units"]) for f in shared] == [
        ("shared/claim.yaml", 7, 3, ["apps/a", "apps/b"])
    ]
    assert [(r["file"], r["line"], r["column"]) for r in shared[0]["related"]] == [
        ("apps/a/api.yaml", 21, 13),
        ("apps/a/web.yaml", 21, 13),
        ("apps/b/api.yaml", 21, 13),
        ("apps/b/web.yaml", 21, 13),
    ]

    sarif = json.loads(run_kslint("lint", "apps", "--format", "sarif", cwd=tmp_path).stdout)
    results = [
        r for r in sarif["runs"][0]["results"] if r["ruleId"] == "pvc-shared-across-workloads"
    ]
    assert [r["properties"]["units"] for r in results] == [["apps/a", "apps/b"]]

    text = run_kslint("lint", "apps", cwd=tmp_path).stdout
    assert (
        "shared/claim.yaml:7:3: warning[pvc-shared-across-workloads] PersistentVolumeClaim "
        "default/data is ReadWriteOnce but 2 workloads use it (Deployment default/api, "
        "Deployment default/web); their pods can only run on the node (or pod) that holds "
        "the volume. [units: apps/a, apps/b]\n"
    ) in text


# ---------------------------------------------------------------------------------------
# Identity of copies: per directory


def test_baseline_entries_of_copies_are_per_directory(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"deploy/dev/cache.yaml": HOST_PATH, "deploy/prod/cache.yaml": HOST_PATH, "one.yaml": ""},
    )
    result = run_kslint("lint", "deploy", "--baseline-write", "baseline.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert [entry["identity"] for entry in entries] == [
        "pod-host-path-volume|Deployment default/cache in deploy/dev|"
        "spec.template.spec.volumes.[0].hostPath",
        "pod-host-path-volume|Deployment default/cache in deploy/prod|"
        "spec.template.spec.volumes.[0].hostPath",
    ]
    # Keep only prod's entry: dev's copy is reported, prod's stays hidden.
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    baseline["findings"] = baseline["findings"][1:]
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    document = lint_json("deploy", "--baseline", "baseline.json", cwd=tmp_path)
    assert found(document) == [("pod-host-path-volume", "deploy/dev/cache.yaml", 19, 11)]

    sarif = json.loads(run_kslint("lint", "deploy", "--format", "sarif", cwd=tmp_path).stdout)
    prints = [r["partialFingerprints"]["kslint/v1"] for r in sarif["runs"][0]["results"]]
    assert len(prints) == 2 and prints[0] != prints[1]


def test_identity_without_copies_survives_a_move_to_another_directory(tmp_path: Path) -> None:
    write_files(tmp_path, {"deploy/dev/cache.yaml": HOST_PATH})
    assert run_kslint("lint", ".", "--baseline-write", "b.json", cwd=tmp_path).returncode == 0
    (entry,) = json.loads((tmp_path / "b.json").read_text())["findings"]
    assert entry["identity"] == (
        "pod-host-path-volume|Deployment default/cache|spec.template.spec.volumes.[0].hostPath"
    )
    (tmp_path / "deploy/dev/cache.yaml").rename(tmp_path / "cache.yaml")
    assert found(lint_json(".", "--baseline", "b.json", cwd=tmp_path)) == []


def test_precommit_context_resolves_to_the_nearest_definition(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "{}\n",
            "deploy/dev/statefulset.yaml": STATEFULSET,
            "deploy/dev/service.yaml": NOT_HEADLESS,
            "deploy/prod/statefulset.yaml": STATEFULSET,
            "deploy/prod/service.yaml": HEADLESS,
        },
    )
    # Only prod's StatefulSet changed: its Service comes from context, prod's own.
    assert found(lint_json("deploy/prod/statefulset.yaml", cwd=tmp_path)) == []
    assert found(lint_json("deploy/dev/statefulset.yaml", cwd=tmp_path)) == [
        ("statefulset-service-not-headless", "deploy/dev/statefulset.yaml", 6, 16)
    ]
    # dev's Service changed too: the unchanged prod Service (context, same directory) is
    # still nearer to prod's StatefulSet than the changed dev one. The changed dev Service
    # is reported through dev's StatefulSet, which names it as related.
    changed = ("deploy/prod/statefulset.yaml", "deploy/dev/service.yaml")
    document = lint_json(*changed, cwd=tmp_path)
    assert found(document) == [
        ("statefulset-service-not-headless", "deploy/dev/statefulset.yaml", 6, 16)
    ]
    assert [r["file"] for r in document["findings"][0]["related"]] == ["deploy/dev/service.yaml"]


def test_rendered_units_sharing_a_source_finding_are_merged() -> None:
    """The framework the renderers build on: two rendered units that consumed the same
    base (here: the same loaded objects) report a base finding once, naming both."""
    from kslint.loader import Source, load_sources
    from kslint.pipeline import LintOptions, lint_loaded
    from kslint.units import Unit

    base = load_sources([Source("base/app.yaml", (HOST_PATH + "---\n" + HOST_PATH).encode())])
    units = [
        Unit(name, list(base.objects), list(base.files), rendered=True)
        for name in ("overlays/prod", "overlays/dev")
    ]
    result = lint_loaded(load_sources([]), LintOptions(paths=[]), rendered=units)
    assert [(f.rule, f.file, f.span.line, f.span.column, f.units) for f in result.findings] == [
        ("pod-host-path-volume", "base/app.yaml", 19, 11, ("overlays/prod", "overlays/dev")),
        ("duplicate-object", "base/app.yaml", 24, 9, ("overlays/prod", "overlays/dev")),
    ]
    assert [str(f.severity) for f in result.findings] == ["warning", "error"]
    assert result.units == ["overlays/prod", "overlays/dev"]
    assert [file.path for file in result.files] == ["base/app.yaml"]


def test_a_merged_finding_has_one_related_location_per_place(tmp_path: Path) -> None:
    """Two overlays name the base's claim differently (namespaces dev and prod): the
    merged finding shows the claim's line once, as the first unit saw it."""
    deployment = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          strategy: {type: Recreate}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: example/web:1
                  volumeMounts: [{name: files, mountPath: /srv}]
              volumes:
                - name: files
                  persistentVolumeClaim:
                    claimName: files
        """
    claim = """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: files
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: standard
          resources:
            requests:
              storage: 1Gi
        """
    root = write_repo(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [web.yaml, claim.yaml]\n",
            "base/web.yaml": deployment,
            "base/claim.yaml": claim,
            "overlays/dev/kustomization.yaml": "resources: [../../base]\nnamespace: dev\n",
            "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamespace: prod\n",
        },
    )
    report = lint_json(".", cwd=root)
    [finding] = [f for f in report["findings"] if f["rule"] == "deployment-shared-rwo-pvc"]
    assert finding["units"] == ["overlays/dev", "overlays/prod"]
    assert [(r["file"], r["line"], r["column"], r["message"]) for r in finding["related"]] == [
        ("base/claim.yaml", 6, 3, "PersistentVolumeClaim dev/files is ReadWriteOnce")
    ]


# ---------------------------------------------------------------------------------------
# Every kind of reference resolves to the nearest definition


def test_scale_target_ref_raises_only_its_own_environment(tmp_path: Path) -> None:
    web = DEPLOYMENT.replace("replicas: 3", "replicas: 1")
    hpa = (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
        "  minReplicas: 1\n  maxReplicas: 4\n"
    )
    write_files(
        tmp_path,
        {
            "deploy/dev/web.yaml": web,
            "deploy/dev/claim.yaml": CLAIM,
            "deploy/prod/web.yaml": web,
            "deploy/prod/claim.yaml": CLAIM,
            "deploy/prod/hpa.yaml": hpa,
        },
    )
    document = lint_json(".", "--select", "deployment-shared-rwo-pvc", cwd=tmp_path)
    # Only prod's autoscaler raises prod's Deployment above one replica.
    assert found(document) == [("deployment-shared-rwo-pvc", "deploy/prod/web.yaml", 21, 24)]
    assert [(r["file"], r["line"], r["column"]) for r in document["findings"][0]["related"]] == [
        ("deploy/prod/claim.yaml", 7, 3),
        ("deploy/prod/hpa.yaml", 8, 3),
    ]


def test_volume_name_and_claim_ref_resolve_in_their_own_environment(tmp_path: Path) -> None:
    def volume(size: str, claim_ref: bool = False) -> str:
        ref = "  claimRef: {namespace: default, name: data}\n" if claim_ref else ""
        return (
            "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: data-volume\n"
            f"spec:\n  storageClassName: standard\n  capacity: {{storage: {size}}}\n"
            "  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n"
            f"{ref}  csi: {{driver: ebs.csi.aws.com, volumeHandle: vol-1}}\n"
        )

    claim = CLAIM.replace("storage: 1Gi", "storage: 50Gi")
    bound = claim.replace(
        "  storageClassName: standard\n",
        "  storageClassName: standard\n  volumeName: data-volume\n",
    )
    write_files(
        tmp_path,
        {
            # volumeName: prod's claim asks 50Gi of prod's 100Gi volume, dev's of a 1Gi one.
            "deploy/dev/claim.yaml": bound,
            "deploy/dev/volume.yaml": volume("1Gi"),
            "deploy/prod/claim.yaml": bound,
            "deploy/prod/volume.yaml": volume("100Gi"),
            # claimRef: the same, the other way round.
            "static/dev/claim.yaml": claim,
            "static/dev/volume.yaml": volume("1Gi", claim_ref=True),
            "static/prod/claim.yaml": claim,
            "static/prod/volume.yaml": volume("100Gi", claim_ref=True),
        },
    )
    document = lint_json(".", "--select", "pvc-volume-mismatch", cwd=tmp_path)
    assert found(document) == [
        # The request that the 1Gi volume cannot hold.
        ("pvc-volume-mismatch", "deploy/dev/claim.yaml", 10, 25),
        ("pvc-volume-mismatch", "static/dev/claim.yaml", 9, 25),
    ]
    assert [[(r["file"], r["line"]) for r in f["related"]] for f in document["findings"]] == [
        [("deploy/dev/volume.yaml", 7)],  # capacity
        [("static/dev/volume.yaml", 7), ("static/dev/volume.yaml", 10)],  # capacity, claimRef
    ]


def test_storage_class_name_resolves_in_its_own_environment(tmp_path: Path) -> None:
    def storage_class(policy: str) -> str:
        return (
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n"
            f"provisioner: ebs.csi.aws.com\nreclaimPolicy: {policy}\n"
        )

    statefulset = STATEFULSET.replace(
        "          image: example/app:1\n",
        "          image: postgres:16\n          volumeMounts: [{name: data, mountPath: /data}]\n"
        "  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n"
        "        storageClassName: standard\n        accessModes: [ReadWriteOnce]\n"
        "        resources: {requests: {storage: 1Gi}}\n",
    )
    write_files(
        tmp_path,
        {
            "deploy/dev/db.yaml": statefulset,
            "deploy/dev/class.yaml": storage_class("Delete"),
            "deploy/prod/db.yaml": statefulset,
            "deploy/prod/class.yaml": storage_class("Retain"),
        },
    )
    document = lint_json(".", "--select", "stateful-claim-delete-reclaim", cwd=tmp_path)
    assert found(document) == [("stateful-claim-delete-reclaim", "deploy/dev/db.yaml", 21, 27)]
    assert [(r["file"], r["line"]) for r in document["findings"][0]["related"]] == [
        ("deploy/dev/class.yaml", 6)
    ]


def test_policy_edges_count_copies_once_and_resolve_nearest(tmp_path: Path) -> None:
    policy = """\
    id: one-user-per-claim
    severity: warning
    summary: A claim has one user.
    why: Sharing a disk couples the workloads.
    fix: Give each workload its own claim.
    match:
      kinds: [PersistentVolumeClaim]
    related:
      - edge: users
        count: {max: 1}
        message: ${object} has more than one user.
    """
    write_repo(
        tmp_path,
        {
            ".kslint.yaml": "policies: [policies]\nselect: [one-user-per-claim]\n",
            "policies/one-user.yaml": policy,
            "examples/claim.yaml": CLAIM,
            "examples/a/rc.yaml": CONTROLLER,
            "examples/b/rc.yaml": CONTROLLER,
        },
    )
    # Two copies of one ReplicationController are one user.
    assert found(lint_json(".", cwd=tmp_path)) == []
    write_files(
        tmp_path,
        {"examples/b/rc.yaml": CONTROLLER.replace("name: nfs-web\n", "name: other\n", 1)},
    )
    assert found(lint_json(".", cwd=tmp_path)) == [
        ("one-user-per-claim", "examples/claim.yaml", 2, 1)
    ]
    # A claim of its own next to b's controller: the nearest definition wins, one user each.
    write_files(tmp_path, {"examples/b/claim.yaml": CLAIM})
    assert found(lint_json(".", cwd=tmp_path)) == []


def test_findings_of_later_stages_name_their_unit(tmp_path: Path) -> None:
    stale = CLAIM.replace("  name: data\n", "  name: data\n  # kslint: disable=pv-host-path\n")
    write_repo(tmp_path, {".kslint.yaml": 'units: ["deploy/*"]\n', "deploy/dev/claim.yaml": stale})
    document = lint_json(".", cwd=tmp_path)
    assert [(f["rule"], f["line"], f["column"], f["units"]) for f in document["findings"]] == [
        ("unused-suppression", 5, 3, ["deploy/dev"])
    ]


def test_keda_scale_target_ref_resolves_in_its_own_environment(tmp_path: Path) -> None:
    def deployment(app: str) -> str:
        return DEPLOYMENT.replace("replicas: 3", "replicas: 1").replace("app: web", f"app: {app}")

    def budget(app: str) -> str:
        return (
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
            f"spec:\n  minAvailable: 1\n  selector:\n    matchLabels: {{app: {app}}}\n"
        )

    keda = (
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: web}\n"
        "spec:\n  scaleTargetRef: {name: web}\n  maxReplicaCount: 3\n"
    )
    write_files(
        tmp_path,
        {
            "deploy/dev/web.yaml": deployment("web-dev") + "---\n" + budget("web-dev"),
            "deploy/prod/web.yaml": deployment("web-prod") + "---\n" + budget("web-prod"),
            "deploy/prod/scaler.yaml": keda,
        },
    )
    # prod's ScaledObject raises prod's Deployment only: dev's budget still blocks.
    document = lint_json(".", "--select", "pdb-blocks-eviction", cwd=tmp_path)
    assert found(document) == [("pdb-blocks-eviction", "deploy/dev/web.yaml", 28, 3)]
