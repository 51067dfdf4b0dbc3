"""Does an index folder still hold the files its manifest describes?

Cheap checks first (missing, empty, truncated, resized), then the SHA-256 of each file and the
header of each ``.npy`` array. Each problem is a short phrase naming the file, so ``index
--check``, ``search`` and the page can all say what is wrong.
"""

from __future__ import annotations

from pathlib import Path

from mgiassist.index.layout import VECTORS
from mgiassist.index.manifest import ArrayRecord, Manifest, npy_header, sha256_of

__all__ = ["file_problems"]


def _size_problem(name: str, size: int, expected: int) -> str | None:
    if size == expected:
        return None
    if size == 0:
        return f"{name} is empty (0 bytes)"
    if size < expected:
        return f"{name} is truncated ({size:,} of {expected:,} bytes)"
    return f"{name} has {size:,} bytes, the manifest says {expected:,}"


def _array_problem(folder: Path, name: str, record: ArrayRecord) -> str | None:
    try:
        shape, dtype = npy_header(folder / name)
    except (ValueError, OSError) as exc:
        return f"{name} is not a readable array ({exc})"
    if shape != record.shape or dtype != record.dtype:
        return (
            f"{name} holds a {'×'.join(map(str, shape))} {dtype} array, the manifest says "
            f"{'×'.join(map(str, record.shape))} {record.dtype}"
        )
    return None


def file_problems(
    folder: Path, manifest: Manifest, *, hashes: bool = True, only: set[str] | None = None
) -> list[str]:
    """What no longer matches the manifest's ``files`` and ``arrays`` records (empty when all
    is well). ``hashes=False`` skips reading whole files (sizes and headers only); ``only``
    limits the check to those files."""
    problems: list[str] = []
    files = manifest.files
    for name, record in sorted(files.items()):
        if only is not None and name not in only:
            continue
        path = folder / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems.append(f"{name} is missing")
            continue
        except OSError as exc:
            problems.append(f"{name} cannot be read ({exc.strerror or exc})")
            continue
        problem = _size_problem(name, size, record.size)
        if problem is None and name in manifest.arrays:
            problem = _array_problem(folder, name, manifest.arrays[name])
        if problem is None and hashes:
            try:
                if sha256_of(path) != record.sha256:
                    problem = (
                        f"{name} does not match its SHA-256 checksum (changed since the build)"
                    )
            except OSError as exc:
                problem = f"{name} cannot be read ({exc.strerror or exc})"
        if problem:
            problems.append(problem)
    if only is not None and VECTORS not in only:
        return problems
    vectors = manifest.arrays.get(VECTORS)
    expected = (manifest.chunk_count, manifest.dimension)
    if VECTORS not in files:
        problems.append(f"manifest.json does not list {VECTORS}")
    elif vectors is None or vectors.shape != expected or vectors.dtype != "<f4":
        described = None if vectors is None else vectors.to_dict()  # as manifest.json holds it
        problems.append(
            f"manifest.json describes {VECTORS} as {described}, not a {expected[0]}×{expected[1]} float32 array"
        )
    return problems
