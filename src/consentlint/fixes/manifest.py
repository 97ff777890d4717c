"""Edits of ``privacy-manifest.toml`` through tomlkit, which keeps comments,
order and layout: ``manifest.declare`` adds a ``[[data]]`` entry for an
undeclared category (purposes to fill in, a comment naming where the code
collects it), ``manifest.undeclare`` removes a category's entries."""

from __future__ import annotations

import tomlkit
from tomlkit.items import AoT, Comment, Table

from consentlint import taxonomy

TODO = "TODO"


def render(text: str, path: str, actions) -> str:
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError:
        return text
    data = doc.get("data")
    if data is not None and not isinstance(data, AoT):  # an inline array: left to the user
        return text
    for action in actions:
        if action[0] == "manifest.undeclare" and data is not None:
            for i in reversed(range(len(data))):
                if data[i].get("category") == action[1]:
                    _drop_comments_above(doc, data, i)
                    del data[i]
    for action in actions:
        if action[0] != "manifest.declare":
            continue
        _, category, where = action
        if data is not None and any(taxonomy.covers(str(t.get("category", "")), category) for t in data):
            continue
        entry = tomlkit.table()
        entry.add(tomlkit.comment(f"collected at {where}"))
        entry.add("category", category)
        entry.add("purposes", [TODO])
        entry.add(tomlkit.nl())
        if data is None:
            doc.add(tomlkit.nl())
            doc.append("data", tomlkit.aot())
            data = doc["data"]
        data.append(entry)
    out = tomlkit.dumps(doc)
    # (a new last entry's blank line, at the end of the file)
    return out.rstrip("\n") + "\n" if text.endswith("\n") and not text.endswith("\n\n") else out


def _drop_comments_above(doc, data: AoT, i: int) -> None:
    """Remove the comment lines right above entry ``i``'s header (about it),
    and keep those above the next entry: tomlkit holds both at the end of
    what comes before each header."""
    before = data[i - 1] if i > 0 else next(
        (item for (_, item), (_, nxt) in zip(doc.body, doc.body[1:]) if nxt is data), None)
    if not isinstance(before, Table):
        return
    _trailing_comments(before)
    before.value.body.extend(_trailing_comments(data[i]))


def _trailing_comments(table: Table) -> list:
    body, out = table.value.body, []
    while body and body[-1][0] is None and isinstance(body[-1][1], Comment):
        out.insert(0, body.pop())
    return out
