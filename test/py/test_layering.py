"""The request path runs in one direction only (DESIGN.md §2).

Parses every module under lib/ (the ``ganeti`` package) with ``ast`` and
fails on a reversed edge, including imports inside functions.
"""

import ast
import os

import pytest

pytestmark = pytest.mark.unit

LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__)))), "lib")

# package prefix (module of the importer) -> forbidden import prefixes
FORBIDDEN = {
  "ganeti.cmdlib": ("ganeti.backend", "ganeti.hypervisor", "ganeti.storage"),
  "ganeti.backend": ("ganeti.cmdlib", "ganeti.config", "ganeti.mcpu",
                     "ganeti.jqueue"),
  "ganeti.hypervisor": ("ganeti.cmdlib", "ganeti.config", "ganeti.mcpu"),
  "ganeti.storage": ("ganeti.cmdlib", "ganeti.config", "ganeti.mcpu"),
}


def _ModuleName(path):
  rel = os.path.relpath(path, LIB)[:-len(".py")].split(os.sep)
  if rel[-1] == "__init__":
    rel = rel[:-1]
  return ".".join(["ganeti"] + rel)


def _IsPackage(path):
  return os.path.basename(path) == "__init__.py"


def _AllModules():
  for root, dirs, files in os.walk(LIB):
    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
    for name in sorted(files):
      if name.endswith(".py"):
        yield os.path.join(root, name)


def ImportedModules(source, modname, is_package):
  """Returns the set of (absolute) module names imported by the source.

  ``from X import y`` yields both ``X`` and ``X.y`` (y may be a module).

  """
  result = set()
  for node in ast.walk(ast.parse(source)):
    if isinstance(node, ast.Import):
      for alias in node.names:
        result.add(alias.name)
    elif isinstance(node, ast.ImportFrom):
      if node.level:
        parts = modname.split(".")
        if not is_package:
          parts = parts[:-1]
        if node.level > 1:
          parts = parts[:-(node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
      else:
        base = node.module
      result.add(base)
      for alias in node.names:
        result.add("%s.%s" % (base, alias.name))
  return result


def _Matches(name, prefix):
  return name == prefix or name.startswith(prefix + ".")


def FindViolations(modname, imports):
  found = []
  for owner, forbidden in FORBIDDEN.items():
    if not _Matches(modname, owner):
      continue
    for imp in sorted(imports):
      for bad in forbidden:
        if _Matches(imp, bad):
          found.append("%s imports %s" % (modname, imp))
  return found


def testModulesFound():
  names = [_ModuleName(p) for p in _AllModules()]
  for pkg in ("ganeti.cmdlib", "ganeti.backend", "ganeti.hypervisor",
              "ganeti.storage", "ganeti.config", "ganeti.mcpu"):
    assert pkg in names


def testNoReversedEdges():
  violations = []
  for path in _AllModules():
    with open(path, encoding="utf-8") as fd:
      source = fd.read()
    modname = _ModuleName(path)
    violations.extend(FindViolations(
      modname, ImportedModules(source, modname, _IsPackage(path))))
  assert violations == []


@pytest.mark.parametrize("source,modname,is_pkg,expected", [
  ("from ganeti import backend", "ganeti.cmdlib.node", False,
   {"ganeti", "ganeti.backend"}),
  ("def f():\n  import ganeti.storage.filestorage\n",
   "ganeti.cmdlib.node", False, {"ganeti.storage.filestorage"}),
  ("from . import base", "ganeti.cmdlib.node", False,
   {"ganeti.cmdlib", "ganeti.cmdlib.base"}),
  ("from .. import config", "ganeti.backend.node", False,
   {"ganeti", "ganeti.config"}),
  ("from .files import x", "ganeti.backend", True,
   {"ganeti.backend.files", "ganeti.backend.files.x"}),
])
def testImportParsing(source, modname, is_pkg, expected):
  assert ImportedModules(source, modname, is_pkg) == expected


@pytest.mark.parametrize("modname,source", [
  ("ganeti.cmdlib.instance", "def f():\n  from ganeti import hypervisor\n"),
  ("ganeti.cmdlib.node", "import ganeti.backend.node\n"),
  ("ganeti.backend.node", "class A:\n  def m(self):\n"
   "    from ganeti.config import ConfigWriter\n"),
  ("ganeti.backend", "from ganeti import mcpu\n"),
  ("ganeti.hypervisor.hv_fake", "from ganeti import config\n"),
  ("ganeti.storage.filestorage", "from ganeti.cmdlib import base\n"),
  ("ganeti.backend.jstore", "from ganeti.jqueue import storage\n"),
])
def testDetectsReversedEdge(modname, source):
  assert FindViolations(modname, ImportedModules(source, modname, False))


def testAllowedEdges():
  for modname, source in [
      ("ganeti.cmdlib.node", "from ganeti import rpc, config, objects\n"),
      ("ganeti.backend.node", "from ganeti import hypervisor, storage\n"),
      ("ganeti.config", "from ganeti import objects\n"),
      ]:
    assert not FindViolations(modname, ImportedModules(source, modname, False))
