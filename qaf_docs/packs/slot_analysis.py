"""Which of an audit's own values a Word template only prints or tests: its Jinja, read not run.

A slot plan (``slot_render``) renders a template once with stand-ins for a case's text and later
joins in each case's own text where the stand-ins came out. That is exact only for values the
template uses in the ways that pass a value through unchanged or look only at its shape:

- printed as it is: ``{{ case_id }}``, ``{{ previous.audit_ref }}`` (or the one branch of
  ``{{ a if test else b }}`` / ``{{ a or b }}`` that is printed);
- tested for truth: ``{% if child_name %}``, ``{% if not previous %}``, with ``and`` / ``or``;
- looped over: ``{% for c in case_facts %}``, the loop variable then standing for the items.

Every other use (compared, filtered, joined to other text, assigned, passed to a macro, used in a
``set`` or ``with`` block, a macro, a call or filter block, a loop with several targets, ...) makes
that value *structural*: its whole value then belongs to the plan's key, so a plan is only reused
for an equal value. Includes, imports, anything impure (``random``, ``lipsum``, a method that may
change data) or any construct not known here make every value structural, so no plan is used.
Being wrong in the safe direction only costs speed; the tests in ``tests/test_slot_render.py``
hold the other direction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.tests import TESTS

Step = tuple[str, object]  # ("attr", name), ("item", key) or ("each", None): one step into a value
Path = tuple[Step, ...]
EACH: Step = ("each", None)

# How an expression's value is used where it stands.
_PRINTED, _TESTED, _OTHER = "printed", "tested", "other"
# Attributes of ``loop`` that tell only the position in a list (its shape), never an item.
_LOOP_SAFE = {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth"}
_LOOP_SAFE |= {"depth0", "cycle", "changed"}
# Methods a template may call that return a value and change nothing.
_PURE_METHODS = {"items", "keys", "values", "get", "upper", "lower", "title", "capitalize"}
_PURE_METHODS |= {"strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith"}
_PURE_METHODS |= {"replace", "format", "join", "count", "index", "find", "rfind", "isdigit"}
_PURE_METHODS |= {"isalpha", "zfill", "center", "ljust", "rjust", "splitlines", "casefold"}
_PURE_METHODS |= {"swapcase", "partition", "rpartition", "cycle", "next", "reset", "current"}
_IMPURE = {"random", "lipsum"}  # a new value each time: a plan would freeze one
_OPAQUE_STATEMENTS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
# Statements whose body may capture, filter or re-bind what it prints.
_ENCLOSING = (
    nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.With,
    nodes.Block, nodes.ScopedEvalContextModifier, nodes.EvalContextModifier,
)  # fmt: skip
_KNOWN_EXPRESSIONS = (
    nodes.Name, nodes.Const, nodes.TemplateData, nodes.Tuple, nodes.List, nodes.Dict, nodes.Pair,
    nodes.Keyword, nodes.CondExpr, nodes.BinExpr, nodes.UnaryExpr, nodes.Filter, nodes.Test,
    nodes.Call, nodes.Getitem, nodes.Getattr, nodes.Slice, nodes.Concat, nodes.Compare,
    nodes.Operand, nodes.NSRef, nodes.MarkSafe, nodes.MarkSafeIfAutoescape,
)  # fmt: skip
_KNOWN = (nodes.Output, nodes.If, nodes.For, *_ENCLOSING, *_KNOWN_EXPRESSIONS)


@dataclass(frozen=True)
class Usage:
    """How templates use each name they read from their context (a case's value or not)."""

    opaque: bool  # a construct not known here: every value is structural
    structural: frozenset[str]
    # For every other name read: each path followed into its value, and whether the value at the
    # end of it is printed (else only tested or looped over). A name in neither is never read.
    paths: Mapping[str, frozenset[tuple[Path, bool]]] = field(default_factory=dict)

    def of(self, case_keys: Collection[str]) -> Usage:
        """The same, for a case's keys only (``structural`` then names each key that is)."""
        if self.opaque:
            return Usage(True, frozenset(case_keys))
        paths = {k: p for k, p in self.paths.items() if k in case_keys}
        return Usage(False, self.structural.intersection(case_keys), paths)


def parse_all(sources: Iterable[str], env: jinja2.Environment) -> list[nodes.Template]:
    """Parse each part's Jinja source (raises ``jinja2.TemplateSyntaxError``)."""
    return [env.parse(source) for source in sources]


def analyse(trees: Iterable[nodes.Template]) -> Usage:
    """Classify how the templates ``trees`` use each name they read from their context.

    Every name a template does not bind itself is treated as a case's key. That gives, for any
    actual set of keys, what analysing with exactly those keys would: a name that is not a key only
    gains paths or marks of its own, and a loop over it binds nothing that is a key's.
    Run it before compiling the trees: Jinja's optimizer rewrites them in place.
    """
    work = _Analysis()
    for tree in trees:
        work.statements(tree.body, {})
    structural = frozenset(work.structural)
    paths = {k: frozenset(p) for k, p in work.paths.items() if k not in structural}
    return Usage(work.opaque, structural, paths)


_Ref = tuple[str, Path]  # a case key and the path into its value


@dataclass(frozen=True)
class _Loop:
    roots: frozenset[str]  # the case keys the innermost loop runs over (none: shared data)


_Scope = Mapping[str, "_Ref | _Loop | None"]  # names bound by enclosing loops (None: not a case's)


class _Analysis:
    def __init__(self) -> None:
        self.structural: set[str] = set()
        self.paths: dict[str, set[tuple[Path, bool]]] = {}
        self.opaque = False

    def statements(self, body: Iterable[nodes.Node], scope: _Scope) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: _Scope) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expression(child, scope, _PRINTED)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope, _TESTED)
            self.statements(node.body, scope)
            self.statements(node.elif_, scope)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.For):
            self.loop(node, scope)
        elif isinstance(node, _ENCLOSING):
            self.enclosed(node, scope)
        else:
            self.opaque = True  # an include, an import, or a statement not known here

    def loop(self, node: nodes.For, scope: _Scope) -> None:
        ref = self.reference(node.iter, scope)
        inner: dict[str, _Ref | _Loop | None] = dict(scope)
        if ref is not None and isinstance(node.target, nodes.Name) and not node.recursive:
            path = (*ref[1], EACH)
            self.record(ref[0], path, printed=False)
            inner[node.target.name] = (ref[0], path)
            inner["loop"] = _Loop(frozenset({ref[0]}))
        else:
            self.expression(node.iter, scope, _OTHER)
            for name in node.target.find_all(nodes.Name):
                inner[name.name] = None
            inner["loop"] = _Loop(frozenset())
        if node.test is not None:
            self.expression(node.test, inner, _TESTED)
        self.statements(node.body, inner)
        self.statements(node.else_, scope)  # the loop's names are not bound in its else

    def enclosed(self, node: nodes.Node, scope: _Scope) -> None:
        """A block that may capture or re-bind: whatever case value it names is structural."""
        for child in node.find_all(nodes.Node):
            if isinstance(child, _OPAQUE_STATEMENTS) or not isinstance(child, _KNOWN):
                self.opaque = True
            self.check_pure(child)
            if isinstance(child, nodes.Name):
                self.name_structural(child.name, scope)

    def expression(self, node: nodes.Node, scope: _Scope, use: str) -> None:
        ref = self.reference(node, scope)
        if ref is not None:
            if use == _OTHER:
                self.structural.add(ref[0])
            else:
                self.record(ref[0], ref[1], printed=use == _PRINTED)
        elif use != _OTHER and isinstance(node, nodes.CondExpr):
            self.expression(node.test, scope, _TESTED)
            for branch in (node.expr1, node.expr2):
                if branch is not None:
                    self.expression(branch, scope, use)
        elif use != _OTHER and isinstance(node, nodes.And | nodes.Or):
            # ``a or b`` prints (or tests) a or b as it is.
            self.expression(node.left, scope, use)
            self.expression(node.right, scope, use)
        elif use != _OTHER and isinstance(node, nodes.Not):
            self.expression(node.node, scope, _TESTED)
        else:
            self.other(node, scope)

    def other(self, node: nodes.Node, scope: _Scope) -> None:
        """Any use that is not printing or testing: what it reads of a case is structural."""
        ref = self.reference(node, scope)
        if ref is not None:
            self.structural.add(ref[0])
            return
        if isinstance(node, nodes.Name):
            self.name_structural(node.name, scope)
            return
        if (
            isinstance(node, nodes.Getattr)
            and isinstance(node.node, nodes.Name)
            and node.node.name == "loop"
            and isinstance(scope.get("loop"), _Loop)
            and node.attr in _LOOP_SAFE
        ):
            return  # the position in a loop: decided by the list's length, part of the shape
        if not isinstance(node, _KNOWN_EXPRESSIONS):
            self.opaque = True
            return
        self.check_pure(node)
        for child in node.iter_child_nodes():
            self.other(child, scope)

    def reference(self, node: nodes.Node, scope: _Scope) -> _Ref | None:
        """The case value ``node`` reads as it is (a name, then constant keys), or None."""
        if isinstance(node, nodes.Name):
            if node.ctx != "load":
                return None
            if node.name in scope:
                bound = scope[node.name]
                return bound if isinstance(bound, tuple) else None
            return (node.name, ())
        step: Step
        if isinstance(node, nodes.Getattr):
            step = ("attr", node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            key = node.arg.value
            if not (isinstance(key, str) or type(key) is int):
                return None
            step = ("item", key)
        else:
            return None
        if node.ctx != "load":
            return None
        base = self.reference(node.node, scope)
        return None if base is None else (base[0], (*base[1], step))

    def name_structural(self, name: str, scope: _Scope) -> None:
        """``name`` is used in a way that may depend on a case value's content."""
        if name not in scope:
            self.structural.add(name)
            return
        bound = scope[name]  # a loop's name: an item of a case's list, or not a case's at all
        if isinstance(bound, tuple):
            self.structural.add(bound[0])
        elif isinstance(bound, _Loop):
            self.structural |= bound.roots  # loop.previtem and the like hand out items

    def check_pure(self, node: nodes.Node) -> None:
        if not _pure(node):
            self.opaque = True

    def record(self, key: str, path: Path, *, printed: bool) -> None:
        self.paths.setdefault(key, set()).add((path, printed))


def _pure(node: nodes.Node) -> bool:
    """False for a filter, test or call that may give a new value each time or change data."""
    if isinstance(node, nodes.Filter):
        return node.name not in _IMPURE and node.name in FILTERS
    if isinstance(node, nodes.Test):
        return node.name != "sameas" and node.name in TESTS  # sameas tells equal values apart
    if isinstance(node, nodes.Call):
        callee = node.node
        if isinstance(callee, nodes.Getattr):
            return callee.attr in _PURE_METHODS
        return isinstance(callee, nodes.Name) and callee.name not in _IMPURE
    return True
