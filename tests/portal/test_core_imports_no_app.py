"""The core (`portal`) does not reach up into the apps: it imports none and names none of their URLs.
Apps add to the core's pages through `portal.contributions`."""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PORTAL = BASE_DIR / "portal"


def app_names() -> set[str]:
    """The project's own apps other than the core: installed apps whose package lives in this repository."""
    return {
        config.name
        for config in apps.get_app_configs()
        if config.name != "portal" and Path(config.path).parent == BASE_DIR
    }


def imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def test_the_apps_are_found():
    assert {"suppliers", "calloffs", "grants"} <= app_names()


def test_no_module_of_the_core_imports_an_app():
    names = app_names()
    offenders = [
        f"{path.relative_to(BASE_DIR)} imports {module}"
        for path in sorted(PORTAL.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in names
    ]
    assert not offenders, offenders


def test_no_template_or_module_of_the_core_names_an_app_url():
    alternatives = "|".join(sorted(app_names()))
    pattern = re.compile(rf"""["']({alternatives}):""")
    templates = BASE_DIR / "templates"
    core_templates = [*templates.glob("*.html"), *(templates / "portal").rglob("*.html")]
    files = [*PORTAL.rglob("*.py"), *core_templates, *(templates / "components").rglob("*.html")]
    offenders = [
        str(path.relative_to(BASE_DIR)) for path in sorted(files) if pattern.search(path.read_text())
    ]
    assert not offenders, offenders


def test_the_check_would_see_an_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nfrom suppliers import services\nfrom . import sibling\nimport grants.models as g\n"
    )

    assert imported_modules(module) == ["os", "suppliers", "grants.models"]
