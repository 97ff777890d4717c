"""The facts cache (DESIGN section 7): a warm run reports exactly what a cold
one does; an entry is used only for the same content, tool and policy; a
broken or unwritable cache never changes a result. The same holds for what
is kept beside the facts: the digests of unchanged files (by ``stat``) and
the project stage's results (``runs/``)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path

import pytest

from conftest import FIXTURES
from conftest import consentlint as run
from consentlint.cache import FOLDER, SETTLED_NS, CompiledCatalogs

PROJECT = FIXTURES / "projects" / "android-uris"


def report(cwd, *extra) -> dict:
    return json.loads(run("check", ".", "--format", "json", "--exit-zero", *extra, cwd=cwd).stdout)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "facts").rglob("*") if p.is_file() and not p.name.startswith(".tmp"))


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "app"
    shutil.copytree(PROJECT, target)
    return target


def test_warm_run_is_the_cold_run(project):
    cold = report(project)
    cache = project / FOLDER
    stored = entries(cache)
    assert len(stored) == len(list(project.rglob("*.java"))) + len(list(project.rglob("*.kt")))
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    mtimes = [p.stat().st_mtime_ns for p in stored]
    assert report(project) == cold
    assert [p.stat().st_mtime_ns for p in entries(cache)] == mtimes  # read, not rewritten
    assert cold["findings"]


def test_changed_file_is_lowered_again(project):
    report(project)
    before = len(entries(project / FOLDER))
    source = project / "src/com/acme/data/Backup.java"
    text = source.read_text()
    source.write_text(text.replace("resolver.query(calls, null, null, null, null); // expect: PDC201",
                                   "// the calls query was removed"))
    after = report(project)
    lines = {(f["path"], f["line"]) for f in after["findings"]}
    assert ("src/com/acme/data/Backup.java", 23) not in lines
    assert len(entries(project / FOLDER)) == before + 1  # a new entry beside the old one
    shutil.rmtree(project / FOLDER)
    assert report(project, "--no-cache") == after


def test_catalog_change_is_not_served_stale(project, tmp_path):
    """Lowering still reads the catalogs: another catalog is another key."""
    report(project)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "acme.toml").write_text(
        'language = "java"\n\n[[source]]\nid = "acme-notes"\napi = ["com.acme.data.Backup.other"]\n'
        'kind = "call"\ncategory = "contacts"\nreferences = ["https://example.com"]\n')
    before = len(entries(project / FOLDER))
    report(project, "--catalog", extra)
    assert len(entries(project / FOLDER)) == 2 * before


def test_corrupt_entry_is_a_miss(project):
    cold = report(project)
    for entry in [*entries(project / FOLDER), *(project / FOLDER / "runs").iterdir(), project / FOLDER / "stats"]:
        entry.write_bytes(b"not a pickle")
    assert report(project) == cold


def test_unchanged_project_is_served_from_its_last_run(project):
    """A re-run of an unchanged project reads the results, not the facts;
    another manifest, or one file's check, is judged on the facts again."""
    cold = report(project)
    shutil.rmtree(project / FOLDER / "facts")
    assert report(project) == cold
    manifest = project / "privacy-manifest.toml"
    manifest.write_text(manifest.read_text() + "\n# another manifest is another project\n")
    changed = report(project)
    assert changed == report(project, "--no-cache")
    assert entries(project / FOLDER)  # lowered again, for the new key
    one = json.loads(run("check", "src/com/acme/data/Backup.java", "--format", "json", "--exit-zero",
                         cwd=project).stdout)
    assert one["findings"] == [f for f in changed["findings"] if f["path"] == "src/com/acme/data/Backup.java"]
    assert one == json.loads(run("check", "src/com/acme/data/Backup.java", "--format", "json", "--exit-zero",
                                 "--no-cache", cwd=project).stdout)


def test_rewrite_with_the_same_size_and_time_is_read_again(project):
    """A file is not read again while its ``stat`` is unchanged; a rewrite
    that keeps its size and modification time still moves its change time."""
    time.sleep(SETTLED_NS / 1e9 + 0.2)  # the copy has settled: its digests are kept
    report(project)
    assert (project / FOLDER / "stats").is_file()
    source = project / "src/com/acme/data/Backup.java"
    before = source.stat()
    text = source.read_text()
    query = "resolver.query(calls, null, null, null, null);"
    edited = text.replace(query, "resolver.hashCode();".ljust(len(query)))
    assert len(edited) == len(text) and edited != text
    source.write_text(edited)
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    lines = {(f["path"], f["line"]) for f in report(project)["findings"]}
    assert ("src/com/acme/data/Backup.java", 23) not in lines


def test_no_cache_and_cache_dir(project, tmp_path):
    report(project, "--no-cache")
    assert not (project / FOLDER).exists()
    elsewhere = tmp_path / "cache"
    report(project, "--cache-dir", elsewhere)
    assert not (project / FOLDER).exists() and entries(elsewhere)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes through permissions")
def test_unwritable_cache_is_skipped(project):
    cold = report(project, "--no-cache")
    (project / FOLDER).mkdir()
    (project / FOLDER).chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        proc = run("check", ".", "--format", "json", "--exit-zero", cwd=project)
        assert proc.stderr == ""
        assert json.loads(proc.stdout) == cold
    finally:
        (project / FOLDER).chmod(stat.S_IRWXU)


def test_cache_that_cannot_be_created_is_skipped(project, tmp_path):
    """A cache path that cannot be a folder (here: a file) is skipped silently."""
    cold = report(project, "--no-cache")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    proc = run("check", ".", "--format", "json", "--exit-zero", "--cache-dir", blocker, cwd=project)
    assert proc.stderr == "" and json.loads(proc.stdout) == cold
    assert blocker.read_text() == ""


def test_catalogs_load_from_the_cache_until_a_catalog_file_changes(tmp_path, monkeypatch):
    """Start-up parsed and checked every catalog file again (half of a one-file
    check): they are compiled once into the user's cache folder, also without
    a facts cache."""
    from consentlint import engine, schema

    monkeypatch.setenv("CONSENTLINT_CACHE_HOME", str(tmp_path / "home"))

    extra = tmp_path / "checks"
    extra.mkdir()
    (extra / "mine.toml").write_text(
        'language = "python"\n\n[[source]]\nid = "py-acme-locate"\napi = ["acme.geo.locate"]\n'
        'kind = "call"\ncategory = "location.precise"\nreferences = ["https://example.com/acme"]\n', "utf-8")
    settings = engine.Settings(None, catalog_dirs=(str(extra),))
    first = engine.Engine(settings).catalog
    read = schema.read_toml

    def refused(*args):
        raise AssertionError("a catalog file was parsed again")

    monkeypatch.setattr(schema, "read_toml", refused)
    again = engine.Engine(settings).catalog
    assert [s.id for s in again.sources] == [s.id for s in first.sources]
    assert "acme.geo.locate" in again.for_language("python").sources
    # an edit to a catalog file is a new key: parsed again, and the edit counts
    monkeypatch.setattr(schema, "read_toml", read)
    (extra / "mine.toml").write_text((extra / "mine.toml").read_text("utf-8").replace("locate", "where"), "utf-8")
    edited = engine.Engine(settings).catalog
    assert "acme.geo.where" in edited.for_language("python").sources
    assert "acme.geo.locate" not in edited.for_language("python").sources
    assert len(list(CompiledCatalogs().folder.iterdir())) == 1  # (only the newest is kept)


def test_settled_project_is_known_by_its_files_stat(project, monkeypatch, tmp_path):
    """A project whose files all have the ``stat`` they had at a scan before
    is that scan's project: its results are read without reading a file or
    working out a facts key (``snapshots/``). Files written too recently to
    tell two writes apart make no snapshot; a file rewritten since (same size
    and modification time) is looked at again."""
    fresh = report(project)
    assert not (project / FOLDER / "snapshots").exists()  # just copied: not settled
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    assert report(project) == fresh
    assert len(list((project / FOLDER / "snapshots").iterdir())) == 1

    from consentlint import cli, engine

    def identify(*_, **__):
        raise AssertionError("a file was identified")

    monkeypatch.chdir(project)
    out = tmp_path / "out.json"
    with monkeypatch.context() as patched:
        patched.setattr(engine.Engine, "identify", identify)
        cli.main(["check", ".", "--format", "json", "--exit-zero", "-o", str(out)])
        assert json.loads(out.read_text()) == fresh
        one = "src/com/acme/data/Backup.java"
        cli.main(["check", one, "--format", "json", "--exit-zero", "-o", str(out)])
        assert json.loads(out.read_text())["findings"] == [f for f in fresh["findings"] if f["path"] == one]
    source = project / "src/com/acme/data/Backup.java"
    before = source.stat()
    text = source.read_text()
    query = "resolver.query(calls, null, null, null, null);"
    source.write_text(text.replace(query, "resolver.hashCode();".ljust(len(query))))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = report(project)
    assert ("src/com/acme/data/Backup.java", 23) not in {(f["path"], f["line"]) for f in edited["findings"]}
    assert edited == report(project, "--no-cache")


def test_one_file_check_reads_the_project_listing_until_a_folder_changes(project, monkeypatch, tmp_path):
    """A one-file check reads the rest of the project (the index's context)
    from the listing a whole-project scan kept (``listings/``), without
    walking its folders, while none of them and none of the ignore files
    looked for changed: a file added since, or a ``.gitignore`` edited in
    place since, makes it walk again."""
    (project / "src" / ".gitignore").write_text("# nothing ignored yet\n")
    report(project)
    assert not (project / FOLDER / "listings").exists()  # just copied: not settled
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    report(project)
    assert len(list((project / FOLDER / "listings").iterdir())) == 1

    from consentlint import cli, discovery

    walked = []
    discover = discovery.discover

    def spy(paths, *args, **kwargs):
        walked.extend(p for p in paths if Path(p).is_dir())
        return discover(paths, *args, **kwargs)

    monkeypatch.chdir(project)
    monkeypatch.setattr(discovery, "discover", spy)
    out = tmp_path / "out.json"
    one = "src/com/acme/data/Backup.java"

    def check() -> dict:
        cli.main(["check", one, "--format", "json", "--exit-zero", "-o", str(out)])
        return json.loads(out.read_text())

    def uncached() -> dict:
        cli.main(["check", one, "--format", "json", "--exit-zero", "--no-cache", "-o", str(out)])
        return json.loads(out.read_text())

    first = check()
    assert walked == [] and first == uncached()
    walked.clear()
    helper = project / "src/com/acme/data/Extra.java"
    helper.write_text("package com.acme.data;\n\nclass Extra {\n}\n")
    assert check() == uncached() and walked, "a file added since the listing was kept"
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    check()  # (walked and kept again: settled now)
    walked.clear()
    check()
    assert walked == []
    folder = project / "src"
    before = folder.stat()
    (folder / ".gitignore").write_text("Extra.java\n")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))  # (an edit in place leaves the folder as it was)
    assert check() == uncached() and walked, "a .gitignore edited since the listing was kept"


def test_android_manifest_edit_is_not_served_stale(tmp_path):
    """The project stage reads ``AndroidManifest.xml`` (an SDK turned off
    there, the launcher activity): an edit to it alone is another run, warm
    or settled."""
    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "projects" / "android-manifest", project)
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    quiet = report(project)
    tracking = "quiet/src/main/java/com/acme/quiet/Tracking.kt"
    assert (tracking, 7) not in {(f["path"], f["line"]) for f in quiet["findings"]}
    assert report(project) == quiet  # from the snapshot
    manifest = project / "quiet/src/main/AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace('android:value="false"', 'android:value="true"'))
    loud = report(project)
    assert (tracking, 7, "PDC206") in {(f["path"], f["line"], f["code"]) for f in loud["findings"]}
    assert loud == report(project, "--no-cache")
