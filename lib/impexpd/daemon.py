"""The import/export helper process (``import-export``).

Usage::

  import-export STATUS_FILE {import|export} --key=K --cert=C --ca=CA
      [--bind=ADDR] [--host=HOST --port=PORT] [--ipv4|--ipv6]
      [--compress=none|gzip|gzip-fast|gzip-slow] [--magic=M]
      [--expected-size=MIB] [--connect-timeout=S] [--listen-timeout=S]
      --io-spec=FILE

The importer binds a port on ``--bind`` (any free port), writes it to the
status file as ``listen_port`` and waits up to ``--listen-timeout``
seconds for the exporter; the exporter connects to ``--host:--port``,
retrying for ``--connect-timeout`` seconds.  The status file is rewritten
about twice a second while data flows and once more at the end with
``exit_status`` (0 on success) and ``error_message``.  SIGTERM aborts the
transfer (its child script is killed).
"""

import optparse
import select
import signal
import socket
import ssl
import sys
import time

from ganeti import constants
from ganeti import http
from ganeti import impexpd
from ganeti import serializer
from ganeti.impexpd import stream
from ganeti.impexpd.stream import TransferError


#: seconds an importer that failed keeps reading, see L{_SendError}
_DRAIN_TIME = 10.0


class _Aborted(Exception):
  pass


def _OnSigTerm(signum, frame):
  raise _Aborted("Transfer aborted by signal %d" % signum)


def BuildParser():
  parser = optparse.OptionParser(
    usage="%prog <status-file> {import|export} [options...]",
    description="Ganeti import/export helper: one disk's data stream")
  parser.add_option("--key", dest="key", help="TLS private key file")
  parser.add_option("--cert", dest="cert", help="TLS certificate file")
  parser.add_option("--ca", dest="ca", help="Certificate the peer must have")
  parser.add_option("--bind", dest="bind", default=None,
                    help="Address to listen on (import)")
  parser.add_option("--host", dest="host", default=None,
                    help="Address to connect to (export)")
  parser.add_option("--port", dest="port", type="int", default=None,
                    help="Port to connect to (export)")
  parser.add_option("--ipv4", dest="ipv6", action="store_false",
                    default=False, help="Use IPv4")
  parser.add_option("--ipv6", dest="ipv6", action="store_true",
                    help="Use IPv6")
  parser.add_option("--compress", dest="compress", default=impexpd.IEC_NONE,
                    choices=sorted(impexpd.IEC_ALL),
                    help="Transport compression")
  parser.add_option("--magic", dest="magic", default=None,
                    help="Magic string both ends must agree on")
  parser.add_option("--expected-size", dest="expected_size", type="int",
                    default=None, help="Expected data size in MiB")
  parser.add_option("--connect-timeout", dest="connect_timeout",
                    type="int", default=impexpd.DEFAULT_CONNECT_TIMEOUT,
                    help="Seconds to keep trying to connect (export)")
  parser.add_option("--listen-timeout", dest="listen_timeout", type="int",
                    default=impexpd.DEFAULT_LISTEN_TIMEOUT,
                    help="Seconds to wait for the peer (import)")
  parser.add_option("--io-spec", dest="io_spec",
                    help="JSON file describing the data source or sink")
  return parser


def ParseArgs(argv):
  """Parse and check the command line.

  @return: (options, status_file, mode)
  @raise TransferError: for invalid arguments
  """
  parser = BuildParser()
  (opts, args) = parser.parse_args(argv)
  if len(args) != 2:
    raise TransferError("Expected a status file and a mode, got %r" % args)
  (status_file, mode) = args
  if mode not in (impexpd.IEM_IMPORT, impexpd.IEM_EXPORT):
    raise TransferError("Invalid mode '%s'" % mode)
  for name in ("key", "cert", "ca", "io_spec"):
    if not getattr(opts, name):
      raise TransferError("Option --%s is required" % name.replace("_", "-"))
  if mode == impexpd.IEM_EXPORT and (not opts.host or not opts.port):
    raise TransferError("Export needs --host and --port")
  if mode == impexpd.IEM_IMPORT and (opts.host or opts.port):
    raise TransferError("Import does not take --host or --port")
  if not impexpd.CheckMagic(opts.magic):
    raise TransferError("Invalid magic '%s'" % opts.magic)
  return (opts, status_file, mode)


def _MakeContext(opts, server_side):
  proto = ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT
  ctx = ssl.SSLContext(proto)
  ctx.minimum_version = ssl.TLSVersion.TLSv1_2
  ctx.set_ciphers(constants.SSL_CIPHERS)
  if not server_side:
    ctx.check_hostname = False
  ctx.load_cert_chain(opts.cert, opts.key)
  ctx.load_verify_locations(cafile=opts.ca)
  ctx.verify_mode = ssl.CERT_REQUIRED
  return ctx


def _CheckPeer(sslsock, opts):
  """The peer must present exactly the CA certificate."""
  try:
    http.VerifyPeer(sslsock, http.LoadCertDigest(opts.ca))
  except http.HttpError as err:
    raise TransferError(str(err))


class _Progress:
  """Byte counting and the progress fields of the status file."""

  def __init__(self, status, expected_bytes=None):
    self._status = status
    self.expected_bytes = expected_bytes
    self.done = 0
    self._start = None
    self._last_write = 0.0

  def Start(self):
    self._start = time.monotonic()
    self.Update(0, force=True)

  def Update(self, nbytes, force=False):
    self.done += nbytes
    now = time.monotonic()
    if not force and now - self._last_write < impexpd.STATUS_INTERVAL:
      return
    self._last_write = now
    mib = self.done / (1024.0 * 1024.0)
    elapsed = now - (self._start or now)
    fields = {"progress_mbytes": int(mib)}
    if elapsed > 0 and (elapsed > 0.2 or force):
      throughput = mib / elapsed
      fields["progress_throughput"] = round(throughput, 1)
      expected = self.expected_bytes
      if expected:
        fields["progress_percent"] = min(100, int(100 * self.done / expected))
        if throughput > 0:
          left = max(0, expected - self.done) / (1024.0 * 1024.0)
          fields["progress_eta"] = int(left / throughput + 0.5)
    self._status.Set(**fields)
    self._status.Write()


def _Listen(opts, status):
  family = socket.AF_INET6 if opts.ipv6 else socket.AF_INET
  bind = opts.bind or ("::" if opts.ipv6 else "0.0.0.0")
  lsock = socket.socket(family, socket.SOCK_STREAM)
  lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  try:
    lsock.bind((bind, 0))
  except OSError as err:
    raise TransferError("Can't listen on %s: %s" % (bind, err))
  lsock.listen(1)
  status.Set(listen_port=lsock.getsockname()[1])
  status.Write()
  lsock.settimeout(opts.listen_timeout)
  try:
    (conn, peer) = lsock.accept()
  except socket.timeout:
    raise TransferError("No connection within %d seconds" %
                        opts.listen_timeout)
  finally:
    lsock.close()
  conn.settimeout(opts.connect_timeout)
  try:
    sslsock = _MakeContext(opts, True).wrap_socket(conn, server_side=True)
  except (ssl.SSLError, OSError) as err:
    conn.close()
    raise TransferError("TLS handshake with %s failed: %s" % (peer[0], err))
  _CheckPeer(sslsock, opts)
  sslsock.settimeout(None)
  return sslsock


def _Connect(opts):
  deadline = time.monotonic() + opts.connect_timeout
  family = socket.AF_INET6 if opts.ipv6 else socket.AF_INET
  delay = 0.05
  while True:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(max(1.0, deadline - time.monotonic()))
    try:
      sock.connect((opts.host, opts.port))
      break
    except OSError as err:
      sock.close()
      if time.monotonic() + delay > deadline:
        raise TransferError("Can't connect to %s:%s: %s" %
                            (opts.host, opts.port, err))
      time.sleep(delay)
      delay = min(1.0, delay * 2)
  try:
    sslsock = _MakeContext(opts, False).wrap_socket(sock)
  except (ssl.SSLError, OSError) as err:
    sock.close()
    raise TransferError("TLS handshake with %s:%s failed: %s" %
                        (opts.host, opts.port, err))
  _CheckPeer(sslsock, opts)
  sslsock.settimeout(None)
  return sslsock


def _SetKeepalive(sock):
  sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


def RunExport(opts, spec, status):
  source = stream.MakeSource(spec)
  try:
    sock = _Connect(opts)
  except BaseException:
    source.Abort()
    raise
  try:
    _SetKeepalive(sock)
    status.Set(connected=True)
    expected = None
    if opts.expected_size is not None:
      expected = opts.expected_size * 1024 * 1024
    progress = _Progress(status, expected)
    progress.Start()
    comp = stream.MakeCompressor(opts.compress)
    try:
      sock.sendall(stream.MagicLine(opts.magic))
      while True:
        if progress.expected_bytes is None:
          progress.expected_bytes = source.expected_bytes
        data = source.Read()
        if not data:
          break
        _CheckEarlyReply(sock)
        out = comp.Process(data)
        if out:
          sock.sendall(stream.EncodeFrame(out))
        progress.Update(len(data))
      # a failed source must not look like a complete stream
      source.Finish()
      if progress.expected_bytes is None:
        progress.expected_bytes = source.expected_bytes
      tail = comp.Flush()
      if tail:
        sock.sendall(stream.EncodeFrame(tail))
      sock.sendall(stream.EncodeFrame(b""))
    except OSError as err:
      reply = _TryReadReply(sock)
      if reply:
        raise TransferError("Import side failed: %s" % reply)
      raise TransferError("Error sending data: %s" % err)
    except BaseException:
      source.Abort()
      raise
    progress.Update(0, force=True)
    line = stream.RecvLine(sock, limit=64 * 1024)
    if line != impexpd.REPLY_OK:
      raise TransferError("Import side failed: %s" %
                          _DecodeReply(line))
  finally:
    sock.close()


def _CheckEarlyReply(sock):
  """Fail at once if the importer already answered (it only does so
  early to report an error)."""
  if not (sock.pending() or select.select([sock], [], [], 0)[0]):
    return
  # readable may only mean TLS housekeeping (e.g. session tickets)
  sock.setblocking(False)
  try:
    data = sock.recv(4096)
  except (ssl.SSLWantReadError, BlockingIOError):
    return
  except OSError as err:
    raise TransferError("Connection to the importer lost: %s" % err)
  finally:
    sock.setblocking(True)
  if not data:
    raise TransferError("The importer closed the connection")
  if not data.endswith(b"\n"):
    sock.settimeout(5)
    try:
      data += stream.RecvLine(sock, limit=64 * 1024)
    except (OSError, TransferError):
      pass
  raise TransferError("Import side failed: %s" % _DecodeReply(data))


def _DecodeReply(line):
  text = line.decode("utf-8", "replace").rstrip("\n")
  if text.startswith(impexpd.REPLY_ERR.decode()):
    text = text[len(impexpd.REPLY_ERR):]
  return text.replace("\\n", "\n")


def _TryReadReply(sock):
  try:
    sock.settimeout(5)
    return _DecodeReply(stream.RecvLine(sock, limit=64 * 1024))
  except (OSError, TransferError):
    return None


def _SendError(sock, msg):
  """Tell the exporter why we fail, then swallow what it still sends for
  a moment, so that closing does not reset the connection before it
  read the message."""
  line = impexpd.REPLY_ERR + msg.replace("\n", "\\n").encode("utf-8") + b"\n"
  try:
    sock.sendall(line)
    deadline = time.monotonic() + _DRAIN_TIME
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
      try:
        if not sock.recv(impexpd.CHUNK_SIZE):
          break
      except socket.timeout:
        continue
  except (OSError, ssl.SSLError):
    pass


def RunImport(opts, spec, status):
  sock = _Listen(opts, status)
  try:
    _SetKeepalive(sock)
    status.Set(connected=True)
    magic = stream.RecvLine(sock)
    if magic != stream.MagicLine(opts.magic):
      msg = "Magic value mismatch (got %r)" % magic.strip().decode(
        "ascii", "replace")
      _SendError(sock, msg)
      raise TransferError(msg)
    expected = None
    if opts.expected_size is not None:
      expected = opts.expected_size * 1024 * 1024
    progress = _Progress(status, expected)
    progress.Start()
    decomp = stream.MakeDecompressor(opts.compress)
    try:
      sink = stream.MakeSink(spec)
    except TransferError as err:
      _SendError(sock, str(err))
      raise
    try:
      while True:
        frame = stream.RecvFrame(sock)
        if not frame:
          break
        data = decomp.Process(frame)
        if data:
          sink.Write(data)
          progress.Update(len(data))
      tail = decomp.Flush()
      if tail:
        sink.Write(tail)
        progress.Update(len(tail))
      sink.Finish()
    except TransferError as err:
      sink.Abort()
      _SendError(sock, str(err))
      raise
    except BaseException:
      sink.Abort()
      raise
    progress.Update(0, force=True)
    sock.sendall(impexpd.REPLY_OK)
  finally:
    sock.close()


def Main(argv=None):
  """Run one transfer; the exit code is 0 on success."""
  if argv is None:
    argv = sys.argv[1:]
  try:
    (opts, status_file, mode) = ParseArgs(argv)
  except TransferError as err:
    sys.stderr.write("%s\n" % err)
    return constants.EXIT_FAILURE
  status = impexpd.Status(status_file)
  status.Write()
  signal.signal(signal.SIGTERM, _OnSigTerm)
  signal.signal(signal.SIGINT, _OnSigTerm)
  try:
    with open(opts.io_spec) as fh:
      spec = serializer.LoadJson(fh.read())
    if mode == impexpd.IEM_IMPORT:
      RunImport(opts, spec, status)
    else:
      RunExport(opts, spec, status)
  except (TransferError, _Aborted, OSError, ValueError) as err:
    status.AddOutput(str(err))
    status.Set(exit_status=constants.EXIT_FAILURE, error_message=str(err))
    status.Write()
    sys.stderr.write("%s\n" % err)
    return constants.EXIT_FAILURE
  status.Set(exit_status=0, error_message=None)
  status.Write()
  return 0


if __name__ == "__main__":
  sys.exit(Main())
