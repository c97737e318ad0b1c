"""CLI transcripts: commands with their expected output and exit code.

A transcript file (``*.t``) holds blocks::

    $ gnt-node list -o name,role
    # exit=0
    Node  Role
    node1 M
    ! an expected stderr line

``$ `` starts a command (run with bash, as on the master; ``$node2$ cmd``
runs it as node2), ``# exit=N`` gives the exit code, the following lines
are the expected stdout and ``! `` lines the expected stderr (when no
``! `` line is given, stderr must be empty).  Lines starting with ``#`` before
the first command are comments.  Placeholders in expected lines:
``{{uuid}}``, ``{{ts}}`` (a ctime-style time stamp as printed in job logs),
``{{time}}`` (YYYY-MM-DD HH:MM:SS), ``{{num}}``, ``{{mac}}``, ``{{*}}``
(anything on the line); a line made of ``...`` matches any number of lines.
"""

import re

_PLACEHOLDERS = {
  "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
  "ts": r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}",
  "time": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
  "num": r"-?\d+(?:\.\d+)?",
  "mac": r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}",
  "*": r".*",
}
_PH_RE = re.compile(r"\{\{(uuid|ts|time|num|mac|\*)\}\}")


class Block:
  def __init__(self, command, node, lineno):
    self.command = command
    self.node = node
    self.lineno = lineno
    self.exit_code = 0
    self.stdout = []
    self.stderr = []


def Parse(text):
  blocks = []
  current = None
  for lineno, line in enumerate(text.splitlines(), 1):
    m = re.match(r"^\$(?:(\w+)\$)? (.*)$", line)
    if m:
      current = Block(m.group(2), m.group(1), lineno)
      blocks.append(current)
      continue
    if current is None:
      if line.startswith("#") or not line.strip():
        continue
      raise ValueError("line %d: text before the first command" % lineno)
    m = re.match(r"^# exit=(\d+)$", line)
    if m and not current.stdout and not current.stderr:
      current.exit_code = int(m.group(1))
    elif line.startswith("! ") or line == "!":
      current.stderr.append(line[2:])
    else:
      current.stdout.append(line)
  for block in blocks:
    while block.stdout and block.stdout[-1] == "":
      block.stdout.pop()
  return blocks


def _LineRegex(line):
  if line == "...":
    return None
  out = []
  pos = 0
  for m in _PH_RE.finditer(line):
    out.append(re.escape(line[pos:m.start()]))
    out.append(_PLACEHOLDERS[m.group(1)])
    pos = m.end()
  out.append(re.escape(line[pos:]))
  return "".join(out)


def Compile(lines):
  parts = []
  for line in lines:
    rx = _LineRegex(line)
    parts.append(r"(?:[^\n]*\n)*?" if rx is None else rx + r"\n")
  return re.compile("".join(parts), re.DOTALL)


def Matches(expected_lines, actual):
  if actual and not actual.endswith("\n"):
    actual += "\n"
  return Compile(expected_lines).fullmatch(actual) is not None


def Run(cluster, blocks, name):
  """Run each block's command on ``cluster`` (as on its node, default the
  master) and assert its exit code, stdout and stderr; ``name`` (the
  transcript's file name) and the block's line start each failure."""
  for block in blocks:
    result = cluster.Run(block.command, node=block.node)
    where = "%s:%d: $ %s" % (name, block.lineno, block.command)
    assert result.exit_code == block.exit_code, \
      "%s\nexit %s != %s\nstdout:\n%s\nstderr:\n%s" % (
        where, result.exit_code, block.exit_code, result.stdout,
        result.stderr)
    assert Matches(block.stdout, result.stdout), \
      "%s\nstdout differs; expected:\n%s\ngot:\n%s\nstderr:\n%s" % (
        where, "\n".join(block.stdout), result.stdout, result.stderr)
    assert Matches(block.stderr, result.stderr), \
      "%s\nstderr differs; expected:\n%s\ngot:\n%s" % (
        where, "\n".join(block.stderr), result.stderr)
