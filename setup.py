"""Installation of pyganeti: the ``ganeti`` package, commands and daemons."""

import os

from setuptools import setup


def _Pkgs():
  pkgs = []
  for dirpath, _, files in os.walk("lib"):
    if "__init__.py" in files:
      pkgs.append("ganeti" + dirpath[3:].replace(os.sep, "."))
  return pkgs


def _Files(d):
  return sorted(os.path.join(d, f) for f in os.listdir(d)
                if not f.startswith(".") and os.path.isfile(os.path.join(d, f)))


setup(
  name="pyganeti",
  version="3.0.2",
  description="Ganeti cluster manager, in pure Python",
  packages=_Pkgs(),
  package_dir={"ganeti": "lib"},
  scripts=_Files("scripts") + _Files("daemons") + _Files("tools"),
  data_files=[("share/ganeti/extstorage/pyganeti-file",
               _Files("share/extstorage/pyganeti-file"))],
  python_requires=">=3.9",
  install_requires=["pyOpenSSL", "pyparsing", "pyinotify", "simplejson",
                    "numpy",
                    "paramiko", "python-daemon"],
)
