"""What the JS/TS front-end emits for the project index (DESIGN section 7):
function identities ``./<module>#<name>``, call edges to project functions,
classes with their supertypes, exports and re-exports, and arguments; also for
functions that mention no catalogued name."""

from __future__ import annotations

import pytest

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.engine import Engine, Settings
from consentlint.frontends import FRONTENDS
from consentlint.frontends import javascript


@pytest.fixture(scope="module")
def engine():
    return Engine(Settings(None))


def extract(engine, tmp_path, module, source, ext=".ts"):
    path = tmp_path / (module.replace("/", "_") + ext)
    path.write_text(source, "utf-8")
    data = path.read_bytes()
    language, grammar, _ = FRONTENDS[ext]
    catalog, _, interest = engine.language(language)
    return javascript.extract(data, ts.parse(grammar, data), path.name, module, None, catalog, interest)


def functions(facts):
    """Every function by qualname (nested ``Def``s and lambdas included)."""
    return {f.qualname: f for f in F.functions_in(facts.functions, lambdas=True)}


def calls(function):
    """(callee, text, args) of the calls directly in ``function`` (not in nested functions)."""
    return [(n.callee, n.text, n.args) for n in F.walk(function.body) if type(n) is F.Call]


def callees(function):
    return {text: callee for callee, text, _ in calls(function)}


def returns(function):
    return [s.value for s in function.body.stmts if isinstance(s, F.Exit) and s.kind == "return"]


SCREEN = """\
import { hasPerm, hasPerm as hp } from './perms';
import perms from './perms';
import * as p from './perms/index';
import Other from '../lib/other.js';
const legacy = require('./legacy');
const { granted } = require('./legacy');

export function localHelper(flag) { return flag; }
const arrow = (x) => localHelper(x);

export default class Screen extends Base implements Props {
  start(kind) {
    localHelper("camera");
    arrow(kind);
    hasPerm();
    hp();
    perms();
    p.hasPerm();
    require('./perms').hasPerm();
    legacy.check();
    granted();
    Other.run();
    this.stop();
    new Screen();
  }
  stop = () => { this.start(1); };
}
"""


def test_qualnames_and_call_edges(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/screen", SCREEN)
    fns = functions(facts)
    assert {"./src/screen#<module>", "./src/screen#localHelper", "./src/screen#arrow",
            "./src/screen#Screen.start", "./src/screen#Screen.stop"} <= set(fns)
    start = callees(fns["./src/screen#Screen.start"])
    assert start == {
        "localHelper": "./src/screen#localHelper",
        "arrow": "./src/screen#arrow",
        "hasPerm": "./src/perms#hasPerm",
        "hp": "./src/perms#hasPerm",
        "perms": "./src/perms#default",
        "p.hasPerm": "./src/perms#hasPerm",
        "require('./perms').hasPerm": "./src/perms#hasPerm",
        "legacy.check": "./src/legacy#check",
        "granted": "./src/legacy#granted",
        "Other.run": "./lib/other#default.run",
        "this.stop": "./src/screen#Screen.stop",
        "Screen": "./src/screen#Screen",  # `new Screen()`: a callee naming a class runs its constructor
    }
    assert callees(fns["./src/screen#Screen.stop"]) == {"this.start": "./src/screen#Screen.start"}
    assert callees(fns["./src/screen#arrow"]) == {"localHelper": "./src/screen#localHelper"}
    assert facts.classes == (F.ClassDecl("./src/screen#Screen", ("Base", "Props"), facts.classes[0].span),)


def test_arguments_reach_parameters(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/screen", SCREEN)
    fns = functions(facts)
    args = {text: a for _, text, a in calls(fns["./src/screen#Screen.start"])}
    assert args["localHelper"] == (F.Lit("camera"),)
    assert args["arrow"] == (F.Name("kind", None, True),)
    assert fns["./src/screen#localHelper"].params == ("flag",)
    assert returns(fns["./src/screen#localHelper"]) == [F.Name("flag", None, True)]


def test_function_without_catalog_words_keeps_calls_and_return(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/util", """\
function plain(a, b) {
  if (a) { return compute(a, 2); }
  return a === b;
}
function compute(x, y) { return x; }
""", ext=".js")
    fns = functions(facts)
    assert set(fns) == {"./src/util#plain", "./src/util#compute"}
    plain = fns["./src/util#plain"]
    assert plain.params == ("a", "b")
    assert calls(plain) == [("./src/util#compute", "compute", (F.Name("a", None, True), F.Lit(2)))]
    assert returns(plain) == [F.Compare(F.Name("a", None, True), "eq", F.Name("b", None, True))]


def test_check_helper_return_is_kept(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/perms", """\
import { check, PERMISSIONS, RESULTS } from 'react-native-permissions';
export async function hasCameraPermission() {
  const s = await check(PERMISSIONS.IOS.CAMERA);
  return s === RESULTS.GRANTED;
}
""")
    fn = functions(facts)["./src/perms#hasCameraPermission"]
    # the package call resolves as before (catalog matching sees the same name)
    assert [c[0] for c in calls(fn)] == ["react-native-permissions#check"]
    [value] = returns(fn)
    assert isinstance(value, F.Compare) and value.op == "eq" and value.left == F.Name(
        "s", "react-native-permissions#check", True)


def test_default_exports(engine, tmp_path):
    anonymous = extract(engine, tmp_path, "src/a", "export default function () { go(); }\n", ext=".js")
    assert "./src/a#default" in functions(anonymous)
    arrow = extract(engine, tmp_path, "src/b", "export default () => 1;\n", ext=".js")
    assert "./src/b#default" in functions(arrow)
    named = extract(engine, tmp_path, "src/c", "export default function hasPerm() { return true; }\n")
    assert "./src/c#hasPerm" in functions(named)
    assert F.Import("./src/c", "hasPerm", "default", named.imports[0].span) in named.imports
    later = extract(engine, tmp_path, "src/d", "function foo() {}\nexport default foo;\n")
    assert [(i.module, i.name, i.alias) for i in later.imports] == [("./src/d", "foo", "default")]


def test_reexports(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/index", """\
export { hasPerm, check as verify } from './perms';
export * from './location';
export * as camera from './camera/index.ts';
export { default as Screen } from './screen';
import { a } from './a';
function local() {}
export { local as renamed, a };
export const value = 1, fn = () => 0;
""")
    got = [(i.module, i.name, i.alias, i.star) for i in facts.imports]
    assert got == [
        ("./src/perms", "hasPerm", "hasPerm", False),
        ("./src/perms", "check", "verify", False),
        ("./src/location", None, None, True),
        ("./src/camera", None, "camera", False),
        ("./src/screen", "default", "Screen", False),
        ("./src/a", "a", None, False),
        ("./src", "local", "renamed", False),
        ("./src", "a", "a", False),
        ("./src", "value", "value", False),
        ("./src", "fn", "fn", False),
    ]
    assert "./src#fn" in functions(facts)


def test_commonjs_exports(engine, tmp_path):
    facts = extract(engine, tmp_path, "lib/perms", """\
exports.hasPerm = function () { return helper(); };
module.exports.other = () => exports.hasPerm();
function helper() { return true; }
module.exports = { helper, alias: helper };
""", ext=".js")
    fns = functions(facts)
    assert {"./lib/perms#hasPerm", "./lib/perms#other", "./lib/perms#helper"} <= set(fns)
    assert callees(fns["./lib/perms#hasPerm"]) == {"helper": "./lib/perms#helper"}
    assert callees(fns["./lib/perms#other"]) == {"exports.hasPerm": "./lib/perms#hasPerm"}
    assert [(i.module, i.name, i.alias) for i in facts.imports] == [
        ("./lib/perms", "hasPerm", "hasPerm"), ("./lib/perms", "other", "other"),
        ("./lib/perms", "helper", "helper"), ("./lib/perms", "helper", "alias")]


def test_functions_of_exported_objects(engine, tmp_path):
    """The functions of ``module.exports = {...}`` / ``export default {...}``
    are the module's own (``#create``, ``#default.place``); the object refers
    to them."""
    facts = extract(engine, tmp_path, "app/users", """module.exports = {
  create: async (req, res) => save(req),
  update(req) { return req; },
  limit: 3,
};
function save(r) { return r; }
""", ext=".js")
    fns = functions(facts)
    assert {"./app/users#create", "./app/users#update"} <= set(fns)
    assert "./app/users#<module>.<lambda>" not in fns
    assert callees(fns["./app/users#create"]) == {"save": "./app/users#save"}
    module = fns["./app/users#<module>"]
    assert {n.resolved for n in F.walk(module.body) if type(n) is F.Name} >= {"./app/users#create", "./app/users#update"}
    ts_facts = extract(engine, tmp_path, "app/orders", "export default { place: async (req) => req, cancel() {} };\n")
    assert {"./app/orders#default.place", "./app/orders#default.cancel"} <= set(functions(ts_facts))


def test_member_chains_on_untyped_parameters(engine, tmp_path):
    """A member read or call on a parameter the file does not type is a chain
    of reads without callee, rooted at a read naming the local (the project
    stage types it); a local holding a chain continues it; literal subscripts
    and destructuring are links too."""
    facts = extract(engine, tmp_path, "app/h", """exports.h = (req, out) => {
  const payload = req.body;
  const { phone } = req.body;
  req.get("X-Forwarded-For");
  return [payload.contact.givenName, req.body["e-mail"]];
};
""", ext=".js")
    fn = functions(facts)["./app/h#h"]

    def chain(call):
        out = []
        while call is not None:
            out.append((call.callee, call.text, call.kind))
            call = call.receiver
        return out[::-1]

    chains = [chain(n) for n in F.walk(fn.body) if type(n) is F.Call and n.callee is None]
    root = (None, "req", "read")
    assert [root, (None, "body", "read"), (None, "phone", "read")] in chains
    assert [root, (None, "req.get", "call")] in chains
    assert [(None, "payload", "read"), (None, "contact", "read"), (None, "givenName", "read")] in chains
    assert [root, (None, "body", "read"), (None, "e-mail", "read")] in chains


def test_nested_functions_and_supers(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/nest", """\
import { Base as B } from './base';
import * as m from './mixins';
function outer() {
  function inner() { return 1; }
  const later = () => inner();
  class Local extends m.Mixin {}
  return later();
}
class Child extends B {}
interface Shape { area(): number }
""")
    fns = functions(facts)
    assert {"./src/nest#outer", "./src/nest#outer.inner", "./src/nest#outer.later"} <= set(fns)
    assert callees(fns["./src/nest#outer"]) == {"later": "./src/nest#outer.later"}
    assert callees(fns["./src/nest#outer.later"]) == {"inner": "./src/nest#outer.inner"}
    assert [(c.qualname, c.supers, c.interface) for c in facts.classes] == [
        ("./src/nest#Shape", (), True),
        ("./src/nest#outer.Local", ("./src/mixins#Mixin",), False),
        ("./src/nest#Child", ("./src/base#Base",), False)]


def test_packages_resolve_as_before(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/geo", """\
import * as Location from 'expo-location';
import _ from 'lodash';
export async function where() { _.noop(); return Location.getCurrentPositionAsync(); }
""")
    fn = functions(facts)["./src/geo#where"]
    assert callees(fn) == {"_.noop": None, "Location.getCurrentPositionAsync": "expo-location#getCurrentPositionAsync"}


def test_unknown_module_emits_nothing_extra(engine, tmp_path):
    data = b"function a() { b(); }\nfunction b() {}\nclass C {}\nexport { a as c };\n"
    catalog, _, interest = engine.language("javascript")
    facts = javascript.extract(data, ts.parse("javascript", data), "x.js", None, None, catalog, interest)
    assert facts.functions == () and facts.imports == () and facts.classes == ()


def test_interfaces_class_expressions_and_super(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/shapes", """\
import { Base } from './base';
import * as geo from './geo';
interface Shape extends geo.Sized<number>, Named {}
const Square = class extends Base implements Shape {
  area() { return super.area() * this.side(); }
  side() { return 1; }
};
""")
    assert [(c.qualname, c.supers, c.interface) for c in facts.classes] == [
        ("./src/shapes#Shape", ("./src/geo#Sized", "Named"), True),
        ("./src/shapes#Square", ("./src/base#Base", "./src/shapes#Shape"), False)]
    area = functions(facts)["./src/shapes#Square.area"]
    assert callees(area) == {"super.area": "./src/base#Base.area", "this.side": "./src/shapes#Square.side"}


def test_this_only_names_own_methods(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/svc", """\
class Api {
  constructor(private readonly store: Store) {}
  load() { this.store.read(); this.#secret(); this.save?.(); }
  #secret() { function plain() { this.load(); } }
  save() { [1].map(() => this.load()); }
}
""")
    fns = functions(facts)
    assert callees(fns["./src/svc#Api.load"]) == {
        "this.store.read": None, "this.#secret": "./src/svc#Api.#secret", "this.save": "./src/svc#Api.save"}
    assert callees(fns["./src/svc#Api.#secret.plain"]) == {"this.load": None}
    assert callees(fns["./src/svc#Api.save.<lambda>"]) == {"this.load": "./src/svc#Api.load"}


def test_jsx_of_project_components_is_a_call(engine, tmp_path):
    facts = extract(engine, tmp_path, "src/App", """\
import CameraScreen from './CameraScreen';
import * as UI from './ui';
function Local({ kind }) { return <div>{kind}</div>; }
export default function App({ granted }) {
  return <UI.Frame>{granted && <CameraScreen kind="front" onDone={() => Local({})} />}<Local /></UI.Frame>;
}
""", ext=".tsx")
    app = functions(facts)["./src/App#App"]
    # evaluation order: a component's props (the callback's call too) before it
    assert [(e.callee, e.text) for e in _all_calls(app)] == [
        ("./src/ui#Frame", "UI.Frame"), ("./src/App#Local", "Local"),
        ("./src/CameraScreen#default", "CameraScreen"), ("./src/App#Local", "Local")]
    screen = next(e for e in _all_calls(app) if e.text == "CameraScreen")
    assert screen.keywords[0] == ("kind", F.Lit("front")) and isinstance(screen.keywords[1][1], F.Lambda)
    assert callees(functions(facts)["./src/App#Local"]) == {}


def _all_calls(function):
    """Every call in ``function``, callbacks included, in evaluation order."""
    return [n for n in F.walk(function.body, enter=(F.Lambda,)) if type(n) is F.Call]
