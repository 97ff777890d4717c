"""A source file could not be read, decoded or fully parsed.

## What it does
Reports a file that cannot be read, is not UTF-8 text (binary, another
encoding), is too large (over 5 MB), takes longer than the time budget per
file (3 s of CPU time, so a busy machine drops nothing, and 60 s of wall-clock
time for a file that stalls: some grammars' error recovery takes minutes on a
few hundred bytes), or has syntax errors. For a syntax error it reports the
first broken spot; whatever the parser could recover from the rest of the file
is still analysed, and the run goes on with the other files. Where the error
is valid code a grammar is known not to read (Flow type annotations in a
`// @flow` file, a TSX tagged template with type arguments), the message says
the parser could not read it.

## Why is this bad?
A file consentlint cannot read is a file whose collection sites it cannot
vouch for: an audit that silently skips it would report the app cleaner than
it is.

## Example
```python
def locate(:
    gps.start()
```

## Use instead
Fix the syntax error, or save the file as UTF-8. Generated or vendored files
can be excluded with `--extend-exclude`.

## Configuration
None. Syntax errors in Python files are also reported by flake8 itself (E999);
under flake8 this code is not reported for them.

## References
- DESIGN section 10, "Bad input"
"""

from consentlint.findings import WARNING, Finding

CODE = "PDC001"
NAME = "unreadable-source"
SEVERITY = WARNING
SCOPE = "file"


def check(ctx):
    for problem in ctx.problems:
        yield Finding.at(CODE, SEVERITY, ctx.path, problem.span, problem.message)
