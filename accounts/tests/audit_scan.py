"""A static scan for bulk writes to audited models, which django-auditlog never sees.

`QuerySet.update()`, `bulk_create()` and `bulk_update()` send no `post_save`, so no field history
is written; `QuerySet.delete()` does send `post_delete` per row for models with receivers (the
test module proves that), but is listed too so every bulk write to the record is a reviewed one.

The scan reads the source with `ast`. A call `.update(` / `.delete(` / `.bulk_create(` /
`.bulk_update(` / `._raw_delete(` is reported when its receiver resolves to an audited model:
`Model.objects…`, `Model._default_manager…`, a reverse accessor of an audited model
(`capa.checks…`), or a name assigned from one of those in the same module.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

BULK_WRITES = {"update", "delete", "bulk_create", "bulk_update", "_raw_delete"}
MANAGERS = {"objects", "_default_manager"}
# Methods that return one instance (whose own save()/delete() is audited), not a queryset.
INSTANCE_METHODS = {
    "get",
    "first",
    "last",
    "earliest",
    "latest",
    "create",
    "get_or_create",
    "update_or_create",
}


@dataclass(frozen=True)
class BulkWrite:
    path: str  # relative to the project root
    function: str  # the enclosing function ("<module>" at top level)
    model: str
    method: str  # with the fields an update sets: "update(last_used_at)"
    line: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.path, self.function, self.model, self.method)


def audited_model_names(models) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Class names of the audited models, and reverse accessor names -> audited model names."""
    names = {model.__name__: model.__name__ for model in models}
    accessors: dict[str, set[str]] = {}
    for model in models:
        # A foreign key on an audited model gives its target a manager of that model (`capa.checks`).
        for relation in model._meta.get_fields():
            if relation.concrete and relation.is_relation:
                accessor = relation.remote_field.get_accessor_name()
                if accessor and not accessor.endswith("+"):
                    accessors.setdefault(accessor, set()).add(model.__name__)
    return names, accessors


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, names: dict[str, str], accessors: dict[str, set[str]]):
        self.path, self.names, self.accessors = path, names, accessors
        self.variables: dict[str, str] = {}
        self.stack: list[str] = []
        self.found: list[BulkWrite] = []

    def model_of(self, node) -> str | None:
        """The audited model a receiver expression is a manager or queryset of, if any."""
        if isinstance(node, ast.Name):
            return self.variables.get(node.id)
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS and isinstance(node.value, ast.Name):
                return self.names.get(node.value.id)
            if node.attr in self.accessors:
                return "/".join(sorted(self.accessors[node.attr]))
            return None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in INSTANCE_METHODS:
                return None
            return self.model_of(node.func.value)
        return None

    def _function(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _function

    def visit_Assign(self, node):
        model = self.model_of(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and model:
                self.variables[target.id] = model
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr in BULK_WRITES:
            model = self.model_of(node.func.value)
            if model:
                where = ".".join(self.stack) or "<module>"
                self.found.append(BulkWrite(self.path, where, model, _method(node), node.lineno))
        self.generic_visit(node)


def _method(call: ast.Call) -> str:
    """The method name; for update() also the fields it sets, so an exception covers only those."""
    if call.func.attr != "update":
        return f"{call.func.attr}()"
    return f"update({', '.join(sorted(k.arg or '**' for k in call.keywords))})"


def scan_source(source: str, path: str, models) -> list[BulkWrite]:
    names, accessors = audited_model_names(models)
    scanner = _Scanner(path, names, accessors)
    tree = ast.parse(source)
    # Assignments first (module-wide), so a queryset named before its use is still resolved.
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            scanner.visit_Assign(node)
    scanner.visit(tree)
    return scanner.found


def scan_tree(root: Path, models, skip_dirs: set[str]) -> list[BulkWrite]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if (
            skip_dirs & set(relative.parts)
            or relative.name.startswith("test_")
            or relative.name == "conftest.py"
        ):
            continue
        found += scan_source(path.read_text(), str(relative), models)
    return found
