"""How ``lambda.function`` judges a function (resources/lambda_.py): what the seed prescribes
(its name, and the language family of its runtime) and what it leaves open (handler and file
name, role name, environment variable names, timeout and memory when the function works).

Runtimes: the family is the seed's ("Python 3.x"); the version is open among the runtimes Lambda
still supports. A version whose "block function update" date has passed is a failure, since AWS
itself then refuses to update the function (its code cannot even be fixed); a deprecated or older
version is advice. Dates: the runtime tables of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
(written once, in local/rules/lambda_.py, which the emulator enforces too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from .base import Context, Finding
from .teaching import finding

_LABELS = {"python": "Python", "nodejs": "Node.js", "java": "Java", "dotnet": ".NET", "ruby": "Ruby",
           "provided": "OS-only", "go": "Go"}


def family(runtime: str) -> str:
    """python3.12 -> python, nodejs22.x -> nodejs, dotnetcore3.1 -> dotnet."""
    match = re.match(r"[a-z]+", runtime)
    name = match.group(0) if match else runtime
    return "dotnet" if name.startswith("dotnet") else name


def version(runtime: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", runtime))


def label(runtime: str) -> str:
    """python3.12 -> Python 3.12, nodejs22.x -> Node.js 22.x (as the console lists them)."""
    fam = family(runtime)
    rest = runtime[len(fam):] if runtime.startswith(fam) else runtime
    return f"{_LABELS.get(fam, fam)} {rest}".strip()


def _dates(runtime: str) -> tuple[date, date, date] | None:
    from ..local.rules.lambda_ import RUNTIMES  # the documented table (a leaf module, no cycle)

    return RUNTIMES.get(runtime)


def _day(d: date) -> str:
    return d.isoformat()


def runtime_findings(ctx: Context, fn: str, want: str, have: str | None,
                     today: date | None = None) -> list[Finding]:
    if not have:  # a container image has no runtime: its image decides
        return []
    today = today or datetime.now(UTC).date()
    where = (f"Lambda › Fonctions › {fn} › Code › Paramètres d'exécution › Modifier",
             f"Lambda › {fn} › Code › Runtime settings › Edit")
    if family(have) != family(want):
        return [finding(ctx, "runtime",
                        (f"{where[0]} : Exécution {label(want)} (elle est {label(have)})",
                         f"{where[1]}: choose {label(want)} (it is {label(have)})"),
                        (f"le code de l'atelier est écrit en {_LABELS.get(family(want), family(want))}",
                         f"the workshop's code is written in {_LABELS.get(family(want), family(want))}"))]
    if have == want:
        return []
    dates = _dates(have)
    if dates and today >= dates[2]:
        return [finding(ctx, "runtime",
                        (f"{where[0]} : Exécution {label(want)} (elle est {label(have)}, retirée)",
                         f"{where[1]}: choose {label(want)} (it is {label(have)}, retired)"),
                        (f"AWS ne permet plus de créer ni de modifier une fonction en {label(have)} depuis le "
                         f"{_day(dates[2])} : même son code ne peut plus être corrigé",
                         f"AWS no longer lets a function on {label(have)} be created or updated since "
                         f"{_day(dates[2])}: not even its code can be fixed"))]
    if dates and today >= dates[0]:
        return [finding(ctx, "runtime_version",
                        (f"{where[0]} : Exécution {label(want)} (elle est {label(have)})",
                         f"{where[1]}: choose {label(want)} (it is {label(have)})"),
                        (f"{label(have)} est obsolète depuis le {_day(dates[0])} (plus de correctifs de "
                         f"sécurité) ; AWS en bloquera la mise à jour le {_day(dates[2])}",
                         f"{label(have)} is deprecated since {_day(dates[0])} (no more security patches); "
                         f"AWS blocks updating it on {_day(dates[2])}"))]
    if version(have) < version(want):
        until = f" ({_day(dates[0])})" if dates else ""
        return [finding(ctx, "runtime_version",
                        (f"{where[0]} : Exécution {label(want)} (elle est {label(have)})",
                         f"{where[1]}: choose {label(want)} (it is {label(have)})"),
                        (f"{label(have)} fonctionne, mais sera retiré plus tôt{until} ; codecraft choisit "
                         f"{label(want)}",
                         f"{label(have)} works, but is retired sooner{until}; codecraft picks {label(want)}"))]
    return []


def function_findings(ctx: Context, fn: str, config: Mapping[str, Any], have: Mapping[str, Any],
                      by_hand: bool, code_sha: str | None, source: str) -> list[Finding]:
    """The differences between the function as it is (``have``, observed) and the workshop's
    ``config`` (lambda_.Function._config). ``by_hand``: built by a student, whose handler, file,
    role and code are theirs; codecraft's own function must match in every point."""
    general = (f"Lambda › Fonctions › {fn} › Configuration › Configuration générale › Modifier",
               f"Lambda › Functions › {fn} › Configuration › General configuration › Edit")
    found = runtime_findings(ctx, fn, str(config["Runtime"]), have.get("Runtime"))
    timeout, have_timeout = int(config["Timeout"]), have.get("Timeout")
    if have_timeout != timeout and not (by_hand and isinstance(have_timeout, int) and have_timeout >= timeout):
        found.append(finding(
            ctx, "timeout",
            (f"{general[0]} : Délai d'expiration {timeout} s (il est de {have_timeout} s)",
             f"{general[1]}: timeout {timeout} s (it is {have_timeout} s)"),
            (f"codecraft choisit {timeout} s : les 3 s par défaut de la console peuvent manquer à un démarrage "
             "à froid qui appelle d'autres services, et une invocation interrompue est une erreur (502 par l'API)",
             f"codecraft picks {timeout} s: the console's default 3 s can be too short for a cold start that "
             "calls other services, and an invocation cut short is an error (502 through the API)")))
    memory, have_memory = int(config["MemorySize"]), have.get("MemorySize")
    if have_memory != memory and not (by_hand and isinstance(have_memory, int) and have_memory >= memory):
        found.append(finding(
            ctx, "memory",
            (f"{general[0]} : Mémoire {memory} Mo (elle est de {have_memory} Mo)",
             f"{general[1]}: memory {memory} MB (it is {have_memory} MB)"),
            (f"codecraft choisit {memory} Mo (la mémoire fixe aussi la part de processeur)",
             f"codecraft picks {memory} MB (memory also sets the share of CPU)")))
    found += _environment(ctx, fn, config, have, by_hand)
    if by_hand:  # the student's handler, file, role and code are theirs: the explicit checks judge them
        return found
    where = (f"Lambda › Fonctions › {fn} › Code › Paramètres d'exécution › Modifier",
             f"Lambda › Functions › {fn} › Code › Runtime settings › Edit")
    if have.get("Handler") != config["Handler"]:
        found.append(finding(ctx, "handler", (f"{where[0]} : Gestionnaire {config['Handler']}",
                                              f"{where[1]}: handler {config['Handler']}")))
    if code_sha is not None and have.get("CodeSha256") != code_sha:
        found.append(finding(ctx, "code", (f"Lambda › Fonctions › {fn} › Code : déployer le code de lambda_src/{source}",
                                           f"Lambda › Functions › {fn} › Code: deploy the code of lambda_src/{source}")))
    if have.get("Role") != config["Role"]:
        found.append(finding(ctx, "role",
                             (f"Lambda › Fonctions › {fn} › Configuration › Autorisations › Rôle d'exécution : "
                              f"{str(config['Role']).rsplit('/', 1)[-1]}",
                              f"Lambda › Functions › {fn} › Configuration › Permissions › Execution role: "
                              f"{str(config['Role']).rsplit('/', 1)[-1]}")))
    return found


def _environment(ctx: Context, fn: str, config: Mapping[str, Any], have: Mapping[str, Any],
                 by_hand: bool) -> list[Finding]:
    """codecraft's code reads TABLE_NAME; a student's may read DYNAMODB_TABLE (seed 004): by hand,
    a variable of any name holding the value is enough, and none at all is only advice (the
    student's code may not read it from the environment: the explicit checks show whether it works)."""
    where = (f"Lambda › Fonctions › {fn} › Configuration › Variables d'environnement › Modifier",
             f"Lambda › Functions › {fn} › Configuration › Environment variables › Edit")
    have_env = (have.get("Environment") or {}).get("Variables") or {}
    found = []
    for key, value in (config.get("Environment") or {}).get("Variables", {}).items():
        if have_env.get(key) == value or (by_hand and value in have_env.values()):
            continue
        found.append(finding(
            ctx, "environment",
            (f"{where[0]} : {key} = {value}", f"{where[1]}: {key} = {value}"),
            (f"le code de codecraft lit {key} ; le vôtre peut lire un autre nom, pourvu que la fonction "
             f"trouve {value}",
             f"codecraft's code reads {key}; yours may read another name, as long as the function finds "
             f"{value}")))
    return found


def mapping_findings(ctx: Context, function: str, want: Mapping[str, Any], have: Mapping[str, Any]) -> list[Finding]:
    """A trigger (event source mapping): the seed asks for it (workshop2: "Triggers › SQS"), and
    that it runs; its batch settings are codecraft's choices, shown as advice."""
    where = (f"Lambda › Fonctions › {function} › Configuration › Déclencheurs › Modifier",
             f"Lambda › Functions › {function} › Configuration › Triggers › Edit")
    found = []
    if have.get("Enabled") != want["Enabled"]:
        state = ("activer", "enable") if want["Enabled"] else ("désactiver", "disable")
        found.append(finding(ctx, "enabled", (f"{where[0]} : {state[0]} le déclencheur", f"{where[1]}: {state[1]} the trigger")))
    if have.get("BatchSize") != want["BatchSize"]:
        found.append(finding(ctx, "batch_size",
                             (f"{where[0]} : Taille du lot {want['BatchSize']}", f"{where[1]}: batch size {want['BatchSize']}"),
                             ("le choix de codecraft ; toute taille fonctionne", "codecraft's choice; any size works")))
    if "FunctionResponseTypes" in want and list(have.get("FunctionResponseTypes") or []) != want["FunctionResponseTypes"]:
        found.append(finding(
            ctx, "report_batch_item_failures",
            (f"{where[0]} : cocher « Signaler les échecs d'éléments de lot »",
             f"{where[1]}: tick \"Report batch item failures\""),
            ("sans cela, un seul message en échec fait rejouer tout le lot (Lambda, « Gestion des erreurs "
             "pour une source d'événements SQS »)",
             "without it, one failed message makes the whole batch run again (Lambda, \"Handling errors for "
             "an SQS event source\")")))
    for key, prop, fr, en in (("BisectBatchOnFunctionError", "bisect_on_error", "Diviser le lot en cas d'erreur",
                               "Split batch on error"),
                              ("MaximumRetryAttempts", "max_retry_attempts", "Nombre maximal de nouvelles tentatives",
                               "Retry attempts")):
        if key in want and have.get(key) != want[key]:
            found.append(finding(ctx, prop, (f"{where[0]} : {fr} = {want[key]}", f"{where[1]}: {en} = {want[key]}"),
                                 ("un enregistrement en échec ne bloque pas le flux indéfiniment",
                                  "a failing record does not block the stream for ever")))
    return found
