"""Image references are parsed the way container runtimes do, and the stateful image
catalog decides server vs client from the image name and the container's command."""

from __future__ import annotations

import pytest

from kslint.images import (
    STATEFUL_IMAGES,
    ImageRef,
    command_program,
    parse_image,
    server_image,
    stateful_image,
    stateful_names,
)
from kslint.model import Container
from kslint.options import RuleOptions

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("postgres", ImageRef(None, "postgres", None, None)),
        ("postgres:16", ImageRef(None, "postgres", "16", None)),
        ("postgres:16.2-alpine", ImageRef(None, "postgres", "16.2-alpine", None)),
        ("library/postgres:16", ImageRef(None, "library/postgres", "16", None)),
        ("docker.io/library/postgres:16", ImageRef("docker.io", "library/postgres", "16", None)),
        ("bitnami/postgresql:15.4.0", ImageRef(None, "bitnami/postgresql", "15.4.0", None)),
        ("localhost:5000/postgres:16", ImageRef("localhost:5000", "postgres", "16", None)),
        ("localhost:5000/postgres", ImageRef("localhost:5000", "postgres", None, None)),
        ("localhost/postgres", ImageRef("localhost", "postgres", None, None)),
        (f"postgres@{DIGEST}", ImageRef(None, "postgres", None, DIGEST)),
        (f"mongo:7.0@{DIGEST}", ImageRef(None, "mongo", "7.0", DIGEST)),
        (
            f"registry.example.com:443/team/mysql:8@{DIGEST}",
            ImageRef("registry.example.com:443", "team/mysql", "8", DIGEST),
        ),
        (
            "registry.example.com/mirror/bitnami/postgresql",
            ImageRef("registry.example.com", "mirror/bitnami/postgresql", None, None),
        ),
        ("quay.io/coreos/etcd:v3.5.9", ImageRef("quay.io", "coreos/etcd", "v3.5.9", None)),
        ("  mysql:8  ", ImageRef(None, "mysql", "8", None)),
    ],
)
def test_parse_image(reference: str, expected: ImageRef) -> None:
    assert parse_image(reference) == expected


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("postgres:16", "postgres"),
        ("localhost:5000/postgres:16", "postgres"),
        ("registry.example.com/mirror/bitnami/postgresql", "postgresql"),
        (f"gcr.io/proj/mongo@{DIGEST}", "mongo"),
        ("postgres-exporter:0.15", "postgres-exporter"),
        ("bitnami/postgresql-repmgr:16", "postgresql-repmgr"),
    ],
)
def test_name_is_last_path_component(reference: str, name: str) -> None:
    ref = parse_image(reference)
    assert ref is not None and ref.name == name


def test_empty_reference() -> None:
    assert parse_image("") is None
    assert parse_image("   ") is None


@pytest.mark.parametrize(
    "reference",
    [
        "postgres",
        "mysql:8.0",
        "localhost:5000/postgres:16",
        "registry.example.com/mirror/bitnami/postgresql:15",
        f"mongo@{DIGEST}",
        "docker.elastic.co/elasticsearch/elasticsearch:8.12.0",
        "quay.io/coreos/etcd:v3.5.9",
    ],
)
def test_stateful_images(reference: str) -> None:
    assert stateful_image(reference) is not None


@pytest.mark.parametrize(
    "reference",
    [
        "redis:7",
        "valkey/valkey:8",
        "memcached",
        "bitnami/redis",
        "postgres-exporter",
        "prometheuscommunity/postgres-exporter",
        "example/postgres-backup:1.0",
        "postgres/app",  # the last path component decides, not the first
        "{{ .Values.image }}",
        "",
        None,
    ],
)
def test_not_stateful_images(reference: str | None) -> None:
    assert stateful_image(reference) is None


def test_every_catalog_entry_knows_its_entrypoint() -> None:
    for name, binaries in STATEFUL_IMAGES.items():
        assert binaries, name


def test_configured_list_replaces_the_builtin_one() -> None:
    options = RuleOptions(stateful_images=frozenset({"redis", "postgres"}))
    assert stateful_names(options) == {"redis", "postgres"}
    assert stateful_image("redis:7", options) is not None
    assert stateful_image("mysql:8", options) is None
    assert stateful_names(RuleOptions()) == frozenset(STATEFUL_IMAGES)


def _container(image: str, command: list[str] | None = None, init: bool = False) -> Container:
    return Container(
        name="c",
        path=("spec", "containers", 0),
        image=image,
        command=tuple(command) if command else None,
        mounts=(),
        init=init,
    )


@pytest.mark.parametrize(
    ("command", "program"),
    [
        (None, None),
        ([], None),
        (["postgres"], "postgres"),
        (["/usr/local/bin/docker-entrypoint.sh", "postgres"], "docker-entrypoint.sh"),
        (["sh", "-c", "exec mysqld"], "sh"),
        (["/bin/sleep infinity"], "sleep"),
        ([""], None),
    ],
)
def test_command_program(command: list[str] | None, program: str | None) -> None:
    assert command_program(command) == program


@pytest.mark.parametrize(
    ("image", "command"),
    [
        ("postgres:16", None),
        ("postgres:16", ["postgres", "-c", "max_connections=200"]),
        ("postgres:16", ["docker-entrypoint.sh", "postgres"]),
        ("mysql:8", ["/usr/sbin/mysqld"]),
        ("mysql:8", ["docker-entrypoint.sh"]),
        ("mongo:7", ["mongod", "--replSet", "rs0"]),
        ("bitnami/postgresql:16", ["/opt/bitnami/scripts/postgresql/entrypoint.sh"]),
        ("elasticsearch:8.12.0", ["/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"]),
    ],
)
def test_server_containers(image: str, command: list[str] | None) -> None:
    assert server_image(_container(image, command)) is not None


@pytest.mark.parametrize(
    ("image", "command"),
    [
        ("postgres:16", ["pg_dump", "-h", "db"]),
        ("postgres:16", ["psql"]),
        ("postgres:16", ["/bin/sh", "-c", "pg_dump db > /backup/db.sql"]),
        ("mysql:8", ["sleep", "infinity"]),
        ("mysql:8", ["mysql", "-h", "db"]),
        ("mongo:7", ["mongosh"]),
        ("redis:7", None),  # not a stateful image at all
    ],
)
def test_client_containers(image: str, command: list[str] | None) -> None:
    assert server_image(_container(image, command)) is None


def test_init_containers_are_never_servers() -> None:
    assert server_image(_container("postgres:16", init=True)) is None


def test_user_added_image_is_a_server_unless_its_command_is_another_program() -> None:
    options = RuleOptions(stateful_images=frozenset({"keydb"}))
    assert server_image(_container("eqalpha/keydb:6"), options) is not None
    assert server_image(_container("eqalpha/keydb:6", ["keydb"]), options) is not None
    assert server_image(_container("eqalpha/keydb:6", ["sleep", "1d"]), options) is None
