"""X-layout: every import sits at the top of its module, where the layers contract (import-linter,
`make lint`) sees it. An import inside a function hides a two-way tie between apps; the one place
Django needs one is AppConfig.ready(), which runs once the models exist. And every view loads a
record through its gate, where who may read it and the read log are decided."""

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


# One gate per object type: a view loads a record through its app's access.py, never straight from
# the database or from django-guardian, so no view forgets who may read what or the read log.
LOADERS = ("get_object_or_404", "get_list_or_404")
# What a view may still load itself: nobody's record, or one already scoped to the signed-in user.
UNGATED = {
    "PolicyVersion": "the club's published policy",
    "TOTPDevice": "the signed-in user's own authenticator, looked up with user=request.user",
}


def _root_name(node):
    """`Role` for `Role.objects.pending().filter(...)`, `incident` for `incident.evidence`."""
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def ungated_loads(source):
    """(line, what) of each load a views module makes without a gate, and each guardian import."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "guardian":
            found.append((node.lineno, f"from {node.module} import"))
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name in LOADERS and _root_name(node.args[0]) not in UNGATED:
            found.append((node.lineno, f"{name}({ast.unparse(node.args[0])})"))
    return sorted(found)


def views_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.name == "views.py" or path.name.endswith("_views.py"):
                yield path


def test_x_layout_a_view_loading_a_record_itself_is_found_and_a_gated_or_public_load_is_not():
    source = (
        "from guardian.shortcuts import get_perms\n"
        "from django.shortcuts import get_object_or_404\n"
        "def a(request, pk):\n    return get_object_or_404(Role.objects.pending(), pk=pk)\n"
        "def b(request, incident, pk):\n    return shortcuts.get_object_or_404(incident.evidence, pk=pk)\n"
        "def c(request, version):\n    return get_object_or_404(PolicyVersion, version=version)\n"
        "def d(request, pk):\n    return access.family_get_for_user(request.user, pk)\n"
    )
    assert ungated_loads(source) == [
        (1, "from guardian.shortcuts import"),
        (4, "get_object_or_404(Role.objects.pending())"),
        (6, "get_object_or_404(incident.evidence)"),
    ]


def test_x_layout_every_view_loads_records_through_its_gate():
    assert list(views_modules()), "the views modules moved: this test no longer looks at them"
    ungated = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in views_modules()
        for line, what in ungated_loads(path.read_text())
    ]
    assert not ungated, f"load these through the app's access.py (`*_get_for_user`): {ungated}"
