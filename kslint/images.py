"""Container images: reference parsing, the stateful image catalog, server vs client.

``parse_image`` splits an image reference the way container runtimes do
(``[registry/]path[:tag][@digest]``): the first path component is a registry only when it
looks like a host (it has a ``.`` or a ``:``, or is ``localhost``), so
``localhost:5000/postgres:16`` is ``postgres`` and ``bitnami/postgresql`` is
``postgresql``. The last path component of the repository is the image's *name*, which is
what the stateful image catalog is keyed on.

``STATEFUL_IMAGES`` is the catalog: each stateful image name mapped to that server's own
binaries and entrypoint scripts. A container with such an image is a *server* unless its
``command`` starts a program that is not one of them (``sleep``, ``sh``, ``psql``,
``pg_dump``, ...): then it is a client of the database, not the database. ``args`` alone
never makes a client, because it only feeds the image's own entrypoint.

Users can extend or replace the list of names (``RuleOptions.stateful_images``); a name
that is not in the built-in table is a server when its command is absent or starts with
the image name itself or a generic entrypoint script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kslint.model import Container
    from kslint.options import RuleOptions


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference. ``registry`` is None for the default (Docker Hub)."""

    registry: str | None
    repository: str  # the path below the registry: ``library/postgres``, ``bitnami/redis``
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The repository's last path component: ``postgresql`` for ``bitnami/postgresql``."""
        return self.repository.rsplit("/", 1)[-1]


def parse_image(reference: str) -> ImageRef | None:
    """Parse ``[registry[:port]/]path[:tag][@digest]``; None for an empty reference."""
    reference = reference.strip()
    if not reference:
        return None
    name, _, digest = reference.partition("@")
    tag = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):  # a colon after the last slash separates the tag
        name, tag = name[:colon], name[colon + 1 :]
    registry = None
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, name = first, rest
    return ImageRef(registry=registry, repository=name, tag=tag or None, digest=digest or None)


# Entrypoint scripts that official and widely used images share.
_ENTRYPOINTS = frozenset({"docker-entrypoint.sh", "entrypoint.sh"})
_MYSQL = frozenset({"mysqld", "mysqld_safe", *_ENTRYPOINTS})
_POSTGRES = frozenset({"postgres", "postmaster", "pg_ctl", "pg_ctlcluster", *_ENTRYPOINTS})
_MONGO = frozenset({"mongod", "mongos", *_ENTRYPOINTS})
_BITNAMI = frozenset({"run.sh"})  # bitnami images: /opt/bitnami/scripts/<app>/{entrypoint,run}.sh

# The stateful image catalog (rules.md, "Stateful image"): each image name mapped to the
# binaries and entrypoint scripts that start that server. One table, one place.
STATEFUL_IMAGES: dict[str, frozenset[str]] = {
    "mysql": _MYSQL,
    "mysql-server": _MYSQL,
    "mariadb": _MYSQL | {"mariadbd", "mariadbd-safe", "mariadb-safe"} | _BITNAMI,
    "percona": _MYSQL | {"ps-entry.sh"},
    "percona-server": _MYSQL | {"ps-entry.sh"},
    "percona-server-mongodb": _MONGO | {"ps-entry.sh"},
    "postgres": _POSTGRES,
    "postgresql": _POSTGRES | _BITNAMI,
    "postgis": _POSTGRES,
    "timescaledb": _POSTGRES,
    "mongo": _MONGO,
    "mongodb": _MONGO | _BITNAMI,
    "cassandra": frozenset({"cassandra", *_ENTRYPOINTS}) | _BITNAMI,
    "scylla": frozenset({"scylla", "docker-entrypoint.py", "scylla_setup", *_ENTRYPOINTS}),
    "elasticsearch": frozenset({"elasticsearch", "tini", *_ENTRYPOINTS}) | _BITNAMI,
    "opensearch": frozenset({"opensearch", "opensearch-docker-entrypoint.sh", *_ENTRYPOINTS}),
    "kafka": frozenset(
        {"kafka-server-start.sh", "kafka-server-start", "kafka_run.sh", "start-kafka.sh", "run"}
    )
    | _ENTRYPOINTS
    | _BITNAMI,
    "zookeeper": frozenset({"zkServer.sh", "zookeeper-server-start.sh", "zookeeper_run.sh"})
    | _ENTRYPOINTS
    | _BITNAMI,
    "etcd": frozenset({"etcd", *_ENTRYPOINTS}) | _BITNAMI,
    "rabbitmq": frozenset({"rabbitmq-server", *_ENTRYPOINTS}) | _BITNAMI,
    "minio": frozenset({"minio", *_ENTRYPOINTS}) | _BITNAMI,
    "clickhouse": frozenset({"clickhouse", "clickhouse-server", *_ENTRYPOINTS}),
    "clickhouse-server": frozenset({"clickhouse", "clickhouse-server", *_ENTRYPOINTS}),
    "cockroach": frozenset({"cockroach", "cockroach.sh", *_ENTRYPOINTS}),
    "cockroachdb": frozenset({"cockroach", "cockroach.sh", *_ENTRYPOINTS}),
    "influxdb": frozenset({"influxd", *_ENTRYPOINTS}) | _BITNAMI,
    "neo4j": frozenset({"neo4j", "tini", *_ENTRYPOINTS}),
    "couchdb": frozenset({"couchdb", "tini", *_ENTRYPOINTS}),
    "couchbase": frozenset({"couchbase-server", *_ENTRYPOINTS}),
    "solr": frozenset({"solr", "solr-foreground", "solr-precreate", *_ENTRYPOINTS}) | _BITNAMI,
    "questdb": frozenset({"questdb", "questdb.sh", *_ENTRYPOINTS}),
}


def stateful_names(options: RuleOptions | None = None) -> frozenset[str]:
    """The stateful image names in force: the configured list, else the built-in one."""
    if options is not None and options.stateful_images is not None:
        return options.stateful_images
    return frozenset(STATEFUL_IMAGES)


def server_binaries(name: str) -> frozenset[str]:
    """The programs that start the server of image ``name`` (a user-added name: itself)."""
    return STATEFUL_IMAGES.get(name) or frozenset({name, *_ENTRYPOINTS})


def stateful_image(image: str | None, options: RuleOptions | None = None) -> ImageRef | None:
    """The parsed image if it is a stateful image, else None."""
    ref = parse_image(image) if image else None
    return ref if ref is not None and ref.name in stateful_names(options) else None


def command_program(command: Iterable[str] | None) -> str | None:
    """The basename of the program a container ``command`` runs (None: no command)."""
    for word in command or ():
        first = word.split()
        return first[0].rsplit("/", 1)[-1] if first else None
    return None


def server_image(container: Container, options: RuleOptions | None = None) -> ImageRef | None:
    """The stateful image a container runs as a server; None for clients and the rest."""
    if container.init:
        return None
    ref = stateful_image(container.image, options)
    if ref is None:
        return None
    program = command_program(container.command)
    if program is not None and program not in server_binaries(ref.name):
        return None  # sleep, sh, psql, pg_dump, mysql, ...: a client of the server
    return ref


def server_containers(
    containers: Iterable[Container], options: RuleOptions | None = None
) -> list[tuple[Container, ImageRef]]:
    """Each server container (see ``server_image``) with its parsed image."""
    found = []
    for container in containers:
        ref = server_image(container, options)
        if ref is not None:
            found.append((container, ref))
    return found
