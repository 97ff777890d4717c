"""The manifest names no published privacy policy, or names one that is not there.

## What it does
Reports, at the manifest, a `[policy]` table that gives neither a `url` nor a
`file`; a `url` that is not `https://`; and a `file` that does not exist
relative to the manifest's folder. It runs when the scan covers the manifest's
whole folder (or with `--project`).

## Why is this bad?
An app must publish the rules by which it collects and uses personal data
before it collects any (China's Cybersecurity Law Art. 41, PIPL Art. 17,
GB/T 35273-2020 section 5.5; GDPR Art. 13), and both app stores require a
privacy-policy link. A policy served over plain HTTP can be altered on the way,
and a local copy that is gone cannot be reviewed against the manifest.

## Example
```toml
[policy]
url = "http://example.com/privacy"
```

## Use instead
```toml
[policy]
url = "https://example.com/privacy"
file = "docs/privacy-policy.md"   # optional: a copy kept with the code
```

## Configuration
`[policy] url` and `file` in `privacy-manifest.toml`.

## References
- GB/T 35273-2020 section 5.5
- https://gdpr-info.eu/art-13-gdpr/
- https://support.google.com/googleplay/android-developer/answer/10144311
"""

from pathlib import Path

from consentlint import facts as F
from consentlint.findings import ERROR, Finding

CODE = "PDC103"
NAME = "missing-policy"
SEVERITY = ERROR
SCOPE = "project"


def check(ctx):
    manifest = ctx.manifest
    if manifest is None or not ctx.project_scope:
        return

    def at(line: int, message: str, key: str) -> Finding:
        return Finding.at(CODE, SEVERITY, ctx.manifest_display, F.Span(line, 1, line, 1), message,
                          context=f"policy:{key}")

    if not manifest.policy_url and not manifest.policy_file:
        yield at(manifest.line_of("policy"), "the manifest names no published privacy policy: "
                 "give `[policy] url` (https) or `file`", "absent")
    if manifest.policy_url and not manifest.policy_url.lower().startswith("https://"):
        yield at(manifest.line_of("policy", "url"),
                 f"the privacy policy `{manifest.policy_url}` is not served over https", "url")
    if manifest.policy_file and not (Path(manifest.root) / manifest.policy_file).is_file():
        yield at(manifest.line_of("policy", "file"),
                 f"the privacy policy file `{manifest.policy_file}` does not exist (relative to the manifest's folder)",
                 "file")
