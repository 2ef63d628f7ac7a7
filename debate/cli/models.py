"""`debate models`: what can debate without a key, and which hosted providers have one."""

from __future__ import annotations

from debate import api
from debate.cli.common import FormatOption, OutputFormat, app, emit_json, out


@app.command()
def models(format: FormatOption = OutputFormat.table) -> None:
    """Models available without a key, and which hosted providers have a key set."""
    catalog = api.available_models()
    if format is OutputFormat.json:
        emit_json(catalog.model_dump())
        return
    out.print("[bold]Local models[/] (no key, no network):")
    for m in catalog.local:
        state = "ready" if m.assembled else ("installed, assembled on first use" if m.installed else "not installed")
        out.print(f"  {m.model:<32} {state:<36} {m.description}")
    out.print("  fake/<name>                      always available                     deterministic test model")
    out.print("\n[bold]Hosted providers[/] (keys are read from the environment, never stored):")
    for p in catalog.providers:
        out.print(f"  {p.provider:<14} {p.env:<22} {'set' if p.key_set else 'not set'}")
