"""The Typer command line: parse options, call the engine, render with Rich or as JSON."""
