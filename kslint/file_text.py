"""What a file's bytes are as text, before any YAML: its encoding (a byte-order mark,
else UTF-8; NUL bytes: binary), the size limit of one file, and findings about a whole
file. Apart from ``kslint.yaml_reader`` (which re-exports it) so that a run answered from
the content cache, which parses nothing, does not import the YAML parser.
"""

from __future__ import annotations

import codecs
from typing import Protocol

from kslint.findings import Finding, Span

MAX_FILE_BYTES = 32 * 1024 * 1024  # the default of limits.max_file_bytes / --max-file-bytes

# Fix hints of ``invalid-yaml`` by cause: the rule's generic hint fits none of them well.
FIX_BINARY = (
    "Lint only YAML and JSON files: leave this file out (--exclude, or `exclude:` in the "
    "configuration)."
)
FIX_ENCODING = "Save the file as UTF-8 (re-encode it, e.g. `iconv -f LATIN1 -t UTF-8`)."
FIX_SIZE = "Split the file, or leave it out if it is not a manifest (--exclude)."
FIX_UNREADABLE = "Check that the file exists and can be read, or leave it out (--exclude)."
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> tuple[str | None, Finding | None, str]:
    """Decode a file, or explain (with a position) why it is not text."""
    head = data[:8192]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            try:
                return data.decode(codec), None, codec
            except UnicodeDecodeError as exc:
                return None, _encoding_error(data, exc, codec), codec
    if b"\x00" in head:
        return None, None, "binary"
    try:
        return data.decode("utf-8"), None, "utf-8"
    except UnicodeDecodeError as exc:
        return None, _encoding_error(data, exc, "utf-8"), "utf-8"


def _encoding_error(data: bytes, exc: UnicodeDecodeError, codec: str) -> Finding:
    # utf-8-sig counts from after the byte-order mark, utf-16/32 from the file's start.
    start = exc.start + (len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0)
    # Line and column count characters, as everywhere else (the mark is not one).
    before = data[:start].decode(codec, "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Finding(
        rule="invalid-yaml",
        message=f"The file is not valid {codec.upper().replace('-SIG', '')} text "
        f"(byte 0x{data[start]:02x} cannot be decoded); save it as UTF-8.",
        file="",
        span=Span(line, column, line, column + 1),
        fix=FIX_ENCODING,
    )


def size_text(count: int) -> str:
    """A byte count as a limit is stated: ``32 MiB`` when whole mebibytes, else bytes."""
    if count >= 2**20 and count % 2**20 == 0:
        return f"{count // 2**20:,} MiB"
    return f"{count:,} bytes"


def file_finding(
    file: _Named,
    message: str,
    span: Span,
    rule: str = "invalid-yaml",
    fix: str | None = None,
) -> Finding:
    """A finding about a whole file; ``fix``: the hint for this cause (None: the rule's)."""
    return Finding(rule=rule, message=message, file=file.path, span=span, fix=fix)


class _Named(Protocol):
    """A file as findings name it (``kslint.objects.SourceFile``)."""

    path: str
