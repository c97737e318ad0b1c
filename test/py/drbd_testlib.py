"""A fake DRBD 8.4 node for unit tests: kernel state plus its tools.

:class:`FakeDrbd` keeps the state of the minors of one node and answers
the ``drbdsetup``/``drbdmeta``/``dd``/``blockdev`` command lines that
:mod:`ganeti.storage.drbd` runs, as the real tools would: ``/proc/drbd``
is rewritten after every command in the layout of the recorded fixture
``test/data/proc_drbd84.txt`` and ``drbdsetup show`` prints the layout of
``test/data/bdev-drbd-8.4.txt``.  The peer is not simulated: a test moves
the connection on with :meth:`FakeDrbd.PeerConnects` and friends.

``Install`` points the module's ``RunCmd``, kernel file paths, meta
device read check and clock at the fake; every argv is recorded in
``calls``; ``FailOn`` makes a command fail like the tool would.
"""

import os

from ganeti.storage import base
from ganeti.storage import drbd_node
from ganeti.utils import process

VERSION_LINES = (
  "version: 8.4.2 (api:1/proto:86-101)\n"
  "GIT-hash: 7ad5f850d711223713d6dcadc3dd48860321070c build by"
  " root@example.com, 2013-04-10 07:45:25\n")

MIB = 1024 * 1024


class FakeLV(base.BlockDev):
  """A stand-in for an attached LV child: records what DRBD asks of it."""

  def __init__(self, path, size_mb=1024, log=None):
    super().__init__(("xenvg", os.path.basename(path)), [], size_mb, {})
    self.dev_path = path
    self.attached = True
    self.log = log if log is not None else []

  def Attach(self, **kwargs):
    self.log.append(("attach", self.dev_path))
    return self.attached

  def Assemble(self):
    self.log.append(("assemble", self.dev_path))

  def Open(self, force=False, exclusive=True):
    self.log.append(("open", self.dev_path))

  def Grow(self, amount, dryrun, backingstore, excl_stor):
    self.log.append(("grow", self.dev_path, amount, dryrun, backingstore))
    if backingstore and not dryrun:
      self.size += amount

  def SetSyncParams(self, params):
    self.log.append(("syncparams", self.dev_path))
    return []


class _Minor:
  """The kernel state of one minor."""

  def __init__(self, minor):
    self.minor = minor
    self.disk = self.meta = None
    self.laddr = self.raddr = None     # ("ipv4", host, port)
    self.net_opts = []
    self.cs = "StandAlone"
    self.role = "Secondary"
    self.peer_role = "Unknown"
    self.ldisk = "Diskless"
    self.rdisk = "DUnknown"
    self.size_mb = None
    self.sync = None                   # (percent, seconds left)
    self.disk_opts = []


class FakeDrbd:
  """One node's DRBD kernel module and tools (see the module docstring)."""

  def __init__(self, tmpdir):
    self.proc_file = os.path.join(str(tmpdir), "proc_drbd")
    self.helper_file = os.path.join(str(tmpdir), "usermode_helper")
    with open(self.helper_file, "w") as fh:
      fh.write("/bin/true\n")
    self.minors = {}
    self.resources = set()
    self.calls = []
    self.device_bytes = {}     # block device path -> size in bytes
    self.unreadable = set()    # device paths that fail to read
    self.meta_state = {}       # meta path -> disk state after attach
    self.disconnect_delay = 0  # /proc reads before a disconnect shows
    self.show_hidden = set()   # minors whose show omits the network
    self.clock = 0.0
    self._failures = []
    self._pending_disconnect = {}
    self._later = []
    self.Write()

  # Test controls -------------------------------------------------------
  def Install(self, monkeypatch):
    monkeypatch.setattr(base, "RunCmd", self.RunCmd)
    monkeypatch.setattr(drbd_node, "PROC_DRBD_FILE", self.proc_file)
    monkeypatch.setattr(drbd_node, "USERMODE_HELPER_FILE", self.helper_file)
    monkeypatch.setattr(drbd_node, "CanReadDevice",
                        lambda path: path not in self.unreadable)
    monkeypatch.setattr(drbd_node, "_Now", lambda: self.clock)
    monkeypatch.setattr(drbd_node, "_Sleep", self._Sleep)
    original = drbd_node.GetProcInfo

    def _GetProcInfo(filename=None):
      self._Tick()
      return original(filename)
    monkeypatch.setattr(drbd_node, "GetProcInfo", _GetProcInfo)
    return self

  def Later(self, reads, fn, after=None):
    """Run ``fn`` (a state change of the peer) after ``reads`` more reads
    of /proc/drbd, counted from the next command starting with the words
    ``after`` (from now if None)."""
    self._later.append([reads, fn, list(after) if after else None])

  def PlainClass(self):
    """A stand-in for the ``plain`` device class: an LV is attached when
    its path is one of the fake's devices."""
    fake = self

    class _PlainLV(FakeLV):
      def __init__(self, unique_id, children, size, params, dyn_params=None,
                   **kwargs):
        path = "/dev/%s/%s" % tuple(unique_id)
        super().__init__(path, size)
        self.attached = path in fake.device_bytes
    return _PlainLV

  def _Sleep(self, seconds):
    assert seconds >= 0
    self.clock += seconds

  def FailOn(self, *prefix, output="error", exit_code=10):
    """Make commands starting with ``prefix`` fail with ``output``."""
    self._failures.append((list(prefix), output, exit_code))

  def AddDevice(self, path, size_mb):
    self.device_bytes[path] = int(size_mb * MIB)

  def PeerConnects(self, minor, peer_role="Secondary", rdisk=None,
                   sync=None):
    """The peer answered: Connected, or SyncSource/SyncTarget with
    ``sync`` = (percent, seconds left) depending on which disk is newer."""
    m = self.minors[minor]
    assert m.raddr is not None, "minor %d has no network" % minor
    m.peer_role = peer_role
    m.rdisk = rdisk or ("Inconsistent" if m.ldisk == "UpToDate"
                        else "UpToDate")
    if sync is not None:
      m.sync = sync
      m.cs = "SyncSource" if m.ldisk == "UpToDate" else "SyncTarget"
    else:
      m.cs = "Connected"
    self.Write()

  def SyncDone(self, minor):
    m = self.minors[minor]
    m.sync = None
    m.cs = "Connected"
    m.ldisk = m.rdisk = "UpToDate"
    self.Write()

  def SetState(self, minor, **kwargs):
    m = self.minors[minor]
    for (key, value) in kwargs.items():
      assert hasattr(m, key), key
      setattr(m, key, value)
    self.Write()

  def Commands(self, *prefix):
    """The recorded argv lists (those starting with the ``prefix`` words)."""
    return [c for c in self.calls if c[:len(prefix)] == list(prefix)]

  # /proc/drbd and show -------------------------------------------------
  def ProcText(self):
    lines = [VERSION_LINES]
    for minor in sorted(self.minors):
      m = self.minors[minor]
      proto = "C" if m.raddr else " "
      lines.append(" %d: cs:%s ro:%s/%s ds:%s/%s %s r-----\n" %
                   (minor, m.cs, m.role, m.peer_role, m.ldisk, m.rdisk,
                    proto))
      lines.append("    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0"
                   " ep:1 wo:f oos:0\n")
      if m.sync is not None:
        (pct, left) = m.sync
        lines.append("\t[=====>..............] sync'ed: %.1f%%"
                     " (1024/2048)K\n" % pct)
        lines.append("\tfinish: %d:%02d:%02d speed: 64,800 (64,800) K/sec\n"
                     % (left // 3600, (left // 60) % 60, left % 60))
      lines.append("\n")
    return "".join(lines)

  def Write(self):
    with open(self.proc_file, "w") as fh:
      fh.write(self.ProcText())

  def ShowText(self, minor):
    m = self.minors[minor]
    out = ["resource resource%d {\n" % minor, "    options {\n    }\n"]
    if m.raddr and minor not in self.show_hidden:
      out.append("    net {\n")
      words = list(m.net_opts)
      while words:
        opt = words.pop(0)
        if opt.startswith("--") and words and not words[0].startswith("--"):
          out.append("        %-23s \"%s\";\n" % (opt[2:], words.pop(0)))
        elif opt.startswith("--"):
          out.append("        %-23s yes;\n" % opt[2:])
      out.append("    }\n")
      out.append("    _remote_host {\n        address                 %s"
                 " %s:%d;\n    }\n" % m.raddr)
    out.append("    _this_host {\n")
    if m.laddr and minor not in self.show_hidden:
      out.append("        address                 %s %s:%d;\n" % m.laddr)
    out.append("        volume 0 {\n")
    out.append("            device                      minor %d;\n" % minor)
    if m.disk:
      out.append("            disk                        \"%s\";\n" % m.disk)
      out.append("            meta-disk                   \"%s\" [ 0 ];\n" %
                 m.meta)
      out.append("            disk {\n                size %ds; # bytes\n"
                 "            }\n" % ((m.size_mb or 0) * 2048))
    out.append("        }\n    }\n}\n")
    return "".join(out)

  # Commands ------------------------------------------------------------
  def _Tick(self):
    """A /proc read: delayed disconnects and L{Later} changes happen."""
    for item in list(self._later):
      if item[2] is not None:
        continue
      item[0] -= 1
      if item[0] <= 0:
        self._later.remove(item)
        item[1]()
    for minor in list(self._pending_disconnect):
      self._pending_disconnect[minor] -= 1
      if self._pending_disconnect[minor] <= 0:
        del self._pending_disconnect[minor]
        self._Disconnect(self.minors[minor])
    self.Write()

  def RunCmd(self, cmd, **kwargs):
    cmd = [str(a) for a in cmd]
    self.calls.append(cmd)
    for item in self._later:
      if item[2] is not None and cmd[:len(item[2])] == item[2]:
        item[2] = None
    for (prefix, output, code) in self._failures:
      if cmd[:len(prefix)] == prefix:
        return process.RunResult(code, None, "", output, " ".join(cmd))
    try:
      out = self._Dispatch(cmd)
    except _ToolError as err:
      return process.RunResult(err.code, None, "", err.text, " ".join(cmd))
    self.Write()
    return process.RunResult(0, None, out or "", "", " ".join(cmd))

  def _Get(self, minor):
    minor = int(minor)
    if minor not in self.minors:
      raise _ToolError("%d: Minor not available" % minor)
    return self.minors[minor]

  def _Dispatch(self, cmd):
    if cmd[0] == "dd":
      target = [a for a in cmd if a.startswith("of=")][0][3:]
      if target not in self.device_bytes:
        raise _ToolError("dd: can't open '%s'" % target, 1)
      self.meta_state.pop(target, None)
      return ""
    if cmd[0] == "blockdev":
      assert cmd[1] == "--getsize64"
      path = cmd[2]
      if path.startswith("/dev/drbd"):
        return "%d\n" % (self._Get(path[9:]).size_mb * MIB)
      if path not in self.device_bytes:
        raise _ToolError("blockdev: cannot open %s" % path, 1)
      return "%d\n" % self.device_bytes[path]
    if cmd[0] == "drbdmeta":
      return self._Drbdmeta(cmd)
    assert cmd[0] == "drbdsetup", cmd
    handler = getattr(self, "_Setup_" + cmd[1].replace("-", "_"))
    return handler(cmd[2:])

  def _Drbdmeta(self, cmd):
    args = [a for a in cmd[1:] if a != "--force"]
    (dev, fmt, meta, index, action) = args
    assert fmt == "v08" and index == "flex-external", cmd
    if meta not in self.device_bytes:
      raise _ToolError("open(%s) failed: No such file or directory" % meta)
    if action == "create-md":
      for m in self.minors.values():
        if m.meta == meta:
          raise _ToolError("Device '%s' is configured!" % dev, 20)
      self.meta_state[meta] = "Inconsistent"
      return "Writing meta data...\nNew drbd meta data block successfully" \
             " created.\n"
    assert action == "apply-al", cmd
    if meta not in self.meta_state:
      raise _ToolError("No valid meta data found", 255)
    return ""

  def _Setup_new_resource(self, args):
    self.resources.add(args[0])

  def _Setup_new_minor(self, args):
    (resource, minor, volume) = args
    assert resource in self.resources and volume == "0"
    assert resource == "resource%s" % minor
    self.minors.setdefault(int(minor), _Minor(int(minor)))

  def _Setup_attach(self, args):
    m = self._Get(args[0])
    (data, meta) = args[1:3]
    for path in (data, meta):
      if path not in self.device_bytes:
        raise _ToolError("%s: Can not open backing device." % args[0])
    m.disk, m.meta = data, meta
    m.ldisk = self.meta_state.get(meta, "Inconsistent")
    m.size_mb = self.device_bytes[data] // MIB
    if "--size" in args:
      m.size_mb = int(args[args.index("--size") + 1].rstrip("m"))
    m.disk_opts = args[3:]

  def _Setup_disk_options(self, args):
    self._Get(args[0]).disk_opts.append(args[1:])

  def _Setup_connect(self, args):
    m = self._Get(args[0][len("resource"):])
    if m.raddr is not None:
      raise _ToolError("Connection already configured", 151)

    def _Addr(text):
      (family, rest) = text.split(":", 1)
      (host, port) = rest.rsplit(":", 1)
      return (family, host.strip("[]"), int(port))
    m.laddr, m.raddr = _Addr(args[1]), _Addr(args[2])
    m.net_opts = args[3:]
    m.cs = "WFConnection"

  def _Setup_show(self, args):
    return self.ShowText(self._Get(args[0]).minor)

  def _Setup_primary(self, args):
    m = self._Get(args[0])
    force = "--force" in args[1:]
    if m.ldisk != "UpToDate" and not force and not (
        m.cs == "Connected" and m.rdisk == "UpToDate"):
      raise _ToolError("%s: State change failed: (-2) Need access to"
                       " UpToDate data" % m.minor, 17)
    if m.peer_role == "Primary" and "--allow-two-primaries" not in \
        m.net_opts:
      raise _ToolError("%s: State change failed: (-1) Multiple primaries"
                       " not allowed by config" % m.minor, 11)
    if force and m.ldisk != "UpToDate":
      m.ldisk = "UpToDate"
      self.meta_state[m.meta] = "UpToDate"
    m.role = "Primary"

  def _Setup_secondary(self, args):
    self._Get(args[0]).role = "Secondary"

  def _Setup_detach(self, args):
    m = self._Get(args[0])
    m.disk = m.meta = None
    m.ldisk = "Diskless"

  def _Disconnect(self, m):
    m.laddr = m.raddr = None
    m.cs = "StandAlone"
    m.peer_role = "Unknown"
    m.rdisk = "DUnknown"
    m.sync = None
    m.net_opts = []

  def _Setup_disconnect(self, args):
    for m in self.minors.values():
      if m.laddr and "%s:%s:%d" % m.laddr == args[0] and \
          "%s:%s:%d" % m.raddr == args[1]:
        if self.disconnect_delay:
          self._pending_disconnect.setdefault(m.minor, self.disconnect_delay)
        else:
          self._Disconnect(m)
        return ""
    raise _ToolError("No such connection", 158)

  def _Setup_down(self, args):
    self.minors.pop(int(args[0][len("resource"):]), None)
    self.resources.discard(args[0])

  def _Setup_resize(self, args):
    m = self._Get(args[0])
    m.size_mb = int(args[args.index("--size") + 1].rstrip("m"))

  def _Setup_pause_sync(self, args):
    m = self._Get(args[0])
    m.cs = {"SyncSource": "PausedSyncS",
            "SyncTarget": "PausedSyncT"}.get(m.cs, m.cs)

  def _Setup_resume_sync(self, args):
    m = self._Get(args[0])
    m.cs = {"PausedSyncS": "SyncSource",
            "PausedSyncT": "SyncTarget"}.get(m.cs, m.cs)


class _ToolError(Exception):
  def __init__(self, text, code=10):
    super().__init__(text)
    self.text = text
    self.code = code
