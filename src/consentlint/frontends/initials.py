"""Consent-named declarations with a literal initial value (``facts.Initial``),
for every language: syntax only. A declaration is kept when its name is
consent-named (``Interest.consent_named``, as reads of such values are) and
its value is a literal, a call of one literal (``useState(true)``,
``mutableStateOf(true)``: the call is kept as ``via``), a call with a
literal ``default``/``initial`` keyword (``models.BooleanField(default=True)``),
or (Kotlin) a delegate call with one boolean literal (``by PrefDelegate(KEY, true)``).

Declarations are what outlives one call: module and class variables, fields
and properties, parameters' defaults, state hooks, and (JSX) checkboxes;
a function's own locals are not."""

from __future__ import annotations

import bisect

from consentlint import facts as F
from consentlint import treesitter as ts

_KEYWORDS = ("default", "initial")
# the node types each grammar spells a literal with
_LITERALS = {"true": True, "false": False, "True": True, "False": False}
_STRINGS = ("string", "string_literal")
_NUMBERS = ("integer", "decimal_integer_literal", "number")
_FUNCTION_BODIES = ("block", "function_body", "statement_block", "constructor_body")


def extract(root, source: bytes, language: str, interest, positions) -> tuple[F.Initial, ...]:
    """The ``Initial`` facts of one file (none when no consent-named word is
    in the text)."""
    words = interest.consent_words(source)
    if not words:
        return ()
    out: list[F.Initial] = []
    walker = _WALKERS[language]
    stack = [(root, False)]
    while stack:
        node, in_function = stack.pop()
        # (a consent-named declaration spells a consent word inside it: skip subtrees without one)
        i = bisect.bisect_left(words, node.start_byte)
        if i == len(words) or words[i] >= node.end_byte:
            continue
        walker(node, in_function, interest, positions, out)
        inside = in_function or (node.type in _FUNCTION_BODIES and node.parent is not None
                                 and node.parent.type not in ("class_definition", "class_body"))
        stack.extend((child, inside) for child in reversed(node.named_children))
    if out and language in ("javascript", "typescript"):
        out = _not_mirrors(root, out)
    out.sort(key=lambda i: (i.span.line, i.span.column))
    return tuple(out)


def _not_mirrors(root, found: list) -> list:
    """Leave out (JS/TS) what only mirrors a decision kept elsewhere: a
    module ``let`` the file assigns again, a state whose setter is called in
    an effect or with what a promise resolved to (``getDoNotTrack().then(v =>
    setDoNotTrack(v))``): its first value is a placeholder until the stored
    one arrives."""
    assigned, mirrored = set(), set()
    stack = [(root, False)]
    while stack:
        node, loading = stack.pop()
        t = node.type
        if t in ("assignment_expression", "augmented_assignment_expression"):
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                assigned.add(ts.text(left))
        elif t == "call_expression":
            function = node.child_by_field_name("function")
            name = ts.text(function) if function is not None else ""
            if loading and function is not None and function.type == "identifier":
                mirrored.add(name)
            if name == "useEffect" or name.endswith((".then", "useLayoutEffect")):
                loading = True
        stack.extend((child, loading) for child in node.named_children)
    out = []
    for initial in found:
        if initial.kind == "variable" and not initial.via and initial.name in assigned:
            continue
        if initial.via in ("useState",) and _setter(initial.name) in mirrored:
            continue
        out.append(initial)
    return out


def _setter(state: str) -> str:
    return "set" + state[:1].upper() + state[1:]


def _keep(out, interest, positions, name_node, value_node, kind="variable") -> None:
    if name_node is None or value_node is None:
        return
    name = ts.text(name_node)
    if not interest.consent_named(name):
        return
    value, via = _value(value_node)
    if value is _NONE or name.isupper():
        return  # (a constant names a value or configures the program, CONSENT_GRANTED = 1: no one's decision)
    out.append(F.Initial(name, value, positions.span(name_node), kind, via))


_NONE = object()


def _literal(node):
    t = node.type
    text = ts.text(node)
    if text in _LITERALS and (t in ("true", "false", "identifier")):
        return _LITERALS[text]
    if t in _STRINGS:
        inner = "".join(ts.text(c) for c in node.named_children if c.type.endswith(("content", "fragment")))
        return inner
    if t in _NUMBERS:
        try:
            return int(text)
        except ValueError:
            return _NONE
    return _NONE


def _value(node) -> tuple[object, str]:
    """The literal ``node`` is, or holds as a call's one argument or its
    ``default``/``initial`` keyword, with the call's name; or (Kotlin) the
    default of a property delegate (``_delegate_default``)."""
    value = _literal(node)
    if value is not _NONE:
        return value, ""
    if node.type == "property_delegate":
        return _delegate_default(node)
    if node.type not in ("call", "call_expression", "method_invocation"):
        return _NONE, ""
    function = node.child_by_field_name("function") or (node.named_children[0] if node.named_child_count else None)
    args = node.child_by_field_name("arguments")
    if args is None:  # (Kotlin) value_arguments
        args = next((c for c in node.named_children if c.type == "value_arguments"), None)
    if function is None or args is None:
        return _NONE, ""
    name = ts.text(function).rpartition(".")[2]
    items = [a for a in args.named_children if a.type != "comment"]
    for item in items:
        if item.type == "keyword_argument":  # Python
            key, val = item.child_by_field_name("name"), item.child_by_field_name("value")
            if key is not None and val is not None and ts.text(key) in _KEYWORDS:
                value = _literal(val)
                if value is not _NONE:
                    return value, f"{name}:{ts.text(key)}"
    if len(items) == 1:
        item = items[0]
        if item.type == "value_argument" and item.named_child_count == 1:  # Kotlin
            item = item.named_children[0]
        value = _literal(item)
        if value is not _NONE:
            return value, name
    return _NONE, ""


def _delegate_default(node) -> tuple[object, str]:
    """``by PrefDelegate(KEY, true)``: a property delegated to a call with
    one boolean literal argument (a preference delegate's default, the
    value until the user sets one), as ``<delegate>:by``; a delegate with
    none, or with several, says nothing."""
    call = node.named_children[0] if node.named_child_count else None
    if call is None or call.type != "call_expression":
        return _NONE, ""
    args = next((c for c in call.named_children if c.type == "value_arguments"), None)
    if args is None:
        return _NONE, ""
    flags = [value for value in (_literal(a.named_children[-1]) for a in args.named_children
                                 if a.type == "value_argument" and a.named_child_count)
             if type(value) is bool]
    if len(flags) != 1:
        return _NONE, ""
    return flags[0], f"{ts.text(call.named_children[0]).rpartition('.')[2]}:by"


# ------------------------------------------------------------ per language


def _python(node, in_function, interest, positions, out) -> None:
    t = node.type
    if t == "assignment" and not in_function:
        left = node.child_by_field_name("left")
        if left is not None and left.type == "identifier":
            _keep(out, interest, positions, left, node.child_by_field_name("right"))
    elif t in ("default_parameter", "typed_default_parameter"):
        _keep(out, interest, positions, node.child_by_field_name("name"), node.child_by_field_name("value"),
              "parameter")


def _java(node, in_function, interest, positions, out) -> None:
    if node.type == "field_declaration":
        for declarator in node.children_by_field_name("declarator"):
            _keep(out, interest, positions, declarator.child_by_field_name("name"),
                  declarator.child_by_field_name("value"))


def _kotlin(node, in_function, interest, positions, out) -> None:
    t = node.type
    if t == "property_declaration" and not in_function:
        declaration = next((c for c in node.named_children if c.type == "variable_declaration"), None)
        name = declaration.named_children[0] if declaration is not None and declaration.named_child_count else None
        value = node.named_children[-1] if node.named_child_count else None
        if value is not None and value is not declaration:
            _keep(out, interest, positions, name, value)
    elif t == "class_parameter":
        children = node.named_children
        if len(children) >= 2 and children[0].type == "identifier" and "=" in (ts.text(c) for c in node.children):
            _keep(out, interest, positions, children[0], children[-1], "parameter")
    elif t == "function_value_parameters":
        children = node.children
        for i, child in enumerate(children):
            if child.type == "parameter" and i + 2 < len(children) and children[i + 1].type == "=":
                name = child.named_children[0] if child.named_child_count else None
                _keep(out, interest, positions, name, children[i + 2], "parameter")


def _javascript(node, in_function, interest, positions, out) -> None:
    t = node.type
    if t == "variable_declarator":
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        if name.type == "identifier" and not in_function:
            _keep(out, interest, positions, name, value)
        elif name.type == "array_pattern" and name.named_child_count:
            # const [analyticsConsent, setAnalyticsConsent] = useState(true)
            first = name.named_children[0]
            if first.type == "identifier":
                _keep(out, interest, positions, first, value)
    elif t in ("field_definition", "public_field_definition"):
        _keep(out, interest, positions, node.child_by_field_name("property") or node.child_by_field_name("name"),
              node.child_by_field_name("value"))
    elif t == "assignment_pattern" and node.parent is not None and node.parent.type == "formal_parameters":
        left = node.child_by_field_name("left")
        if left is not None and left.type == "identifier":
            _keep(out, interest, positions, left, node.child_by_field_name("right"), "parameter")
    elif t == "required_parameter" or t == "optional_parameter":  # TypeScript
        pattern, value = node.child_by_field_name("pattern"), node.child_by_field_name("value")
        if pattern is not None and pattern.type == "identifier" and value is not None:
            _keep(out, interest, positions, pattern, value, "parameter")
    elif t in ("jsx_self_closing_element", "jsx_opening_element"):
        _checkbox(node, interest, positions, out)


def _checkbox(node, interest, positions, out) -> None:
    """``<input type="checkbox" name="marketing-consent" defaultChecked>``
    (or ``checked``, ``checked={true}``): a box that starts ticked; and a
    switch held on whose change sets a consent-named state
    (``<Switch value={true} onValueChange={setAnalyticsConsent}>``)."""
    name = node.child_by_field_name("name")
    if name is None:
        return
    attrs = {}
    for attr in node.children_by_field_name("attribute"):
        parts = attr.named_children
        if attr.type == "jsx_attribute" and parts:
            attrs[ts.text(parts[0])] = (parts[0], parts[1] if len(parts) > 1 else None)
    if ts.text(name).rpartition(".")[2] in _SWITCHES:
        _switch(attrs, interest, positions, out)
        return
    if ts.text(name) != "input":
        return
    kind = attrs.get("type")
    if kind is None or kind[1] is None or _jsx_value(kind[1]) != "checkbox":
        return
    label = next((_jsx_value(attrs[k][1]) for k in ("name", "id") if k in attrs and attrs[k][1] is not None), None)
    if not isinstance(label, str) or not interest.consent_named(label):
        return
    for key in ("defaultChecked", "checked"):
        if key in attrs:
            attr_name, value = attrs[key]
            if value is None or _jsx_value(value) is True:
                out.append(F.Initial(label, True, positions.span(attr_name), "checkbox", key))


# components whose ``value`` (or ``checked``) is on/off and whose change
# handler receives the new value: React Native's Switch, community check boxes
_SWITCHES = frozenset(("Switch", "CheckBox", "Checkbox", "Toggle"))
_ON = ("value", "checked", "isChecked", "isOn")
_HANDLERS = ("onValueChange", "onChange", "onToggle", "onPress")


def _switch(attrs, interest, positions, out) -> None:
    """A switch shown on (``value={true}``, a literal) whose change handler
    is the setter of a consent-named state (``setAnalyticsConsent``, also in
    an arrow function that calls it): the state it stands for starts as yes."""
    on = next((k for k in _ON if k in attrs and attrs[k][1] is not None and _jsx_value(attrs[k][1]) is True), None)
    if on is None:
        return
    for key in _HANDLERS:
        if key in attrs and attrs[key][1] is not None:
            state = _set_state(attrs[key][1])
            if state is not None and interest.consent_named(state):
                out.append(F.Initial(state, True, positions.span(attrs[on][0]), "checkbox", on))
                return


def _set_state(node) -> str | None:
    """The state a handler sets: ``setAnalyticsConsent`` (or ``v =>
    setAnalyticsConsent(v)``) sets ``analyticsConsent``."""
    if node.type == "jsx_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "arrow_function":
        body = node.child_by_field_name("body")
        if body is None or body.type != "call_expression":
            return None
        node = body.child_by_field_name("function")
        if node is None:
            return None
    if node.type != "identifier":
        return None
    text = ts.text(node)
    if len(text) > 3 and text.startswith("set") and text[3].isupper():
        return text[3].lower() + text[4:]
    return None


def _jsx_value(node):
    if node.type == "jsx_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    value = _literal(node)
    return None if value is _NONE else value


_WALKERS = {"python": _python, "java": _java, "kotlin": _kotlin, "javascript": _javascript,
            "typescript": _javascript}
