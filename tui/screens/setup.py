"""Setup: a tournament config as a form (and as YAML), validated as you type, saved, run.

The form and the YAML tab edit one mapping. Every change is checked by the same code as
`debate run` (the config model, then the motion sets and the rubric it names), on the YAML
text that would be saved, so the messages are the CLI's, file and line included. The form
shows the common settings; everything else (personas, panels, breaks, ...) is kept as it is
and edited in the YAML tab.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Footer,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from debate.core.errors import ConfigError, Problem
from debate.core.loading import load_text
from tui.markup import escape
from tui.widgets.header import Header
from tui.widgets.model_list import ModelList

PAIRINGS = ("round-robin", "swiss", "arena")
CUSTOM_FORMAT = "(custom, in the YAML)"


def starter_config(database: str) -> dict[str, Any]:
    """A new config: the no-key demo's field (local models only), renamed, on `database`."""
    data = yaml.safe_load(files("debate").joinpath("demo.yaml").read_text(encoding="utf-8"))
    data["name"] = "my-tournament"
    data["database"] = database
    return data


def render_yaml(data: dict[str, Any]) -> str:
    # Block style throughout: one setting per line, as people write configs by hand.
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def problems_of(text: str, source: str, base_dir: Path | None = None) -> list[Problem]:
    """What `debate run` would say about this config text (empty: it is valid)."""
    from debate.api import config_from

    try:
        config = config_from(load_text(text, source))
    except ConfigError as exc:
        return list(exc.problems)
    folder = str(base_dir or Path.cwd())
    return [*_motion_problems(tuple(config.motions), folder), *_rubric_problems(_freeze(config.rubric), folder)]


_PROBE_FIELD = [{"name": "a", "model": "fake/a"}, {"name": "b", "model": "fake/b"}]


@lru_cache(maxsize=64)
def _motion_problems(motions: tuple[str, ...], folder: str) -> tuple[Problem, ...]:
    # Cached: reading the sets is the slow part of a check, and typing rarely changes them.
    from debate.api import tournament_motions, validate_config

    probe = validate_config({"contestants": _PROBE_FIELD, "motions": list(motions)})
    try:
        tournament_motions(probe, Path(folder))
    except ConfigError as exc:
        return tuple(exc.problems)
    return ()


def _freeze(rubric: Any) -> str:
    return rubric if isinstance(rubric, str) else yaml.safe_dump(rubric, sort_keys=True)


@lru_cache(maxsize=16)
def _rubric_problems(rubric: str, folder: str) -> tuple[Problem, ...]:
    from debate.api import tournament_rubric, validate_config

    value = rubric if "\n" not in rubric else yaml.safe_load(rubric)
    probe = validate_config({"contestants": _PROBE_FIELD, "rubric": value})
    try:
        tournament_rubric(probe, Path(folder))
    except ConfigError as exc:
        return tuple(exc.problems)
    return ()


def model_suggestions() -> list[str]:
    from debate.api import local_model_names

    return [*local_model_names(), "fake/"]


class SetupScreen(Screen[None]):
    CSS_PATH = "setup.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+r", "run", "Save and run"),
        # A function key, taken before the focused field: no text field or editor uses it.
        Binding("f2", "switch_view", "Form/YAML", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, path: Path | None = None, *, database: str = "debate.db") -> None:
        super().__init__()
        self.opened = path
        self.problems: list[Problem] = []
        self._confirm_overwrite: Path | None = None
        self._arena_stash: dict[str, Any] | None = None
        self._filling = False
        self._form_stale = False  # the YAML tab changed the mapping since the form last showed it
        if path is not None:
            self.text = path.read_text(encoding="utf-8")
            self.data = self._parse_any(path, self.text)
            if path.suffix.lower() == ".toml":
                self.text = render_yaml(self.data)  # saved as YAML beside it: we write YAML only
            self.save_path = path if path.suffix.lower() in (".yaml", ".yml") else path.with_suffix(".yaml")
        else:
            self.data = starter_config(database)
            self.text = render_yaml(self.data)
            self.save_path = Path("tournament.yaml")  # beside where the app was started, as `debate run` takes it

    @staticmethod
    def _parse_any(path: Path, text: str) -> dict[str, Any]:
        try:
            data = load_text(text, str(path), "toml" if path.suffix.lower() == ".toml" else "yaml").data
        except ConfigError:
            return {}  # the form starts empty; check() names the problem
        return data if isinstance(data, dict) else {}

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="setup-top"):
            yield Label("Save to", classes="setup-label")
            yield Input(str(self.save_path), id="setup-path", compact=True)
        with TabbedContent(id="setup-tabs"):
            with TabPane("Form", id="tab-form"), VerticalScroll(id="setup-form"):
                yield from self._form()
            with TabPane("YAML", id="tab-yaml"):
                yield TextArea(self.text, language="yaml", id="setup-text", show_line_numbers=True)
        yield Static(id="setup-problems")
        yield Footer()

    def shown(self) -> dict[str, Any]:
        """What each simple field shows for the mapping: its value, or the default a run would use."""
        from debate.api import shipped_sets

        data = self.data
        shipped = set(shipped_sets())
        motions = data.get("motions", ["core-en"])
        # A value of the wrong shape stays as written (validation names it); the form shows none.
        chosen = [m for m in motions if isinstance(m, str)] if isinstance(motions, list) else []
        concurrency = data.get("concurrency") if isinstance(data.get("concurrency"), dict) else {}
        rounds = data.get("rounds")
        return {
            "f-name": str(data.get("name", "")),
            "f-motions": [m for m in chosen if m in shipped],
            "f-motion-files": ", ".join(m for m in chosen if m not in shipped),
            "f-format": self._format_value(),
            "f-pairing": data.get("pairing") if data.get("pairing") in PAIRINGS else "round-robin",
            "f-rounds": "" if rounds is None else str(rounds),
            "f-concurrency": str(concurrency.get("debates", 16)),
            "f-blind": bool(data.get("blind", True)),
            "f-database": str(data.get("database", "debate.db")),
        }

    def _form(self) -> ComposeResult:
        from debate.api import shipped_sets

        data, shown = self.data, self.shown()
        suggestions = model_suggestions()
        yield from self._field("Name", Input(shown["f-name"], id="f-name", compact=True))
        yield Label("[b]Contestants[/] — name and litellm model (local/… runs here with no key; fake/… is the test provider)", classes="setup-section")
        yield ModelList(_entries(data.get("contestants")), kind="contestant", new_model="local/qwen2.5-0.5b-instruct", suggestions=suggestions, id="f-contestants")
        yield Label("[b]Judges[/] — grade every debate on the rubric", classes="setup-section")
        yield ModelList(_entries(data.get("judges")), kind="judge", new_model="local/qwen2.5-0.5b-instruct", suggestions=suggestions, id="f-judges")
        yield Label("[b]Motion sets[/] — shipped sets (space toggles); files below, comma-separated", classes="setup-section")
        yield SelectionList[str](*[(name, name, name in shown["f-motions"]) for name in shipped_sets()], id="f-motions", compact=True)
        yield from self._field("Motion files", Input(shown["f-motion-files"], placeholder="my-motions.yaml", id="f-motion-files", compact=True))
        yield from self._field("Format", Select(self._format_options(), allow_blank=False, value=shown["f-format"], id="f-format", compact=True))
        yield from self._field("Draw method", Select([(p, p) for p in PAIRINGS], allow_blank=False, value=shown["f-pairing"], id="f-pairing", compact=True))
        yield from self._field("Rounds", Input(shown["f-rounds"], placeholder="all (round robin)", type="integer", id="f-rounds", compact=True))
        yield from self._field("Debates at once", Input(shown["f-concurrency"], type="integer", id="f-concurrency", compact=True))
        yield from self._field("Blind", Checkbox("hide model names from spectators and scorers until a debate is judged", shown["f-blind"], id="f-blind", compact=True))
        yield from self._field("Database", Input(shown["f-database"], id="f-database", compact=True))
        yield Static("Settings the form does not show (personas, temperatures, panel, break, arena budget, rubric, ...) "
                     "are kept as they are: edit them in the YAML tab.", id="setup-hint")

    @staticmethod
    def _field(label: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="setup-field"):
            yield Label(label, classes="setup-label")
            yield widget

    def _format_options(self) -> list[tuple[str, str]]:
        from debate.core.formats import BUILTIN_FORMATS

        options = [(name, name) for name in sorted(BUILTIN_FORMATS)]
        return options if self._format_value() != CUSTOM_FORMAT else [*options, (CUSTOM_FORMAT, CUSTOM_FORMAT)]

    def _format_value(self) -> str:
        from debate.core.formats import BUILTIN_FORMATS

        value = self.data.get("format", "quick")
        return value if isinstance(value, str) and value in BUILTIN_FORMATS else CUSTOM_FORMAT

    def on_mount(self) -> None:
        self.query_one("#f-name", Input).focus()
        self.check()

    # --- form -> mapping -> YAML ------------------------------------------------------------

    def read_form(self) -> dict[str, Any]:
        """The mapping with the form's values written over it (other settings kept).

        A setting the mapping leaves out stays out while the form shows its default, so
        opening a file and changing nothing changes nothing.
        """
        data = copy.deepcopy(self.data)
        put = self._putter(data)
        put("name", self.query_one("#f-name", Input).value.strip(), None)
        data["contestants"] = self.query_one("#f-contestants", ModelList).entries()
        data["judges"] = self.query_one("#f-judges", ModelList).entries()
        files_text = self.query_one("#f-motion-files", Input).value
        if isinstance(self.data.get("motions", []), list):  # otherwise kept as written, for the YAML tab to fix
            chosen = [*self.query_one("#f-motions", SelectionList).selected, *[f.strip() for f in files_text.split(",") if f.strip()]]
            put("motions", chosen, ["core-en"])
        format_value = self.query_one("#f-format", Select).value
        if format_value != CUSTOM_FORMAT:
            put("format", format_value, "quick")
        put("pairing", self.query_one("#f-pairing", Select).value, "round-robin")
        self._arena_section(data)
        put("rounds", _integer(self.query_one("#f-rounds", Input).value), None)
        self._concurrency(data, _integer(self.query_one("#f-concurrency", Input).value))
        put("blind", self.query_one("#f-blind", Checkbox).value, True)
        put("database", self.query_one("#f-database", Input).value.strip(), "debate.db")
        return data

    def _putter(self, data: dict[str, Any]) -> Any:
        def put(key: str, value: Any, default: Any) -> None:
            if value in (None, "", []):
                data.pop(key, None)
            elif key in self.data or value != default:
                data[key] = value
            else:
                data.pop(key, None)

        return put

    @staticmethod
    def _concurrency(data: dict[str, Any], debates: int | None) -> None:
        section = dict(data["concurrency"]) if isinstance(data.get("concurrency"), dict) else {}
        had = "debates" in section
        section.pop("debates", None)
        if debates is not None and (had or debates != 16):
            section["debates"] = debates
        if section:
            data["concurrency"] = section
        else:
            data.pop("concurrency", None)

    def _arena_section(self, data: dict[str, Any]) -> None:
        # An arena needs a budget section and nothing else may have one: the form adds a
        # starting budget when arena is chosen and keeps it aside while another method is.
        pairing = data.get("pairing", "round-robin")
        if pairing == "arena" and "arena" not in data:
            data["arena"] = self._arena_stash or {"max_debates": 10 * max(2, len(data["contestants"]))}
        elif pairing != "arena" and "arena" in data:
            self._arena_stash = data.pop("arena")

    @on(Input.Changed, "#setup-form Input")
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    @on(ModelList.Changed)
    def form_changed(self) -> None:
        if self._filling:
            return
        data = self.read_form()
        if data == self.data:
            return  # e.g. the form filled from the YAML: keep the text (and its comments) as written
        self.data = data
        self.text = render_yaml(data)
        self.query_one(TextArea).text = self.text
        self.check()

    @on(TextArea.Changed)
    async def yaml_changed(self) -> None:
        text = self.query_one(TextArea).text
        if text == self.text:
            return  # our own rendering of the form arriving back
        self.text = text
        try:
            parsed = load_text(text, self.source).data
        except ConfigError:
            parsed = None  # check() below names the problem
        if isinstance(parsed, dict):
            self.data = parsed
            self._form_stale = True
            if self.query_one(TabbedContent).active == "tab-form":
                await self.fill_form()  # edited while the form shows (the tabs can settle late)
                return  # fill_form checked it
        self.check()

    def action_switch_view(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-yaml" if tabs.active == "tab-form" else "tab-form"
        target = self.query_one("#setup-text", TextArea) if tabs.active == "tab-yaml" else self.query_one("#setup-form")
        self.call_after_refresh(target.focus)

    @on(TabbedContent.TabActivated)
    async def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        # Only after a YAML edit: refilling on the first activation would race the first keys typed.
        if event.pane.id == "tab-form" and self._form_stale:
            await self.fill_form()

    async def fill_form(self) -> None:
        """Show the mapping (as edited in the YAML tab) in the form's fields."""
        self._filling = True
        self._form_stale = False
        try:
            await self.query_one("#f-contestants", ModelList).set_entries(_entries(self.data.get("contestants")))
            await self.query_one("#f-judges", ModelList).set_entries(_entries(self.data.get("judges")))
            self.query_one("#f-format", Select).set_options(self._format_options())
            for widget_id, value in self.shown().items():
                widget = self.query_one(f"#{widget_id}")
                if isinstance(widget, SelectionList):
                    widget.deselect_all()
                    for name in value:
                        widget.select(name)
                else:
                    widget.value = value  # type: ignore[attr-defined]
        finally:
            # Widgets post their Changed messages later; let them arrive before listening again.
            self.call_after_refresh(self._done_filling)
        self.check()

    def _done_filling(self) -> None:
        self._filling = False

    # --- checking -----------------------------------------------------------------------------

    @property
    def source(self) -> str:
        return self.query_one("#setup-path", Input).value.strip() or "<config>"

    @on(Input.Changed, "#setup-path")
    def check(self) -> list[Problem]:
        """Validate the YAML text as `debate run` would; list the problems and mark their fields."""
        source = self.source
        self.problems = problems_of(self.text, source, Path(source).parent)
        out = self.query_one("#setup-problems", Static)
        if self.problems:
            out.update("\n".join(f"[red]{escape(str(p))}[/]" for p in self.problems))
        else:
            out.update("[green]valid[/] — ctrl+s saves it, ctrl+r saves it and runs the tournament here")
        self._mark_fields(source)
        return self.problems

    def _mark_fields(self, source: str) -> None:
        for widget in self.query(".bad"):
            widget.remove_class("bad")
        for problem in self.problems:
            for widget in self._widgets_for(problem, source):
                widget.add_class("bad")

    def _widgets_for(self, problem: Problem, source: str) -> list[Widget]:
        # A problem in another file (a motion set, a rubric) names a field of that file, not ours.
        path = problem.field if problem.file == source and problem.field else ()
        simple = {"name": "#f-name", "format": "#f-format", "pairing": "#f-pairing", "rounds": "#f-rounds",
                  "concurrency": "#f-concurrency", "blind": "#f-blind", "database": "#f-database", "motions": "#f-motions"}
        if not path:
            return [self.query_one("#f-motions")] if "motion" in str(problem) else []
        head = path[0]
        if head in ("contestants", "judges"):
            rows = self.query_one(f"#f-{head}", ModelList).rows()
            if len(path) > 1 and isinstance(path[1], int) and path[1] < len(rows):
                inputs = rows[path[1]].inputs()
                return [inputs[path[2]]] if len(path) > 2 and path[2] in inputs else list(inputs.values())
            return [self.query_one(f"#f-{head}")]
        if isinstance(head, str) and head in simple:
            return [self.query_one(simple[head])]
        return []

    # --- saving and running ------------------------------------------------------------------

    def action_save(self) -> Path | None:
        if getattr(self.app, "read_only", False):  # a served spectator's keys must not write on the server
            self.notify("a spectator cannot save configs", severity="warning")
            return None
        if self.check():
            self.notify("fix the problems listed below first", severity="error")
            return None
        typed = self.query_one("#setup-path", Input).value.strip()
        if not typed or Path(typed).suffix.lower() not in (".yaml", ".yml"):
            self.notify("save to a file ending in .yaml or .yml (the form writes YAML)", severity="error")
            return None
        path = Path(typed).expanduser()
        if path.exists() and path != self.opened and self._confirm_overwrite != path:
            self._confirm_overwrite = path
            self.notify(f"{path} exists: press ctrl+s again to overwrite it", severity="warning")
            return None
        try:
            path.write_text(self.text, encoding="utf-8")
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror or exc}", severity="error")
            return None
        self.opened = path
        self.notify(f"saved {path}; run it later with: debate run {path}")
        return path

    def action_run(self) -> None:
        if getattr(self.app, "read_only", False):
            self.notify("a spectator cannot start a tournament", severity="warning")
            return
        if getattr(self.app, "engine_running", False):
            self.notify("a tournament is already running in this app; wait for it or quit first", severity="error")
            return
        path = self.action_save()
        if path is not None:
            self.app.pop_screen()  # the board replaces the form: escape from it goes home
            self.app.start_config(path, database=self.data.get("database"))  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.pop_screen()


def _entries(value: Any) -> list[dict[str, Any]]:
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def _integer(text: str) -> int | None:
    text = text.strip()
    # Longer than any setting allows, and past Python's int() digit limit: let the range check speak.
    if len(text) > 18:
        text = text[:18]
    return int(text) if re.fullmatch(r"-?\d+", text) else None
