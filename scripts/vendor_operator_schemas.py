"""Extract the schemas of the database operators' custom resources (family F) from the
operators' own CustomResourceDefinitions, and write them under ``schemas/operators/``.

kslint validates a ``Cluster``, a ``Kafka`` or a ``RabbitmqCluster`` against these
schemas without network access, so a typo in ``spec.storage`` is an ``unknown-field``.
Only the kinds family F reads are kept, and of their ``openAPIV3Schema`` only what
validation reads (descriptions, examples and formats are dropped).

Usage, from a folder holding local checkouts (or bare clones) of the repositories below,
each in a directory named ``owner+name`` or ``name`` (a bare clone's ``repo`` subfolder
works too)::

    python scripts/vendor_operator_schemas.py --checkouts ~/src/operators
    python scripts/vendor_operator_schemas.py --checkouts ~/src/operators --check

Files are read from the git tag pinned in ``SOURCES`` (``git show TAG:PATH``), so a
checkout on another branch gives the same result. ``--check`` compares instead of
writing (exit 1 on a difference). Sources whose licence does not allow bundling
(``bundle=False``) are listed in the provenance file but not written; users add them with
``--schema-dir`` (see schemas/README.md).

Nothing of the operators' code is copied: the schemas (data) and each source's licence.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "operators"

# Keys validation never reads (``kslint.api_schemas.crd.convert`` ignores formats too).
DROPPED = frozenset(
    {
        "description",
        "example",
        "format",
        "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys",
        "x-kubernetes-map-type",
        "x-kubernetes-validations",
    }
)


@dataclass(frozen=True)
class Source:
    repo: str  # owner/name on GitHub
    tag: str
    paths: tuple[str, ...]  # CRD files inside the repository
    kinds: tuple[str, ...]  # the kinds family F reads
    licence: str  # SPDX identifier
    licence_file: str
    bundle: bool = True
    why_not: str = ""


ELV2_REASON = (
    "The Elastic License 2.0 is not an open-source licence: it is non-sublicensable, "
    "forbids providing the software to third parties as a hosted or managed service, and "
    "requires every recipient of any part of it to get its terms. kslint is Apache-2.0 and "
    "anyone may redistribute it or run it as a service under that licence alone; bundling "
    "ECK's schema would put ELv2 conditions on every copy of kslint and on every kslint "
    "service. So the schema is not bundled: the rules read Elasticsearch resources without "
    "it, and users who accept ELv2 add it with --schema-dir (schemas/README.md)."
)

SOURCES = (
    Source(
        "cloudnative-pg/cloudnative-pg",
        "v1.30.0",
        ("config/crd/bases/postgresql.cnpg.io_clusters.yaml",),
        ("Cluster",),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "zalando/postgres-operator",
        "v2.0.1",
        ("manifests/postgresql.crd.yaml",),
        ("postgresql",),
        "MIT",
        "LICENSE",
    ),
    Source(
        "CrunchyData/postgres-operator",
        "v6.0.3",
        ("config/crd/bases/postgres-operator.crunchydata.com_postgresclusters.yaml",),
        ("PostgresCluster",),
        "Apache-2.0",
        "LICENSE.md",
    ),
    Source(
        "strimzi/strimzi-kafka-operator",
        "0.49.1",  # the newest release serving both v1 and v1beta2 (with spec.zookeeper)
        (
            "install/cluster-operator/040-Crd-kafka.yaml",
            "install/cluster-operator/045-Crd-kafkanodepool.yaml",
        ),
        ("Kafka", "KafkaNodePool"),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "elastic/cloud-on-k8s",
        "v3.5.0",
        ("config/crds/v1/resources/elasticsearch.k8s.elastic.co_elasticsearches.yaml",),
        ("Elasticsearch",),
        "Elastic-2.0",
        "LICENSE.txt",
        bundle=False,
        why_not=ELV2_REASON,
    ),
    Source(
        "rabbitmq/cluster-operator",
        "v2.22.3",
        ("config/crd/bases/rabbitmq.com_rabbitmqclusters.yaml",),
        ("RabbitmqCluster",),
        "MPL-2.0",
        "LICENSE.txt",
    ),
    Source(
        "mongodb/mongodb-kubernetes-operator",
        "v0.13.0",
        ("config/crd/bases/mongodbcommunity.mongodb.com_mongodbcommunity.yaml",),
        ("MongoDBCommunity",),
        "Apache-2.0",
        "APACHE2",
    ),
    Source(
        "percona/percona-server-mongodb-operator",
        "v1.22.0",
        ("config/crd/bases/psmdb.percona.com_perconaservermongodbs.yaml",),
        ("PerconaServerMongoDB",),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "percona/percona-xtradb-cluster-operator",
        "v1.19.0",
        ("config/crd/bases/pxc.percona.com_perconaxtradbclusters.yaml",),
        ("PerconaXtraDBCluster",),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "OT-CONTAINER-KIT/redis-operator",
        "v0.26.0",
        (
            "config/crd/bases/redis.redis.opstreelabs.in_redis.yaml",
            "config/crd/bases/redis.redis.opstreelabs.in_redisreplications.yaml",
            "config/crd/bases/redis.redis.opstreelabs.in_redisclusters.yaml",
        ),
        ("Redis", "RedisReplication", "RedisCluster"),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "spotahome/redis-operator",
        "v1.2.4",
        ("charts/redisoperator/crds/databases.spotahome.com_redisfailovers.yaml",),
        ("RedisFailover",),
        "Apache-2.0",
        "LICENSE",
    ),
    Source(
        "pingcap/tidb-operator",
        "v1.6.6",  # the v1 line: pingcap.com TidbCluster (v2 is another API group)
        ("manifests/crd/v1/pingcap.com_tidbclusters.yaml",),
        ("TidbCluster",),
        "Apache-2.0",
        "LICENSE",
    ),
)


def checkout(root: Path, repo: str) -> Path:
    owner, name = repo.split("/")
    for candidate in (root / f"{owner}+{name}", root / name, root / repo):
        for folder in (candidate / "repo", candidate):
            if folder.is_dir():
                return folder
    raise SystemExit(f"no checkout of {repo} under {root} (tried {owner}+{name}/ and {name}/)")


def git_show(folder: Path, tag: str, path: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), "show", f"refs/tags/{tag}:{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{folder}: cannot read {tag}:{path}: {done.stderr.strip()}")
    return done.stdout


def git_commit(folder: Path, tag: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", f"refs/tags/{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: strip(value) for key, value in node.items() if key not in DROPPED}
    if isinstance(node, list):
        return [strip(item) for item in node]
    return node


def extract(source: Source, folder: Path) -> dict[str, Any]:
    """``{"kinds": {apiVersion: {kind: id}}, "schemas": {id: openapi}}`` for one group."""
    kinds: dict[str, dict[str, str]] = {}
    schemas: dict[str, Any] = {}
    for path in source.paths:
        for doc in YAML(typ="safe", pure=True).load_all(git_show(folder, source.tag, path)):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            kind = spec["names"]["kind"]
            if kind not in source.kinds:
                continue
            for version in spec["versions"]:
                if version.get("served") is False:
                    continue
                schema = strip(version["schema"]["openAPIV3Schema"])
                key = next((k for k, v in schemas.items() if v == schema), None)
                if key is None:
                    key = f"{kind}@{version['name']}"
                    schemas[key] = schema
                kinds.setdefault(f"{spec['group']}/{version['name']}", {})[kind] = key
    return {"kinds": kinds, "schemas": schemas}


def group_of(source: Source, data: dict[str, Any]) -> str:
    return next(iter(data["kinds"])).rpartition("/")[0]


def licence_name(source: Source) -> str:
    return source.repo.replace("/", "+") + ".txt"


def render(source: Source, folder: Path) -> dict[str, str]:
    """Relative file name -> text, for one source."""
    data = extract(source, folder)
    group = group_of(source, data)
    commit = git_commit(folder, source.tag)
    document = {
        "source": {
            "repository": f"https://github.com/{source.repo}",
            "tag": source.tag,
            "commit": commit,
            "paths": list(source.paths),
            "licence": source.licence,
            "licence_file": f"licenses/{licence_name(source)}",
        },
        **data,
    }
    files = {
        f"{group}.json": json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n",
        f"licenses/{licence_name(source)}": git_show(folder, source.tag, source.licence_file),
    }
    return files if source.bundle else {}


def provenance(rows: list[tuple[Source, str, str, list[str]]]) -> str:
    lines = [
        "# Operator CRD schemas: provenance",
        "",
        "Generated by `python scripts/vendor_operator_schemas.py`; do not edit by hand.",
        "Each `<group>.json` holds the `openAPIV3Schema` of the kinds kslint's family F",
        "reads, per served version, with descriptions, examples and formats removed.",
        "`licenses/` holds each source's licence as published in the repository at that tag.",
        "",
        "| group | kinds | repository | tag | commit | path | licence | bundled |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for source, group, commit, versions in rows:
        lines.append(
            f"| `{group}` | {', '.join(source.kinds)} ({', '.join(versions)}) | "
            f"[{source.repo}](https://github.com/{source.repo}) | {source.tag} | "
            f"`{commit[:12]}` | `{'`, `'.join(source.paths)}` | {source.licence} | "
            f"{'yes' if source.bundle else 'no'} |"
        )
    lines += ["", "## Licences", ""]
    lines.append(
        "Apache-2.0 and MIT allow redistribution with the licence text, which is in "
        "`licenses/`. The RabbitMQ schema is under MPL-2.0, a file-level licence: "
        "`rabbitmq.com.json` stays under MPL-2.0 (its source form is the file itself, and "
        "its licence is `licenses/rabbitmq+cluster-operator.txt`) inside kslint, which "
        "MPL-2.0 section 3.3 allows as a Larger Work."
    )
    for source, *_ in rows:
        if not source.bundle:
            lines += ["", f"**Not bundled: {source.repo} ({source.licence}).** {source.why_not}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkouts", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files: dict[str, str] = {}
    rows = []
    for source in SOURCES:
        folder = checkout(args.checkouts, source.repo)
        data = extract(source, folder)
        rows.append(
            (
                source,
                group_of(source, data),
                git_commit(folder, source.tag),
                sorted(v.rpartition("/")[2] for v in data["kinds"]),
            )
        )
        files.update(render(source, folder))
    files["PROVENANCE.md"] = provenance(rows)
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"schemas/operators/{name} differs from its sources", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        target = OUT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
