"""The closed category taxonomy (DESIGN sections 5 and 12), loaded from
``checks/taxonomy.toml``. Every dotted prefix of a category is a valid id
meaning "all below it"."""

from __future__ import annotations

from functools import cache

from consentlint.catalog_files import checks_dir


@cache
def categories() -> dict[str, dict]:
    """Leaf category id -> its mappings (play, apple, fideslang)."""
    import tomllib

    with open(checks_dir() / "taxonomy.toml", "rb") as f:
        return tomllib.load(f)["categories"]


@cache
def valid_ids() -> frozenset[str]:
    """Leaf ids plus every dotted prefix of one."""
    ids = set()
    for leaf in categories():
        parts = leaf.split(".")
        for i in range(1, len(parts) + 1):
            ids.add(".".join(parts[:i]))
    return frozenset(ids)


def covers(declared: str, category: str) -> bool:
    """Whether ``declared`` is ``category`` or one of its dotted prefixes."""
    return category == declared or category.startswith(declared + ".")
