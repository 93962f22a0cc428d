"""Container images: reference parsing, the stateful image catalog, server vs client.

``parse_image`` splits an image reference the way container runtimes do
(``[registry/]path[:tag][@digest]``): the first path component is a registry only when it
looks like a host (it has a ``.`` or a ``:``, or is ``localhost``), so
``localhost:5000/postgres:16`` is ``postgres`` and ``bitnami/postgresql`` is
``postgresql``. The last path component of the repository is the image's *name*, which is
what the stateful image catalog is keyed on.

``STATEFUL_IMAGES`` is the catalog: each stateful image name (architecture suffix such as
``-amd64`` stripped) mapped to that server's own binaries and entrypoint scripts, with the
server subcommand where a binary doubles as a client (``minio server``,
``cockroach start``). A container with such an image is a *server* unless its ``command``
starts a program that is not one of them (``sleep``, ``psql``, ``pg_dump``,
``cockroach sql``, ...): then it is a client of the database, not the database. ``args``
alone never makes a client, because it only feeds the image's own entrypoint. A shell
wrapper (``sh -c "mkdir -p /data && exec minio server /data"``) is looked through: the
container is a server when a simple command of the script starts the server.

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

    @property
    def base(self) -> str:
        """``name`` without an architecture suffix: what the catalog is keyed on."""
        return base_name(self.name)


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
_POSTGRES = frozenset({"postgres", "postmaster", "pg_ctl start", "pg_ctlcluster", *_ENTRYPOINTS})
_MONGO = frozenset({"mongod", "mongos", *_ENTRYPOINTS})
_BITNAMI = frozenset({"run.sh"})  # bitnami images: /opt/bitnami/scripts/<app>/{entrypoint,run}.sh
_CLICKHOUSE = frozenset({"clickhouse server", "clickhouse-server", *_ENTRYPOINTS})
_COCKROACH = frozenset(
    {"cockroach start", "cockroach start-single-node", "cockroach.sh", *_ENTRYPOINTS}
)

# The stateful image catalog (rules.md, "Stateful image"): each image name mapped to the
# programs that start that server. An entry of two words is a binary that doubles as a
# client: it is the server only when that subcommand follows (``minio server``,
# ``cockroach start``). One table, one place; rules/database-without-persistent-storage.yaml
# documents it (``server_programs_doc``, kept equal by a test).
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
    "zookeeper": frozenset(
        {
            "zkServer.sh start",
            "zkServer.sh start-foreground",
            "zookeeper-server-start.sh",
            "zookeeper_run.sh",
        }
    )
    | _ENTRYPOINTS
    | _BITNAMI,
    "etcd": frozenset({"etcd", *_ENTRYPOINTS}) | _BITNAMI,
    "rabbitmq": frozenset({"rabbitmq-server", *_ENTRYPOINTS}) | _BITNAMI,
    "minio": frozenset({"minio server", *_ENTRYPOINTS}) | _BITNAMI,
    "clickhouse": _CLICKHOUSE,
    "clickhouse-server": _CLICKHOUSE,
    "cockroach": _COCKROACH,
    "cockroachdb": _COCKROACH,
    "influxdb": frozenset({"influxd", *_ENTRYPOINTS}) | _BITNAMI,
    "neo4j": frozenset({"neo4j console", "neo4j start", "tini", *_ENTRYPOINTS}),
    "couchdb": frozenset({"couchdb", "tini", *_ENTRYPOINTS}),
    "couchbase": frozenset({"couchbase-server", *_ENTRYPOINTS}),
    "solr": frozenset({"solr start", "solr-foreground", "solr-precreate", *_ENTRYPOINTS})
    | _BITNAMI,
    "questdb": frozenset({"questdb", "questdb.sh", *_ENTRYPOINTS}),
}

# Architecture suffixes of per-architecture images (``k8s.gcr.io/etcd-amd64``).
ARCH_SUFFIXES = ("-amd64", "-arm64", "-arm", "-ppc64le", "-s390x")

# Shells whose ``-c SCRIPT`` is looked through.
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})


def base_name(name: str) -> str:
    """An image name without its architecture suffix: ``etcd-amd64`` is ``etcd``."""
    for suffix in ARCH_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def stateful_names(options: RuleOptions | None = None) -> frozenset[str]:
    """The stateful image names in force: the configured list, else the built-in one."""
    if options is not None and options.stateful_images is not None:
        return options.stateful_images
    return frozenset(STATEFUL_IMAGES)


def server_binaries(name: str) -> frozenset[str]:
    """The programs that start the server of image ``name`` (a user-added name: itself)."""
    return STATEFUL_IMAGES.get(name) or frozenset({name, *_ENTRYPOINTS})


def stateful_image(image: str | None, options: RuleOptions | None = None) -> ImageRef | None:
    """The parsed image if it is a stateful image (architecture suffix stripped), else None."""
    ref = parse_image(image) if image else None
    return ref if ref is not None and ref.base in stateful_names(options) else None


def command_program(command: Iterable[str] | None) -> str | None:
    """The basename of the program a container ``command`` runs (None: no command)."""
    for word in command or ():
        first = word.split()
        return first[0].rsplit("/", 1)[-1] if first else None
    return None


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def starts_server(words: list[str], programs: frozenset[str]) -> bool:
    """Whether the argument vector ``words`` starts one of ``programs`` (a two-word entry
    needs its subcommand as the next word)."""
    if not words:
        return False
    program = _basename(words[0])
    if program in programs:
        return True
    return len(words) > 1 and f"{program} {words[1]}" in programs


def shell_script(argv: list[str]) -> str | None:
    """SCRIPT of ``sh -c SCRIPT`` (any shell of ``SHELLS``, by any path, flags such as
    ``-e`` or ``-ec`` allowed before it); None when ``argv`` is not a shell with ``-c``."""
    if not argv or _basename(argv[0]) not in SHELLS:
        return None
    for index, word in enumerate(argv[1:], 1):
        if not word.startswith("-") or word.startswith("--"):
            return None
        if "c" in word[1:]:
            return argv[index + 1] if index + 1 < len(argv) else None
    return None


_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", "{", "}"})


def simple_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, each as its words without a leading
    ``exec`` or variable assignments: split at ``;``, ``&&``, ``||``, ``|`` and newlines.
    Quoting is honoured where it balances; otherwise words are split on blanks."""
    import shlex

    commands: list[list[str]] = []
    for line in script.splitlines():
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|(){}")
            lexer.whitespace_split = True
            lexer.commenters = "#"
            tokens = list(lexer)
        except ValueError:
            tokens = line.split()
        current: list[str] = []
        for token in tokens:
            if token in _SEPARATORS or set(token) <= set(";&|"):
                commands.append(current)
                current = []
            else:
                current.append(token)
        commands.append(current)
    return [_strip_prefix(words) for words in commands if words]


def _strip_prefix(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) and (
        words[index] in ("exec", "then", "do", "else", "!")
        or ("=" in words[index] and words[index].split("=", 1)[0].isidentifier())
    ):
        index += 1
    return words[index:]


def runs_server(container: Container, programs: frozenset[str]) -> bool:
    """Whether the container's ``command`` (with ``args``) starts the server: no command
    at all (the image's own entrypoint), one of ``programs``, or a shell ``-c`` script
    with a simple command that is one of them."""
    if container.command is None:
        return True
    argv = [*container.command, *(container.args or ())]
    script = shell_script(argv)
    if script is not None:
        return any(starts_server(words, programs) for words in simple_commands(script))
    first = container.command[0].split()
    if len(first) > 1:  # ``command: ["minio server /data"]`` as one word
        argv = [*first, *argv[1:]]
    return starts_server(argv, programs)


def server_image(container: Container, options: RuleOptions | None = None) -> ImageRef | None:
    """The stateful image a container runs as a server; None for clients and the rest."""
    if container.init:
        return None
    ref = stateful_image(container.image, options)
    if ref is None:
        return None
    if not runs_server(container, server_binaries(ref.base)):
        return None  # sleep, sh, psql, pg_dump, mysql, cockroach sql: a client
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


def server_programs_doc() -> str:
    """The catalog's server programs as the rule documentation lists them."""
    lines = []
    for name, programs in sorted(STATEFUL_IMAGES.items()):
        listed = ", ".join(f"`{program}`" for program in sorted(programs))
        lines.append(f"- {name}: {listed}")
    return "\n".join(lines)
