"""The htools test clusters and the option sets the hbal tests run."""

import os

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))))
DATA_DIR = os.path.join(TOP, "test", "data", "htools")
GOLDEN_DIR = os.path.join(DATA_DIR, "golden")

#: Where Debian's ganeti-htools-3.0 installs upstream's programs
UPSTREAM_BIN = "/usr/lib/ganeti/3.0/usr/bin"

#: option sets for hbal, by case name (the golden files' middle part)
HBAL_CASES = {
  "default": [],
  "commands": ["-C"],
  "verbose": ["-v", "-v", "-v", "-v", "-v"],
  "print": ["-p", "--print-instances", "-q"],
  "nodisk": ["--no-disk-moves", "-C"],
  "noinst": ["--no-instance-moves", "-l", "3"],
  "evac": ["-E", "--restricted-migration"],
  "tuning": ["-g", "0.5", "--min-gain-limit", "10", "--max-cpu=2",
             "--min-disk=0.2", "--ignore-soft-errors"],
  "mond": ["--mond", "--mond-data",
           os.path.join(DATA_DIR, "mond", "cpu-load.json"), "-C"],
}


def DataFiles():
  """(name, path) of every htools test cluster, sorted."""
  return [(f[:-len(".data")], os.path.join(DATA_DIR, f))
          for f in sorted(os.listdir(DATA_DIR)) if f.endswith(".data")]


#: option sets of the other programs
HINFO_CASES = {
  "default": [],
  "verbose": ["-v", "-v", "-v"],
  "print": ["-p", "--print-instances", "-q"],
  "mond": ["--mond=yes", "--mond-data",
           os.path.join(DATA_DIR, "mond", "cpu-load.json"), "-q"],
}

#: option sets of hsqueeze (the plan, -C, both resource factors)
HSQUEEZE_CASES = {
  "default": [],
  "verbose": ["-v", "-v", "-C"],
  "resources": ["--target-resources=1", "--minimal-resources=3", "-C", "-v",
                "-v"],
  "expand": ["--minimal-resources=10", "--no-headers", "-C", "-v", "-v"],
}

#: option sets for hcheck
HCHECK_CASES = {
  "default": [],
  "machine": ["--machine-readable"],
  "verbose": ["-v", "-v", "--no-capacity-checks"],
  "nosim": ["--no-simulation", "--machine-readable=yes", "-O", "node-01"],
  "tuning": ["--no-disk-moves", "-l", "2", "-e", "0.5", "--max-cpu=2",
             "--min-disk=0.1", "-g", "0.2", "--min-gain-limit", "5"],
}

#: option sets for hroller
HROLLER_CASES = {
  "default": ["-v", "-v", "-v"],
  "moves": ["--print-moves", "--full-evacuation"],
  "offline": ["--offline-maintenance", "--print-moves", "--one-step-only"],
  "redundancy": ["--skip-non-redundant", "--no-headers"],
  "ignore": ["--ignore-non-redundant", "--full-evacuation", "--print-moves",
             "-G", "group-01"],
}

#: option sets of hail, run as ``hail <options> REQUEST`` on every
#: iallocator request of the test data (:func:`RequestFiles`); recorded by
#: tools/hail-golden, compared by test/py/test_htools_hail.py
HAIL_CASES = {
  "default": [],
  "print": ["-p"],
  "nocapacity": ["--no-capacity-checks"],
  "soft": ["--ignore-soft-errors"],
  "verbose": ["-v"],
  "verbose2": ["-v", "-v"],
}


def RequestFiles():
  """(name, path) of every iallocator request of the test data, sorted."""
  return [(f[:-len(".json")], os.path.join(DATA_DIR, f))
          for f in sorted(os.listdir(DATA_DIR))
          if f.startswith("hail-") and f.endswith(".json")]

#: option sets of hspace
HSPACE_CASES = {
  "default": [],
  "machine": ["--machine-readable", "--no-capacity-checks"],
  "plain": ["--disk-template=plain", "--tiered-alloc=102400,4096,2"],
  "verbose": ["-v", "-v", "-pname,pcnt,scnt,amem,fdsk",
              "--no-capacity-checks", "--tiered-alloc=1048576,65536,8",
              "--standard-alloc=409600,16384,4"],
}

#: (program, case, test cluster) -> why pyganeti's answer still differs
#: from upstream's; the tests expect these to fail (strict xfail), so a
#: fix shows up as an unexpected pass
KNOWN_DIFFERENCES = {}

#: program -> option sets (one line per program; the programs run as
#: ``<program> -t FILE <options>`` on every test cluster)
PROGRAMS = {
  "hbal": HBAL_CASES,
  "hinfo": HINFO_CASES,
  "hsqueeze": HSQUEEZE_CASES,
  "hcheck": HCHECK_CASES,
  "hroller": HROLLER_CASES,
  "hspace": HSPACE_CASES,
}


def GoldenFile(case, program="hbal"):
  return os.path.join(GOLDEN_DIR, "%s-%s.json" % (program, case))
