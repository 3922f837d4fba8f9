"""``codecraft export W --format cloudformation``: a CloudFormation template (YAML) of a workshop.

Signature (called by cli/cmd_export.py)::

    render(workshop: Workshop, *, student: str | None = None, target: str = "aws",
           lang: str = "en") -> dict[str, bytes | str]

It returns the files to write, relative to the output folder: ``template.yaml`` (str) and one
``lambda/<function name>.zip`` (bytes) per Lambda function, built by engine/packaging.py (the
same reproducible zips setup uploads). The template references each zip in S3
(``Code: {S3Bucket: !Ref CodeBucket, S3Key: ...}``); inline ``ZipFile`` is not used (it holds one
source file, ``index.py``, and the packages have several files and shared modules).
"""

from __future__ import annotations

from ..workshop.model import Workshop


def render(workshop: Workshop, *, student: str | None = None, target: str = "aws",
           lang: str = "en") -> dict[str, bytes | str]:
    """The files of the export: ``template.yaml`` and ``lambda/<function>.zip``."""
    raise NotImplementedError
