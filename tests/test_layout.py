"""X-layout: every import sits at the top of its module, where the layers contract (import-linter,
`make lint`) sees it. An import inside a function hides a two-way tie between apps; the one place
Django needs one is AppConfig.ready(), which runs once the models exist."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("sefton_safety", "people", "consents", "messaging", "incidents", "accounts_registry", "compliance")
APPS += ("spreadsheets", "portal", "demo")


def imports_inside_functions(source):
    """(line, function) of each import made inside a function other than AppConfig.ready()."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function not in (None, "ready"):
                found.append((child.lineno, function))
            else:
                visit(child, function)

    visit(ast.parse(source), None)
    return found


def test_x_layout_an_import_inside_a_function_is_found_and_one_in_ready_is_not():
    source = (
        "import os\n\ndef f():\n    from people import models\n\nclass C:\n    def ready(self):\n        import x\n"
    )
    assert imports_inside_functions(source) == [(4, "f")]


def test_x_layout_no_app_imports_inside_a_function():
    hidden = [
        f"{path.relative_to(ROOT)}:{line} in {function}()"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, function in imports_inside_functions(path.read_text())
    ]
    assert not hidden, f"move these imports to the top of their module: {hidden}"
