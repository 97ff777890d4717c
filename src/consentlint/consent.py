"""What counts as a consent guard, and what a guard covers (DESIGN sections 7
and 12): the manifest's consent checks, decorators and requests, and, with
``platform_permissions``, the catalog's runtime-permission checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from consentlint import facts as F
from consentlint import taxonomy
from consentlint.catalog import normalise_name

@dataclass(frozen=True, slots=True)
class Guard:
    """A check known to have succeeded at some point of the code.

    ``kind`` is consent, permission, setting (a consent-named value read),
    recorded (the user's yes just stored: ``ConsentModel.recorded``; with
    ``param``, only when the caller's argument is a yes), decorator or
    request; ``helper`` for a
    call of a project function whose result or return implies ``inner`` (its
    check summary), with ``via`` the helpers from the call to the check;
    ``value`` for "parameter ``param`` was true", which covers nothing until a
    call fills in what its argument implies; ``stored`` for "the field
    ``api`` holds a value", which covers what every store of a value in it
    was guarded for (``summaries.stored``).
    ``values`` are the categories/purposes (or permissions) it was for, empty
    when unknown; ``param`` is the index of the enclosing function's parameter
    the value came from (filled in at each call of that function)."""

    kind: str
    api: str
    values: tuple[str, ...]
    line: int
    # kind "either": paths that merged, each with its own guards (one must cover per path)
    options: tuple[frozenset, ...] = ()
    inner: Guard | None = None
    via: tuple[str, ...] = ()
    param: int | None = None

    @property
    def check(self) -> Guard:
        """The consent or permission check itself, behind any helpers."""
        guard = self
        while guard.inner is not None:
            guard = guard.inner
        return guard

    def describe(self) -> str:
        if self.kind == "either":
            first = min((g for option in self.options for g in option), key=lambda g: g.line)
            return first.describe()
        what = ", ".join(self.values) if self.values else "an unknown category"
        where = f", line {self.line}" if self.line else ""
        return f"`{short_name(self.api)}` ({what}{where})"


def either(options) -> Guard:
    """The guard of merged paths that each had their own guards."""
    options = tuple(options)
    line = min(g.line for option in options for g in option)
    return Guard("either", "", (), line, options)


def short_name(qualname: str) -> str:
    """``plyer.gps.start`` -> ``gps.start``; JS/TS ``./web/consent#hasConsent``
    -> ``consent.hasConsent``, ``react-native-device-info#default.getUniqueId``
    -> ``react-native-device-info.getUniqueId``."""
    module, hash_, rest = qualname.partition("#")
    if hash_:
        members = rest.split(".")
        if members[0] == "default" and len(members) > 1:
            members = members[1:]
        return ".".join([module.rstrip("/").rsplit("/", 1)[-1], *members][-2:])
    parts = qualname.split(".")
    return ".".join(parts[-2:])


# stored settings spelled as text: what they mean as a yes or a no
_TRUTHY = {"true": True, "1": True, "yes": True, "on": True, "y": True, "granted": True, "accepted": True,
           "false": False, "0": False, "no": False, "off": False, "n": False, "denied": False, "refused": False}


def _truth(value) -> bool | None:
    """What a stored or literal value means as a yes or a no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _TRUTHY.get(value.strip().lower())
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


class ConsentModel:
    """The guards of one language: built once per run from manifest and catalog."""

    def __init__(self, manifest, language_catalog):
        self.catalog = language_catalog
        self.manifest = manifest
        self.checks = {c.function: c.category_arg for c in manifest.checks} if manifest else {}
        self.decorators = frozenset(manifest.decorators) if manifest else frozenset()
        self.requests = frozenset(manifest.requests) if manifest else frozenset()
        self.platform = manifest.platform_permissions if manifest else True
        self.settings = frozenset(normalise_name(n) for n in manifest.settings) if manifest else frozenset()
        self._meanings: dict = {}  # name -> (granted, category) or None: names repeat
        self._writes: dict | None = None  # setting writes by method name
        # every function name the manifest gives
        self.names = frozenset(self.checks) | self.decorators | self.requests

    def _value(self, expr) -> str | None:
        if isinstance(expr, F.Lit) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, F.Name) and expr.resolved:
            return self.catalog.constant_value(expr.resolved)
        return None

    def check_guard(self, call: F.Call, params: tuple[str, ...] = (), env=None) -> Guard | None:
        """The guard that holds when ``call`` returned true, if it is a check.
        ``params`` are the enclosing function's parameters and ``env`` what its
        locals hold: a value that arrives through a parameter is filled in at
        each call of that function."""
        callee = call.callee
        if callee is None:
            return None
        if callee in self.checks and call.kind == "call":
            index = self.checks[callee]
            arg = call.args[index] if index < len(call.args) else None
            value = self._value(arg)
            return Guard("consent", callee, (value,) if value else (), call.span.line,
                         param=param_index(arg, params, env) if not value else None)
        permission = self.catalog.permission_checks.get(callee)
        if permission is not None and self.platform and permission.kind == call.kind:
            param = None
            if permission.permission_arg is not None:
                index = permission.permission_arg
                arg = call.args[index] if index < len(call.args) else None
                value = self._value(arg)
                values = (value,) if value else ()
                param = param_index(arg, params, env) if not value else None
            else:
                values = permission.permissions
            return Guard("permission", callee, values, call.span.line, param=param)
        return None

    def granted_default(self, call: F.Call) -> tuple[str, object] | None:
        """``(name, default)`` when ``call`` reads a consent-named setting by
        key and, when it was never set, returns the user's yes
        (``prefs.getBoolean("analytics_consent", true)``,
        ``os.environ.get("TRACKING_OPT_OUT", "0")``): consent by default."""
        if call.kind != "call" or len(call.args) < 2:
            return None
        catalog = self.catalog
        where = catalog.default_reads.get(call.callee) if call.callee is not None else \
            catalog.default_methods.get(call.text.rpartition(".")[2])
        if where is None:
            return None
        key_arg, default_arg = where
        if max(key_arg, default_arg) >= len(call.args):
            return None
        key, default = call.args[key_arg], call.args[default_arg]
        if type(key) is not F.Lit or not isinstance(key.value, str) or type(default) is not F.Lit:
            return None
        found = self.setting_guard(key.value, call.span.line)
        if found is None:
            return None
        _, true_is_yes = found
        value = _truth(default.value)
        if value is None:
            return None
        return (key.value, default.value) if value is true_is_yes else None

    def granted_initial(self, initial: F.Initial) -> bool:
        """Whether a consent-named declaration starts as the user's yes: a
        literal, a catalogued state initialiser's argument (``useState(true)``),
        a field's ``default``/``initial`` keyword, a Kotlin property
        delegate's default (``by PrefDelegate(KEY, true)``), or a ticked checkbox."""
        via = initial.via
        if via and initial.kind != "checkbox" and ":" not in via and via not in self.catalog.initialisers:
            return False
        found = self.setting_guard(initial.name, initial.span.line)
        return found is not None and _truth(initial.value) is found[1]

    def granted_value(self, expr) -> bool | None:
        """True when ``expr`` stands for the user's yes (``true``, ``"granted"``,
        ``1``, a catalogued grant constant), False for a no, else None (a value
        the user chose at run time)."""
        if isinstance(expr, F.Lit):
            return _truth(expr.value)
        return self.grant_meaning(expr)

    def text_truth(self, expr) -> bool | None:
        """What a string literal means as a stored yes or no (``"1"``,
        ``"true"``, ``"0"``), for a setting kept as text; None otherwise."""
        return _truth(expr.value) if isinstance(expr, F.Lit) and isinstance(expr.value, str) else None

    def platform_api(self, callee: str | None, table, index) -> str | None:
        """The API of ``table`` (catalogued names) that ``callee`` is, or that
        a project class inherits from a platform class (``finishAffinity()``
        or ``requestPermissions(..)`` in an ``AppCompatActivity``)."""
        if callee is None or callee in table:
            return callee if callee in table else None
        for api in index.inherited(callee) if index is not None else ():
            owner, _, name = api.rpartition(".")
            for candidate in (api, *(f"{sup}.{name}" for sup in self.catalog.supertypes.get(owner, ()))):
                if candidate in table:
                    return candidate
        return None

    def read_names(self, call: F.Call) -> tuple[str, ...]:
        """The names of what ``call`` reads, as a consent-named value could be
        called: the key read (``config["telemetry_enabled"]``), a property or
        a getter without arguments (``settings.optIn``, ``isDoNotTrackEnabled()``),
        or the setting its first argument names
        (``prefs.getBoolean("analytics_consent", false)``). A call that takes
        what to check (``has_consent("location")``) is a consent check only
        when the manifest names it."""
        if call.key:
            return (call.key,)
        if not call.args:
            leaf = leaf_name(call.callee or call.text)
            owner = _owner_name(call)
            if owner and _YES_GETTER.match(leaf):
                # ``PrivacyConsentStore(context).isGranted()``: the class names the decision
                return leaf, f"{owner}_{leaf}"
            return (leaf,)
        first = call.args[0]
        return (first.value,) if type(first) is F.Lit and isinstance(first.value, str) else ()

    def setting_guard(self, name: str, line: int) -> tuple[Guard, bool] | None:
        """A read of a consent-named value (``[consent] settings``, or a name
        the catalog's consent-name patterns match: ``analytics_consent``,
        ``isDoNotTrackEnabled``): the guard, and whether a true value is the
        user's yes (False for opt-outs)."""
        meaning = self._meanings.get(name, _UNSEEN)
        if meaning is _UNSEEN:
            meaning = self._meanings[name] = self._meaning(name)
        if meaning is None:
            return None
        granted, category = meaning
        return Guard("setting", name, (category,) if category else (), line), granted

    def _meaning(self, name: str):
        if self.settings and normalise_name(name) in self.settings:
            return True, None
        names = self.catalog.consent_names
        return names.meaning(name) if names.gate is not None and names.gate.search(name) else None

    def value_of(self, expr) -> str | None:
        """The string an argument stands for (a literal or a known constant)."""
        return self._value(expr)

    def grant_meaning(self, expr) -> bool | None:
        """True when comparing a check result with ``expr`` means "granted",
        False when it means "denied" (literals and constants from the
        catalog's ``grant_value`` tables), None otherwise."""
        if isinstance(expr, F.Lit):
            value = expr.value
            if isinstance(value, bool):
                return value
            if isinstance(value, (str, int)):
                return self.catalog.grant_values.get(value)
            return None
        if isinstance(expr, F.Name) and expr.resolved:
            return self.catalog.grant_values.get(expr.resolved)
        return None

    def recorded(self, call: F.Call, params: tuple[str, ...] = (), env=None) -> Guard | None:
        """The guard that holds once ``call`` stored the user's yes: a write of
        a consent-named setting (catalog ``[[setting_write]]``:
        ``edit().putBoolean("privacy_agreed", true)``), a ``[consent] records``
        call, or an SDK's privacy-agreement call (``[[consent_record]]``:
        ``updatePrivacyAgree(context, true)``), with a granted value: what
        follows it runs once the user agreed (an agree button's handler). A
        value that arrives through a parameter (``setAgreed(ctx, agreed)``)
        is filled in at each call of the enclosing function (``param``).
        Stored at app start, it is default consent (PDC203)."""
        if call.kind != "call":
            return None
        callee = call.callee
        catalog = self.catalog
        line = call.span.line
        # (a receiver of unknown type, ``prefs(ctx).edit().putBoolean(..)``: by the method's
        # name, as a consent-named key read is; the key says what is stored)
        write = catalog.setting_writes.get(callee) if callee is not None else \
            self._write_methods().get(call.text.rpartition(".")[2])
        if write is not None:
            key_arg, value_arg = write
            if max(key_arg, value_arg) >= len(call.args):
                return None
            key = self._value(call.args[key_arg])
            found = self.setting_guard(key, line) if key else None
            if found is None:
                return None
            setting, true_is_yes = found
            return self._stored_yes(call.args[value_arg], Guard("recorded", key, setting.values, line), params, env,
                                    true_is_yes)
        if callee is None:
            return None
        if callee in catalog.consent_records:
            at = catalog.consent_records[callee]
            if at >= len(call.args):
                return None
            return self._stored_yes(call.args[at], Guard("recorded", callee, (), line), params, env)
        if self.manifest is not None and callee in self.manifest.records and call.args:
            purpose = self._value(call.args[0])
            values = [*call.args[1:], *(v for _, v in call.keywords)]
            if len(values) == 1:
                return self._stored_yes(values[0], Guard("recorded", callee, (purpose,) if purpose else (), line),
                                        params, env)
            if all(self.granted_value(v) is True for v in values):
                return Guard("recorded", callee, (purpose,) if purpose else (), line)
        return None

    def _write_methods(self) -> dict:
        """The setting writes by method name (``putBoolean``)."""
        if self._writes is None:
            self._writes = {leaf_name(api): where for api, where in self.catalog.setting_writes.items()}
        return self._writes

    def _stored_yes(self, value, guard: Guard, params, env, true_is_yes: bool = True) -> Guard | None:
        """``guard`` when ``value`` is the user's yes; marked with the
        parameter it comes from when the caller decides (opt-in values only)."""
        param = param_index(value, params, env) if true_is_yes else None
        if param is not None:
            return replace(guard, param=param)
        granted = self.granted_value(value)
        return guard if granted is not None and granted is true_is_yes else None

    def request_guard(self, call: F.Call) -> Guard | None:
        """The guard for callbacks handed to a consent request."""
        if call.callee in self.requests:
            value = self._value(call.args[0]) if call.args else None
            return Guard("request", call.callee, (value,) if value else (), call.span.line)
        return None

    def decorator_guard(self, decorator: F.Decorator) -> Guard | None:
        if decorator.name in self.decorators:
            value = self._value(decorator.args[0]) if decorator.args else None
            return Guard("decorator", decorator.name, (value,) if value else (), decorator.span.line)
        return None

    def covers(self, guard: Guard, category: str, permissions: tuple[str, ...]) -> bool:
        """Whether ``guard`` is consent for ``category`` (DESIGN section 12)."""
        if guard.kind == "either":
            return all(any(self.covers(g, category, permissions) for g in option) for option in guard.options)
        if guard.inner is not None:
            return self.covers(guard.inner, category, permissions)
        if guard.kind == "value" or guard.kind == "stored" or (guard.kind == "recorded" and guard.param is not None):
            # a parameter's truth, a field's value, a yes stored only if the caller's argument is one:
            # they mean something only through the summaries
            return False
        if not guard.values:
            return True
        if guard.kind == "permission":
            return any(v in permissions for v in guard.values)
        purposes = self.manifest.purposes(category) if self.manifest else frozenset()
        return any(taxonomy.covers(v, category) or v in purposes for v in guard.values)


_UNSEEN = object()
# getters that answer yes or no about their object, and say nothing of what
# without it (``isGranted``, ``isAccepted``, ``hasAgreed``, ``get``)
_YES_GETTER = re.compile(r"^(is|has|get)?_?(granted|accepted|agreed|allowed|given|enabled|value|get|yes)$", re.I)


def _owner_name(call: F.Call) -> str | None:
    """The class a getter is called on, as its last name: of the callee
    (``pkg.PrivacyConsentStore.isGranted``) or of the receiver as written
    (``ConsentStore.getInstance(ctx).isGranted()``: ``ConsentStore``)."""
    if call.callee is not None and "." in call.callee.rpartition("#")[2]:
        owner = leaf_name(call.callee.rpartition(".")[0])
        if owner[:1].isupper():
            return owner
    receiver = call.receiver
    while type(receiver) is F.Call and receiver.receiver is not None:
        receiver = receiver.receiver
    text = receiver.text if type(receiver) is F.Call else receiver.name if type(receiver) is F.Name else ""
    owner = leaf_name(text) if text else ""
    return owner if owner[:1].isupper() else None


def leaf_name(name: str) -> str:
    """The last segment of a qualified or dotted name (``BlueApp.isDoNotTrackEnabled``)."""
    return name.rpartition("#")[2].rpartition(".")[2]


def param_index(arg, params: tuple[str, ...], env=None) -> int | None:
    """The index of the parameter ``arg`` names, when it is a plain parameter
    (or a local that holds one, such as a for-each element)."""
    for _ in range(4):
        if not (isinstance(arg, F.Name) and arg.local):
            return None
        if env is not None and arg.name in env and env[arg.name] is not None:
            arg = env[arg.name]
            continue
        return params.index(arg.name) if arg.name in params else None
    return None
