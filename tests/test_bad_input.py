"""Bad input never hangs, crashes or vanishes (DESIGN section 10, issue 12):
each case is built here, at the size that once hurt, and must finish fast."""

from __future__ import annotations

import time

from consentlint.manifest import load_manifest


def _manifest_with(entries: int) -> str:
    blocks = [f'[[data]]\ncategory = "location.precise"\npurposes = ["p{i}"]\n' for i in range(entries)]
    checks = ",\n".join(f'  "app.privacy.check{i}"' for i in range(entries))
    return "\n".join(blocks) + f"\n[consent]\nchecks = [\n{checks},\n]\n"


def test_a_large_manifest_loads_in_linear_time(tmp_path):
    """Each entry's line was found by rescanning the whole text (68 s for 2,000)."""
    path = tmp_path / "privacy-manifest.toml"
    path.write_text(_manifest_with(10_000))
    start = time.perf_counter()
    manifest = load_manifest(path)
    assert time.perf_counter() - start < 3
    assert len(manifest.data) == len(manifest.checks) == 10_000
    assert manifest.data[-1].line == 4 * 9_999 + 2
    assert manifest.checks[-1].line == manifest.text.splitlines().index('  "app.privacy.check9999",') + 1
