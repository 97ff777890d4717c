"""JUnit XML, for CI dashboards that read test reports (Jenkins, GitLab,
Azure DevOps, CircleCI): one ``testsuite`` per file with findings, one failed
``testcase`` per finding (warnings included, as ruff does), named by code and
position; a run without findings is one passed ``testcase``, so the
dashboard shows the check ran. Unreadable files (``errors``) are ``error``
test cases of their file."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from consentlint.report.github import title


def render(run) -> str:
    root = ET.Element("testsuites", name="consentlint")
    by_path: dict[str, list] = {}
    for f in run.findings:
        by_path.setdefault(f.path, []).append(f)
    total = failures = 0
    for path in sorted(by_path):
        found = by_path[path]
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(found)), failures=str(len(found)),
                              errors="0", skipped="0")
        for f in found:
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{title(f.code)} at {f.line}:{f.column}")
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}"
        total += len(found)
        failures += len(found)
    if not run.findings:
        suite = ET.SubElement(root, "testsuite", name="consentlint", tests="1", failures="0", errors="0",
                              skipped="0")
        plural = "" if run.files == 1 else "s"
        ET.SubElement(suite, "testcase", classname="consentlint", name=f"{run.files} file{plural} checked")
        total = 1
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
