"""Evaluation is written once, in `portal.evaluation` (issue 17 point 1): grants binds the shared steps
and forms with its own adapter and imports none of the call-off's evaluation modules."""

from pathlib import Path

from django.conf import settings

from tests.portal.test_core_imports_no_app import imported_modules

BASE_DIR = Path(settings.BASE_DIR)
CALLOFF_EVALUATION = {
    "calloffs.services.evaluation",
    "calloffs.services.evaluation_adapter",
    "calloffs.forms.evaluation",
    "calloffs.sealed",
}


def test_grants_imports_none_of_the_call_offs_evaluation():
    offenders = [
        f"{path.relative_to(BASE_DIR)} imports {module}"
        for path in sorted((BASE_DIR / "grants").rglob("*.py"))
        for module in imported_modules(path)
        if module in CALLOFF_EVALUATION
    ]
    assert not offenders, offenders


def test_the_evaluation_package_holds_no_code_in_its_init():
    assert (BASE_DIR / "portal" / "evaluation" / "__init__.py").read_text().strip() == ""
