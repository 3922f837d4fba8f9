"""codecraft export: the workshop as infrastructure code (Terraform or CloudFormation) in a folder."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from ..i18n import N_, _
from .options import StudentOpt, settings
from .output import console

FORMATS = ("terraform", "cloudformation")
TERRAFORM_INSTALL = "https://developer.hashicorp.com/terraform/install"


def _files(fmt: str, w: Any, student: str | None, target: str, lang: str, where: Any,
           lab_role: bool = False) -> dict[str, bytes | str]:
    if fmt == "terraform":
        from ..engine.export_terraform import render

        return render(w, student=student, target=target, lang=lang, endpoint=where.endpoint,
                      gateway=where.gateway, region=where.region, lab_role=lab_role)
    from ..engine.export_cloudformation import render as template

    return template(w, student=student, target=target, lang=lang, region=where.region, lab_role=lab_role)


def _where(options: Any, fmt: str, target: str) -> Any:
    """The region, and for Terraform on the emulator its endpoint and gateway (started if it is not
    running: the provider block names them)."""
    import dataclasses

    from ..engine.session import open_target, resolve_region

    chosen = dataclasses.replace(options, target=target)
    if target == "local" and fmt == "terraform":
        return open_target(chosen)
    try:
        region = resolve_region(chosen)
    except UserError:  # no region configured: the export still works, in AWS's default region
        region = "us-east-1"
    return type("Where", (), {"endpoint": None, "gateway": None, "region": region})()


def export(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help=N_("Workshop id or path to a YAML file."))],
    fmt: Annotated[str, typer.Option("--format", "-f", help=N_("terraform or cloudformation."))] = "terraform",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help=N_("Folder to write (default: ./<workshop>-<format>/); `-o -`: the code "
                                  "alone on stdout (main.tf or template.yaml, without the Lambda packages)."))] = None,
    student: StudentOpt = None,
    target: Annotated[str | None, typer.Option(
        "--target", help=N_("local: the provider points at the embedded emulator; aws: a real account "
                            "(default: the global --target)."))] = None,
    lab_role: Annotated[bool, typer.Option(
        "--lab-role", help=N_("AWS Academy Learner Lab: the functions use its LabRole (a Learner Lab may "
                              "not create roles) instead of the workshop's roles."))] = False,
) -> None:
    """Write the workshop as Terraform or CloudFormation code, from the same definition and the same
    Lambda packages as setup, ready to apply."""
    from ..engine.context import check_student
    from ..workshop import load_workshop

    options = settings(ctx)
    fmt, chosen = fmt.lower(), (target or options.target).lower()
    if fmt not in FORMATS:
        raise UserError(_("Unknown format {format!r}.").format(format=fmt),
                        hint=_("Use --format terraform or --format cloudformation."))
    if chosen not in ("local", "aws"):
        raise UserError(_("Unknown target {target!r}.").format(target=chosen),
                        hint=_("Use --target local (the embedded emulator) or --target aws (or set "
                               "CODECRAFT_TARGET to one of them)."))
    w = load_workshop(workshop)
    check_student(student)
    folder = output or Path(f"{w.id}-{fmt}")
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{path} is a file, not a folder.").format(path=folder),
                        hint=_("Give -o a folder: the export writes several files into it."))
    files = _files(fmt, w, student, chosen, options.lang, _where(options, fmt, chosen), lab_role)
    if str(output) == "-":  # the code as a document on stdout; the packages are files, not text
        code = next(str(data) for name, data in files.items() if name in ("main.tf", "template.yaml"))
        sys.stdout.write(code if code.endswith("\n") else code + "\n")
        console().print(_("The Lambda packages are not written with -o -: export to a folder to apply it."),
                        highlight=False)
        return
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    say = console()
    say.print(_("Wrote {workshop} as {format} in {path}/ ({count} files).").format(
        workshop=w.id, format=fmt, path=folder, count=len(files)), highlight=False)
    if fmt == "terraform":
        say.print(_("Next: cd {path} && terraform init && terraform apply").format(path=folder), highlight=False,
                  soft_wrap=True)
        if chosen == "local":
            say.print(_("The provider points at the emulator: `codecraft verify {workshop}` checks what "
                        "Terraform built; `terraform destroy` removes it.").format(workshop=w.id), highlight=False)
        if shutil.which("terraform") is None:
            say.print(_("Terraform is not installed: get it from {url} (one binary), then run the commands "
                        "above.").format(url=TERRAFORM_INSTALL), highlight=False)
    else:
        say.print(_("Next: copy the packages to a bucket of yours, then deploy the stack:"), highlight=False)
        say.print(f"  cd {folder} && aws s3 cp --recursive lambda s3://BUCKET/lambda/\n"
                  f"  aws cloudformation deploy --template-file template.yaml --stack-name codecraft-{w.id} "
                  "--capabilities CAPABILITY_NAMED_IAM --parameter-overrides CodeBucket=BUCKET",
                  highlight=False, markup=False, soft_wrap=True)
