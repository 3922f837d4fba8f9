"""The language of a deployment's functions: ``setup W --runtime nodejs``, then recorded in its
state file so that a later setup, ``verify``, ``teardown`` and ``test-api`` judge and use the same
functions (workshop/variants.py: the Node.js variants the workshops declare)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import UserError
from ..i18n import _
from ..workshop.model import Workshop
from ..workshop.variants import DEFAULT, RUNTIME_FAMILIES, offers, with_runtime
from .identity import DeploymentKey
from .state import StateStore


@dataclass(frozen=True)
class Runtime:
    name: str | None  # None: never chosen (python, the workshops' own)

    def workshop(self, w: Workshop) -> Workshop:
        """The workshop with its functions in this language, and its click-paths saying so."""
        if not self.name or self.name == DEFAULT:
            return w
        chosen = with_runtime(w, self.name)
        steps = []
        for before, after in zip(w.steps, chosen.steps, strict=True):
            console = before.console
            for old, new in zip(before.resources, after.resources, strict=True):
                if old.properties != new.properties:
                    console = _console(console, old.properties, new.properties)
            steps.append(replace(after, console=console))
        return replace(chosen, steps=tuple(steps))


def _console(console: Mapping[str, str], old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """A step's click-path for the other language: its runtime, code folder and handler (Lambda
    console: "Runtime" when creating the function, "Code › Runtime settings › Handler"), and the
    shared files its package holds beside the code (its shared.txt), each note in its own language."""
    from .. import paths
    from ..resources.lambda_checks import label
    from .diagnosis_found import speaking
    from .packaging import _shared_files

    shared = [f.name for f in _shared_files(paths.lambda_src_dir() / str(new["source"]))]
    swaps = [(label(str(old.get("runtime", "python3.12"))), label(str(new["runtime"]))),
             (f"lambda_src/{old['source']}", f"lambda_src/{new['source']}"),
             (str(old["handler"]), str(new["handler"])), ("pymysql", "mysql2")]
    out = {}
    for lang, said in console.items():
        with speaking(lang):
            note = _("{language}: Runtime {runtime} · Code › Runtime settings › Handler {handler} · code "
                     "lambda_src/{source} (its npm dependencies: `npm ci --omit=dev` in that folder, then "
                     "zip its files with node_modules/)").format(
                language=label(str(new["runtime"])).split(" ")[0], runtime=label(str(new["runtime"])),
                handler=new["handler"], source=new["source"])
            if shared:
                note += " " + _("and, beside its code in the zip, {files}").format(
                    files=", ".join(f"lambda_src/shared/{name}" for name in shared))
        for before, after in swaps:
            said = re.sub(re.escape(before) + r"(?![\w])", after, said)
        out[lang] = said.rstrip("\n") + "\n" + note + "\n"
    return out


def check_runtime(w: Workshop, runtime: str | None) -> None:
    """--runtime names a language the workshop's functions are written in (bad input otherwise)."""
    if runtime is None:
        return
    if runtime not in RUNTIME_FAMILIES:
        raise UserError(_("Unknown runtime {runtime!r}.").format(runtime=runtime),
                        hint=_("Use --runtime python or --runtime nodejs."))
    if not offers(w, runtime):
        raise UserError(_("{workshop} has no function written in {runtime}.").format(workshop=w.id, runtime=runtime),
                        hint=_("Node.js variants: workshop2 (ManageProjects), workshop3 (UploadFile), "
                               "anycompany-orders (ProcessOrder)."))


def for_prerequisite(workshop_id: str, runtime: str | None) -> str | None:
    """A prerequisite is set up in the same language where it has functions in it (workshop1 has none)."""
    from ..workshop import load_workshop

    return runtime if runtime and offers(load_workshop(workshop_id), runtime) else None


def recorded_runtime(state: StateStore) -> str | None:
    value = state.data.get("runtime")
    return str(value) if value in RUNTIME_FAMILIES else None


def chosen_runtime(key: DeploymentKey, asked: str | None) -> Runtime:
    """What was asked, else what the deployment recorded, else the workshop's own (python)."""
    if asked:
        return Runtime(asked)
    recorded = recorded_runtime(key.store()) if key.is_set_up() else None
    return Runtime(recorded if recorded != DEFAULT else None) if recorded else Runtime(None)


def deployed(w: Workshop, key: DeploymentKey) -> Workshop:
    """The workshop with the functions its deployment on ``key`` runs (verify, test-api), and the
    e-mail address it recorded (setup --email)."""
    from .email_choice import deployed as with_email

    return with_email(chosen_runtime(key, None).workshop(w), key)
