"""X-2 across the codebase: no QuerySet.update() on a model that keeps history, since an update
writes no history row. An update() on a model without history carries a comment saying so."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", "migrations", ".venv", "node_modules", "static", "bench"}
HISTORICAL_ROWS = "the history's own rows"


def _source_files():
    for path in ROOT.rglob("*.py"):
        if not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def _model_name(node, assigned):
    """The model a queryset expression starts from: `Model.objects...` or a name bound to one."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute) and node.attr == "history":
            return HISTORICAL_ROWS
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name):
            return node.value.id
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name) and node.id in assigned:
        return _model_name(assigned[node.id], {})
    return None


def queryset_updates():
    """(file, line, model name, justified) for every QuerySet.update() outside the tests."""
    models = {model.__name__ for model in apps.get_models()} | {HISTORICAL_ROWS}
    found = []
    for path in _source_files():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        assigned = {
            target.id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                model = _model_name(node.func.value, assigned)
                if model in models:
                    above = " ".join(lines[max(0, node.lineno - 3) : node.lineno - 1]).lower()
                    found.append((str(path.relative_to(ROOT)), node.lineno, model, "history" in above))
    return found


def test_x2_no_queryset_update_bypasses_history_and_each_remaining_one_says_why():
    by_name = {model.__name__: model for model in apps.get_models()}
    updates = queryset_updates()
    assert updates, "the search found no update() at all: it is looking in the wrong place"
    bypassing = [(path, line, model) for path, line, model, _ in updates if hasattr(by_name.get(model), "history")]
    unexplained = [(path, line, model) for path, line, model, justified in updates if not justified]
    assert bypassing == [] and unexplained == []
