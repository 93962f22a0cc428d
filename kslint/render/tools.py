"""The external renderers: which program, which version, and how it is run.

The program comes from the command line (``--kustomize-command``) or the environment
(``KSLINT_KUSTOMIZE``, ``KSLINT_HELM``), else from PATH: never from a file in the linted
repository, so a pull request cannot choose what CI executes. kslint never enables
kustomize plugins or exec functions, nor Helm post-renderers, and runs every renderer with
the network shut (a proxy that refuses connections, git limited to local repositories):
repository content must not reach the network, and a remote base fails the same way
whether or not the machine is online.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from kslint.file_text import size_text

KUSTOMIZE_ENV = "KSLINT_KUSTOMIZE"
HELM_ENV = "KSLINT_HELM"
# Origin annotations for resources, generators and remote bases in the format kslint reads.
MIN_KUSTOMIZE = (5, 0, 0)
DEFAULT_TIMEOUT = 60.0

_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)")
_CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, connections fail at once


@dataclass(frozen=True)
class Renderer:
    """A usable renderer: ``build`` is the command that renders a directory given last."""

    build: tuple[str, ...]
    version: tuple[int, int, int]


@dataclass(frozen=True)
class Unavailable:
    """Why there is no renderer: said in ``not-rendered`` findings."""

    reason: str


def offline_environment() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = _CLOSED
    env["all_proxy"] = _CLOSED
    env["NO_PROXY"] = env["no_proxy"] = ""
    env["GIT_ALLOW_PROTOCOL"] = "file"
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def _command(configured: str | None, env_name: str) -> list[str] | None:
    text = configured if configured else os.environ.get(env_name)
    return shlex.split(text) if text else None


@cache
def _output(*argv: str) -> str | None:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=30, env=offline_environment()
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout + done.stderr if done.returncode == 0 else None


def _kustomize_command(configured: str | None) -> list[str] | None:
    command = _command(configured, KUSTOMIZE_ENV)
    if command is None:
        found = shutil.which("kustomize")
        kubectl = shutil.which("kubectl")
        if found:
            command = [found]
        elif kubectl:
            command = [kubectl, "kustomize"]
    return command


def program_identity(configured: str | None, env_name: str = KUSTOMIZE_ENV) -> str:
    """Which renderer program a run would use, down to its file (path, size, times,
    inode), without running it: the content cache's key. Any change of the program
    (another version installed) changes it; asking for the version would cost a process."""
    if env_name == KUSTOMIZE_ENV:
        command = _kustomize_command(configured)
    else:
        command = _command(configured, env_name) or ["helm"]
    if not command:
        return "none"
    found = shutil.which(command[0])
    if found is None:
        return f"{command!r} not found"
    try:
        info = os.stat(found)
    except OSError as exc:
        return f"{command!r} {exc.strerror}"
    return f"{command!r} {os.path.realpath(found)} {info.st_size} {info.st_mtime_ns} {info.st_ino}"


def kustomize(configured: str | None = None) -> Renderer | Unavailable:
    """``kustomize`` from the flag or environment, else on PATH, else ``kubectl kustomize``."""
    command = _kustomize_command(configured)
    if command is None:
        return Unavailable("neither kustomize nor kubectl is on PATH")
    program = os.path.basename(command[0])
    via_kubectl = program.startswith("kubectl")
    if via_kubectl:
        build = command if command[1:2] == ["kustomize"] else [*command, "kustomize"]
        text = _output(command[0], "version", "--client")
        match = re.search(r"Kustomize Version:\s*" + _VERSION.pattern, text or "")
    else:
        build = command if command[1:2] == ["build"] else [*command, "build"]
        text = _output(command[0], "version")
        match = _VERSION.search(text or "")
    if match is None:
        return Unavailable(f"{' '.join(command)} did not run or did not report its version")
    version = (int(match[1]), int(match[2]), int(match[3]))
    if version < MIN_KUSTOMIZE:
        need = ".".join(map(str, MIN_KUSTOMIZE))
        return Unavailable(
            f"kustomize v{'.'.join(map(str, version))} is too old for origin annotations "
            f"(kslint needs v{need} or later)"
        )
    return Renderer(tuple(build), version)


def helm(configured: str | None = None) -> str | None:
    """The helm program, or None."""
    command = _command(configured, HELM_ENV)
    return shutil.which(command[0] if command is not None else "helm")


@dataclass(frozen=True)
class Run:
    ok: bool
    stdout: bytes
    message: str


# What kslint keeps of a renderer's standard error: its message is a line or a few.
_MAX_MESSAGE = 64 * 1024
_CHUNK = 1 << 16


def run(argv: list[str], cwd: str, timeout: float, max_output: int | None = None) -> Run:
    """Run a renderer offline; a failure's message is the tool's own (first error line).
    ``max_output``: the bytes of output past which the renderer is stopped (a repository
    must not make kslint hold a render bigger than it would read as one file)."""
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=offline_environment(),
            # Its own process group: stopping it stops what it started too (git, helm),
            # which would otherwise hold the output pipe open.
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        return Run(False, b"", f"cannot run {argv[0]}: {exc.strerror}")
    stopped: list[str] = []  # why kslint stopped it (the first reason)

    def stop(why: str) -> None:
        if not stopped:
            stopped.append(why)
            _kill(process)

    def time_out() -> None:
        if process.poll() is None:  # (not one that has just ended)
            stop(f"the render took longer than {timeout:g} s and was stopped")

    timer = threading.Timer(timeout, time_out)
    message = bytearray()
    # Standard error is read beside standard output: a tool that fills one pipe while
    # kslint waits on the other would never finish.
    reader = threading.Thread(target=_keep_start, args=(process.stderr, message), daemon=True)
    timer.start()
    reader.start()
    output = bytearray()
    try:
        assert process.stdout is not None
        for chunk in iter(lambda: process.stdout.read(_CHUNK), b""):  # type: ignore[union-attr]
            output += chunk
            if max_output is not None and len(output) > max_output:
                stop(
                    f"its output is over the {size_text(max_output)} limit of one input "
                    "(--max-file-bytes, or limits.max_file_bytes in the configuration, "
                    "raises it)"
                )
                break
        process.wait()  # (the timer still stops a tool that closed its output and hangs)
    finally:
        timer.cancel()
        if process.poll() is None:  # only when reading failed
            _kill(process)
            process.wait()
        reader.join()
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    if stopped:
        return Run(False, b"", stopped[0])
    if process.returncode != 0:
        return Run(False, bytes(output), message.decode("utf-8", "replace"))
    return Run(True, bytes(output), "")


def over_budget(max_bytes: int) -> str:
    """Why a render's output is not loaded: the run's byte budget is spent."""
    return (
        f"its output was not loaded: the run already read {max_bytes:,} bytes, its limit "
        "(--max-bytes, or limits.max_bytes in the configuration, raises it)"
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
            return
        except OSError:
            pass  # already gone
    process.kill()


def _keep_start(stream: Any, kept: bytearray) -> None:
    """Read ``stream`` to its end, keeping its first ``_MAX_MESSAGE`` bytes."""
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        if len(kept) < _MAX_MESSAGE:
            kept += chunk[: _MAX_MESSAGE - len(kept)]
