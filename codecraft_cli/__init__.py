"""codecraft: build, check, test and tear down AWS classroom workshops.

The package is organised as a pipeline (see DESIGN in the README):

    cli/        Typer commands: parse options, call the engine, render (Rich or JSON)
    workshop/   YAML -> validated model, references, dependency order
    resources/  one handler per AWS resource type, in a registry
    engine/     planner, executor (real or display-only), verifier, state store
    aws/        the only place that builds AWS clients (botocore); error translation
    local/      the embedded emulator (moto server + gateway + Lambda runner)
"""

__version__ = "0.1.0"
