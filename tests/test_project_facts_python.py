"""The Python front-end's facts for the project index (DESIGN section 7): every
function with its dotted import path (section 12), call edges resolved to
project functions, returns, and class declarations with their bases, also in
code that mentions nothing the catalogs track."""

from __future__ import annotations

import re

from dataclasses import replace
from pathlib import Path

import pytest

from consentlint import engine
from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends import python

PERMS = '''\
import os


def has_perm(name):
    return os.environ.get(name) == "1"


def has_location():
    return verify("ACCESS_FINE_LOCATION") and has_perm("GPS")


def verify(permission):
    return has_perm(permission)


def quiet():
    x = 1
'''

TRACKER = '''\
from app.perms import has_perm
import app.perms as p
from ..perms import has_location
from .. import perms
from app.base import Sensor
import app.base


class Tracker(Sensor):
    def start(self):
        if self.check_permission("ACCESS_FINE_LOCATION"):
            self.run()
        return self.check_permission("X") and has_location()

    def check_permission(self, permission):
        return has_perm(permission)

    @classmethod
    def make(cls):
        return cls.create()

    @staticmethod
    def pure(value):
        return value

    class Inner(app.base.Mixin, Sensor, metaclass=Meta):
        def go(self):
            helper()


class Service(object):
    def __init__(self):
        self.tracker = Tracker()

    def begin(self, who):
        self.tracker.start()
        p.has_perm(who)
        perms.verify("BAR")
        app.perms.has_perm("BAZ")
        local_tracker = Tracker()
        register(callback=self.begin)

    def shadowed(self, has_perm):
        has_perm()
        super().begin()


def helper():
    def inner(x):
        return inner(x)

    class Local(Service):
        def m(self):
            self.begin()

    return inner(1)


if __name__ == "__main__":
    helper()
'''


@pytest.fixture(scope="module")
def language():
    return engine.Engine(engine.Settings(None)).language("python")


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "app" / "sub").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "sub" / "__init__.py").write_text("")
    (tmp_path / "app" / "perms.py").write_text(PERMS)
    (tmp_path / "app" / "sub" / "tracker.py").write_text(TRACKER)
    return tmp_path


def _extract(path: Path, language, everything=False) -> F.FileFacts:
    catalog, _, interest = language
    if everything:
        interest = replace(interest, leaves=frozenset(), everything=True)
    data = path.read_bytes()
    module, package = engine.module_name_of(path)
    return python.extract(data, ts.parse("python", data), path.as_posix(), module, package, catalog, interest)


def _functions(facts: F.FileFacts) -> dict[str, F.Function]:
    """Every function by qualname, nested ones (``F.Def``) and lambdas included."""
    return {f.qualname: f for f in F.functions_in(facts.functions, lambdas=True)}


def _calls(body: F.Block) -> list[F.Call]:
    """The calls in a function body, in evaluation order, not descending into
    nested functions."""
    return [n for n in F.walk(body) if type(n) is F.Call]


def _edges(facts):
    return {name: [(c.text, c.callee) for c in _calls(fn.body)] for name, fn in _functions(facts).items()}


def test_every_function_has_its_import_path(project, language):
    facts = _extract(project / "app" / "sub" / "tracker.py", language)
    assert facts.module == "app.sub.tracker"
    assert [f.qualname for f in facts.functions] == [
        "app.sub.tracker.<module>",
        "app.sub.tracker.Tracker.start",
        "app.sub.tracker.Tracker.check_permission",
        "app.sub.tracker.Tracker.make",
        "app.sub.tracker.Tracker.pure",
        "app.sub.tracker.Tracker.Inner.go",
        "app.sub.tracker.Service.__init__",
        "app.sub.tracker.Service.begin",
        "app.sub.tracker.Service.shadowed",
        "app.sub.tracker.helper",
    ]
    nested = set(_functions(facts)) - {f.qualname for f in facts.functions}
    assert nested == {"app.sub.tracker.helper.<locals>.inner", "app.sub.tracker.helper.<locals>.Local.m"}
    assert _functions(facts)["app.sub.tracker.Tracker.check_permission"].params == ("self", "permission")


def test_call_edges_resolve_to_project_functions(project, language):
    edges = _edges(_extract(project / "app" / "sub" / "tracker.py", language))
    assert edges["app.sub.tracker.<module>"] == [("helper", "app.sub.tracker.helper")]
    assert edges["app.sub.tracker.Tracker.start"] == [
        ("self.check_permission", "app.sub.tracker.Tracker.check_permission"),
        ("self.run", "app.sub.tracker.Tracker.run"),
        ("self.check_permission", "app.sub.tracker.Tracker.check_permission"),
        ("has_location", "app.perms.has_location"),  # from ..perms import (relative)
    ]
    assert edges["app.sub.tracker.Tracker.check_permission"] == [("has_perm", "app.perms.has_perm")]
    assert edges["app.sub.tracker.Tracker.make"] == [("cls.create", "app.sub.tracker.Tracker.create")]
    assert edges["app.sub.tracker.Tracker.Inner.go"] == [("helper", "app.sub.tracker.helper")]
    assert edges["app.sub.tracker.Service.__init__"] == [("Tracker", "app.sub.tracker.Tracker")]
    assert edges["app.sub.tracker.Service.begin"] == [
        ("self.tracker.start", "app.sub.tracker.Tracker.start"),  # self.tracker = Tracker()
        ("p.has_perm", "app.perms.has_perm"),  # import app.perms as p
        ("perms.verify", "app.perms.verify"),  # from .. import perms
        ("app.perms.has_perm", "app.perms.has_perm"),
        ("Tracker", "app.sub.tracker.Tracker"),
        ("register", None),
    ]
    # a parameter shadows the import; super() is left to the index
    assert edges["app.sub.tracker.Service.shadowed"] == [("has_perm", None), ("super", None), ("super().begin", None)]
    assert edges["app.sub.tracker.helper"] == [("inner", "app.sub.tracker.helper.<locals>.inner")]
    assert edges["app.sub.tracker.helper.<locals>.inner"] == [("inner", "app.sub.tracker.helper.<locals>.inner")]
    assert edges["app.sub.tracker.helper.<locals>.Local.m"] == [
        ("self.begin", "app.sub.tracker.helper.<locals>.Local.begin")]


def test_arguments_are_kept(project, language):
    functions = _functions(_extract(project / "app" / "sub" / "tracker.py", language))
    start = _calls(functions["app.sub.tracker.Tracker.start"].body)
    assert start[0].args == (F.Lit("ACCESS_FINE_LOCATION"),)
    begin = _calls(functions["app.sub.tracker.Service.begin"].body)
    assert begin[1].args == (F.Name("who", None, True),)
    assert begin[2].args == (F.Lit("BAR"),)
    # a method passed by reference names the method
    assert begin[5].keywords == (("callback", F.Name("self.begin", "app.sub.tracker.Service.begin")),)
    check = _calls(functions["app.sub.tracker.Tracker.check_permission"].body)
    assert check[0].args == (F.Name("permission", None, True),)


def test_returns_of_helpers_without_catalog_words(project, language):
    source = (project / "app" / "perms.py").read_bytes()
    leaves = language[2].leaves
    # nothing here is catalogued
    assert leaves and not any(re.search(rb"\b%s\b" % re.escape(w.encode()), source) for w in leaves)
    functions = _functions(_extract(project / "app" / "perms.py", language))
    assert sorted(functions) == ["app.perms.has_location", "app.perms.has_perm", "app.perms.quiet",
                                 "app.perms.verify"]
    body = functions["app.perms.has_location"].body.stmts
    assert len(body) == 1 and isinstance(body[0], F.Exit) and body[0].kind == "return"
    value = body[0].value
    assert isinstance(value, F.BoolOp) and value.op == "and"
    first, second = value.values
    assert (first.callee, first.args) == ("app.perms.verify", (F.Lit("ACCESS_FINE_LOCATION"),))
    assert (second.callee, second.args) == ("app.perms.has_perm", (F.Lit("GPS"),))
    ret = functions["app.perms.has_perm"].body.stmts[-1]
    assert isinstance(ret, F.Exit) and isinstance(ret.value, F.Compare) and ret.value.op == "eq"
    assert ret.value.left.callee == "os.environ.get" and ret.value.right == F.Lit("1")
    assert functions["app.perms.verify"].body.stmts == (
        F.Exit("return", _calls(functions["app.perms.verify"].body)[0]),)
    assert functions["app.perms.quiet"].params == ()


def test_classes_with_resolved_supers(project, language):
    facts = _extract(project / "app" / "sub" / "tracker.py", language)
    assert [(c.qualname, c.supers) for c in facts.classes] == [
        ("app.sub.tracker.Tracker", ("app.base.Sensor",)),
        ("app.sub.tracker.Tracker.Inner", ("app.base.Mixin", "app.base.Sensor")),
        ("app.sub.tracker.Service", ("object",)),
        ("app.sub.tracker.helper.<locals>.Local", ("app.sub.tracker.Service",)),
    ]
    assert facts.classes[0].span.line == 9
    assert _extract(project / "app" / "perms.py", language).classes == ()


def test_text_shortcuts_keep_every_function_and_edge(project, language):
    """The front-end's statement shortcuts against lowering everything: the
    same functions, call edges and arguments."""
    for path in (project / "app" / "perms.py", project / "app" / "sub" / "tracker.py"):
        fast = _extract(path, language)
        full = _extract(path, language, everything=True)
        assert _edges(fast) == _edges(full)
        assert [(c.callee, c.args, c.keywords) for fn in _functions(fast).values() for c in _calls(fn.body)] == \
            [(c.callee, c.args, c.keywords) for fn in _functions(full).values() for c in _calls(fn.body)]
        assert fast.classes == full.classes


def test_module_without_package(tmp_path, language):
    path = tmp_path / "script.py"
    path.write_text("def a():\n    b()\n\ndef b():\n    return a() == 1\n")
    facts = _extract(path, language)
    assert facts.module == "script"
    assert _edges(facts) == {"script.a": [("b", "script.b")], "script.b": [("a", "script.a")]}


def test_a_package_reexporting_a_submodule_that_is_not_scanned(tmp_path, language):
    """Regression: `from .handler import handler` in `pkg/__init__.py`, with
    `pkg/handler.py` not among the files (a one-file check, flake8 outside a
    project, an excluded file): following `pkg.handler.handler` read it as
    `pkg`'s attribute `handler` plus `.handler`, a name that grew without end
    (the project stage hung on saleor's `asgi/__init__.py`)."""
    from consentlint.index import ProjectIndex

    (tmp_path / "pkg").mkdir()
    init = tmp_path / "pkg" / "__init__.py"
    init.write_text("from .handler import handler\n\napp = handler(None)\napp = handler(app)\n")
    facts = _extract(init, language)
    calls = [c.callee for fn in _functions(facts).values() for c in _calls(fn.body)]
    assert "pkg.handler.handler" in calls
    index = ProjectIndex([facts])
    assert index.follow("pkg.handler.handler") == "pkg.handler.handler"
    assert index.targets("pkg.handler.handler") == ()
