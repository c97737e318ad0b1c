"""The OS API per version (10, 15, 20) with pyganeti's test OS definitions.

test/data/os holds test-api10, test-api15 and test-api20 (see its README);
they are installed into a virtual node's OS search path here.
"""

import hashlib
import os
import sys

import pytest

from ganeti import backend
from ganeti import objects
from ganeti.backend import os as bos

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
  os.path.abspath(__file__))), "support"))
import vcluster  # noqa: E402

pytestmark = pytest.mark.unit


@pytest.fixture
def osnode(vnode):
  vcluster.InstallTestOSes(os.environ["GANETI_ROOTDIR"])
  return vnode


def _Instance(vnode, osname, osparams=None, private=None, disks=1,
              netinfo=None):
  disks_info = []
  with open(vnode.FILE_STORAGE_PATHS_FILE, "w") as fh:
    fh.write("/srv/ganeti/file-storage\n")
  for idx in range(disks):
    path = "/srv/ganeti/file-storage/i1/disk%d" % idx
    local = vnode.Prefix(path)
    os.makedirs(os.path.dirname(local), exist_ok=True)
    with open(local, "wb") as fh:
      fh.truncate(4096)
    disks_info.append({"dev_type": "file", "size": 4, "mode": "rw",
                       "uuid": "d%d" % idx, "name": "data%d" % idx,
                       "logical_id": ["loop", path]})
  nic = {"mac": "aa:00:00:11:22:33", "uuid": "n1", "name": "eth",
         "ip": "198.51.100.7",
         "nicparams": {"mode": "bridged", "link": "br0"}}
  if netinfo:
    nic["netinfo"] = netinfo
  return objects.Instance.FromDict({
    "name": "i1", "os": osname, "hypervisor": "kvm", "uuid": "u1",
    "ctime": 100, "mtime": 200,
    "primary_node": "node1", "secondary_nodes": ["node2"],
    "beparams": {"maxmem": 128}, "hvparams": {"disk_type": "paravirtual",
                                              "nic_type": "e1000"},
    "osparams": osparams or {}, "osparams_private": private or {},
    "nics": [nic], "disks_info": disks_info})


def _Env(vnode, osname, **kwargs):
  inst = _Instance(vnode, osname, **kwargs)
  return bos.OSEnvironment(inst, bos.OSFromDisk(osname))


# (os name, OS_API_VERSION, OS_NAME, OS_VARIANT)
_VERSIONS = [
  ("test-api10", "10", "test-api10", ""),
  ("test-api15", "15", "test-api15", "alpha"),   # first variant by default
  ("test-api15+beta", "15", "test-api15", "beta"),
  ("test-api20+minimal", "20", "test-api20", "minimal"),
]


@pytest.mark.parametrize(("osname", "api", "name", "variant"), _VERSIONS)
def test_env_base_per_version(osnode, osname, api, name, variant):
  env = _Env(osnode, osname)
  assert env["OS_API_VERSION"] == api
  assert env["OS_NAME"] == name
  assert env["OS_VARIANT"] == variant
  assert env["INSTANCE_OS"] == osname
  assert env["DEBUG_LEVEL"] == "0"
  assert env["PATH"] == "/sbin:/bin:/usr/sbin:/usr/bin"


# variable -> expected value, the same for every API version
_COMMON_ENV = {
  "INSTANCE_NAME": "i1", "INSTANCE_UUID": "u1", "INSTANCE_CTIME": "100",
  "INSTANCE_MTIME": "200", "INSTANCE_PRIMARY_NODE": "node1",
  "INSTANCE_SECONDARY_NODES": "node2", "HYPERVISOR": "kvm",
  "INSTANCE_BE_maxmem": "128", "INSTANCE_HV_disk_type": "paravirtual",
  "DISK_COUNT": "2", "DISK_0_ACCESS": "rw", "DISK_0_UUID": "d0",
  "DISK_0_NAME": "data0", "DISK_0_SIZE": "4",
  "DISK_0_FRONTEND_TYPE": "paravirtual", "DISK_0_BACKEND_TYPE": "file:loop",
  "DISK_1_UUID": "d1", "NIC_COUNT": "1", "NIC_0_MAC": "aa:00:00:11:22:33",
  "NIC_0_UUID": "n1", "NIC_0_NAME": "eth", "NIC_0_IP": "198.51.100.7",
  "NIC_0_MODE": "bridged", "NIC_0_LINK": "br0", "NIC_0_BRIDGE": "br0",
  "NIC_0_FRONTEND_TYPE": "e1000",
}


@pytest.mark.parametrize("osname", [v[0] for v in _VERSIONS])
def test_env_instance_disks_nics(osnode, osname):
  env = _Env(osnode, osname, disks=2)
  for (key, value) in _COMMON_ENV.items():
    assert env[key] == value, key
  assert env["DISK_1_PATH"] == osnode.Prefix(
    "/srv/ganeti/file-storage/i1/disk1")
  # file disks have no userspace URI
  assert "DISK_0_URI" not in env


def test_env_network(osnode):
  netinfo = {"name": "net1", "uuid": "nu1", "network": "198.51.100.0/24",
             "gateway": "198.51.100.1", "mac_prefix": "aa:00:00",
             "tags": ["a", "b"]}
  env = _Env(osnode, "test-api10", netinfo=netinfo)
  assert env["NIC_0_NETWORK_NAME"] == "net1"
  assert env["NIC_0_NETWORK_UUID"] == "nu1"
  assert env["NIC_0_NETWORK_SUBNET"] == "198.51.100.0/24"
  assert env["NIC_0_NETWORK_GATEWAY"] == "198.51.100.1"
  assert env["NIC_0_NETWORK_MAC_PREFIX"] == "aa:00:00"
  assert env["NIC_0_NETWORK_TAGS"] == "a b"
  assert "NIC_0_NETWORK_SUBNET6" not in env
  assert "NIC_0_NETWORK_FAMILY" not in env
  netinfo = {"name": "net2", "uuid": "nu2", "network6": "2001:db8::/64"}
  env = _Env(osnode, "test-api10", netinfo=netinfo)
  assert env["NIC_0_NETWORK_TAGS"] == ""
  assert env["NIC_0_NETWORK_SUBNET6"] == "2001:db8::/64"
  assert "NIC_0_NETWORK_SUBNET" not in env


def test_env_osparams_public_private(osnode):
  env = _Env(osnode, "test-api20+default",
             osparams={"color": "red", "fail": "no"},
             private={"color": "blue", "password": "pw"})
  # private over public
  assert env["OSP_COLOR"] == "blue"
  assert env["OSP_FAIL"] == "no"
  assert env["OSP_PASSWORD"] == "pw"


def _Log(vnode, prefix):
  names = [n for n in os.listdir(vnode.OS_LOG_DIR) if n.startswith(prefix)]
  assert len(names) == 1, names
  with open(os.path.join(vnode.OS_LOG_DIR, names[0])) as fh:
    return fh.read()


def test_create_with_secret_and_reinstall(osnode):
  inst = _Instance(osnode, "test-api20+minimal", osparams={"color": "red"},
                   private={"password": "stored"})
  # the secret (the RPC's override) wins over the private value
  assert bos.InstanceOsAdd([inst.ToDict(), {"password": "s3cret"}], True,
                           0) is None
  log = _Log(osnode, "add-test-api20+minimal-i1-")
  assert ("create: i1 os=test-api20 variant=minimal api=20 reinstall=1"
          in log)
  assert "OSP_COLOR=red" in log
  assert "INSTANCE_REINSTALL=1" in log
  assert "s3cret" not in log
  assert ("OSP_PASSWORD sha1=%s" % hashlib.sha1(b"s3cret").hexdigest()
          in log)
  with open(osnode.Prefix("/srv/ganeti/file-storage/i1/disk0"), "rb") as fh:
    assert fh.read(40).startswith(b"pyganeti-test-os i1 minimal disk 0\n")


def test_create_failure_reports_last_20_lines(osnode):
  inst = _Instance(osnode, "test-api20+default", osparams={"fail": "yes"})
  with pytest.raises(backend.RPCFail) as exc:
    bos.InstanceOsAdd([inst.ToDict(), {}], False, 0)
  lines = str(exc.value).splitlines()
  assert lines[0] == ("OS create script failed (exited with exit code 1),"
                      " last lines in the log file:")
  assert lines[1:] == ["failure line %d" % i for i in range(11, 31)]


def test_rename(osnode):
  inst = _Instance(osnode, "test-api15+beta")
  assert bos.RunRenameInstance(inst.ToDict(), "i0", 0) is None
  log = _Log(osnode, "rename-test-api15+beta-i0-i1-")
  assert "rename: i0 -> i1" in log
  assert "OLD_INSTANCE_NAME=i0" in log


# (os name, params, force_variant, expected error regexp or None)
_VALIDATE = [
  ("test-api20+default", {"color": "green"}, False, None),
  ("test-api20+default", {}, False, None),
  ("test-api20+default", {"color": "pink"}, False,
   r"^OS validation script failed \(exited with exit code 1\), output:"
   r" Invalid value 'pink' for the color parameter"),
  ("test-api20+default", {"shape": "round", "size": "1"}, False,
   r"^The following parameters are not supported by the OS test-api20:"
   r" shape, size$"),
  ("test-api20", {}, False,
   r"^OS name 'test-api20' must include a variant$"),
  ("test-api20+huge", {}, False,
   r"^OS 'test-api20' doesn't support variant 'huge'$"),
  ("test-api20+huge", {}, True, None),
  ("test-api10+x", {}, False,
   r"^OS 'test-api10' doesn't support variants \('x' passed\)$"),
  # API < 20: no parameter checks, no verify script
  ("test-api15+alpha", {"anything": "goes"}, False, None),
  ("test-api10", {"anything": "goes"}, False, None),
]


@pytest.mark.parametrize(("osname", "params", "force", "error"), _VALIDATE)
def test_validate(osnode, osname, params, force, error):
  if error is None:
    assert bos.ValidateOS(True, osname, ["parameters"], params,
                          force_variant=force) is True
  else:
    with pytest.raises(backend.RPCFail, match=error):
      bos.ValidateOS(True, osname, ["parameters"], params,
                     force_variant=force)


def test_validate_missing_os(osnode):
  assert bos.ValidateOS(False, "nosuch", ["parameters"], {}) is False
  with pytest.raises(backend.RPCFail, match="not found"):
    bos.ValidateOS(True, "nosuch", ["parameters"], {})
  with pytest.raises(backend.RPCFail, match="Unknown checks"):
    bos.ValidateOS(True, "test-api20+default", ["bogus"], {})


def test_diagnose_test_oses(osnode):
  res = dict((r[0], r) for r in bos.DiagnoseOS())
  assert res["test-api10"][2:] == [True, "", [], [], [10], True]
  assert res["test-api15"][2:] == [True, "", ["alpha", "beta"], [], [15, 10],
                                   True]
  (valid, diag, variants, params, api, trusted) = res["test-api20"][2:]
  assert (valid, diag, variants, api, trusted) == \
    (True, "", ["default", "minimal"], [20, 15, 10], True)
  assert [p[0] for p in params] == ["color", "fail", "password"]
  assert params[1][1].startswith("yes makes the create script fail")


def test_untrusted_os_is_diagnosed_and_never_run(osnode):
  base = osnode.OsSearchPath()[0]
  src = os.path.join(base, "test-api20")
  dst = os.path.join(base, "untrusted")
  os.makedirs(dst)
  for name in os.listdir(src):
    target = "create_untrusted" if name == "create" else name
    with open(os.path.join(src, name), "rb") as fin, \
        open(os.path.join(dst, target), "wb") as fout:
      fout.write(fin.read())
    os.chmod(os.path.join(dst, target), 0o755)
  res = dict((r[0], r) for r in bos.DiagnoseOS())
  assert res["untrusted"][2] is True and res["untrusted"][7] is False
  inst = _Instance(osnode, "untrusted+default")
  with pytest.raises(backend.RPCFail, match="is untrusted"):
    bos.InstanceOsAdd([inst.ToDict(), {}], False, 0)
  assert not [n for n in os.listdir(osnode.OS_LOG_DIR)
              if n.startswith("add-untrusted")]


def test_env_disk_uri_for_userspace_access(osnode, monkeypatch):
  """A disk whose ``access`` parameter is ``userspace`` gets DISK_i_URI."""
  from ganeti import storage
  real = storage.GetDeviceClass

  class _UriDev(real("file")):
    def GetUserspaceAccessUri(self, hypervisor):
      return "gluster://198.51.100.1/vol/%s?hv=%s" % (
        os.path.basename(self.dev_path or "disk"), hypervisor)

  monkeypatch.setattr(storage, "GetDeviceClass",
                      lambda dev_type: _UriDev if dev_type == "file"
                      else real(dev_type))
  inst = _Instance(osnode, "test-api10", disks=2)
  inst.disks_info[1].params = {"access": "userspace"}
  env = bos.OSEnvironment(inst, bos.OSFromDisk("test-api10"))
  assert "DISK_0_URI" not in env
  assert env["DISK_1_URI"].startswith("gluster://198.51.100.1/vol/")
  assert env["DISK_1_URI"].endswith("?hv=kvm")


def test_diagnose_reports_every_occurrence(osnode):
  """A name in two search directories: the first is used, both reported."""
  import shutil
  paths = osnode.OsSearchPath()
  shadow = os.path.join(paths[1], "test-api10")
  shutil.copytree(os.path.join(paths[0], "test-api10"), shadow)
  os.unlink(os.path.join(shadow, "create"))
  rows = [r for r in bos.DiagnoseOS() if r[0] == "test-api10"]
  assert [r[1] for r in rows] == [os.path.join(paths[0], "test-api10"),
                                  shadow]
  assert rows[0][2] is True
  assert rows[1][2] is False
  assert rows[1][3] == ("File 'create' under path '%s' is missing (ENOENT)"
                        % shadow)
  # the one in use is still the first
  assert bos.OSFromDisk("test-api10").path == rows[0][1]


@pytest.mark.parametrize(("breakage", "message"), [
  ("noexec", "File 'rename' under path '%s' is not executable"),
  ("noparams", "File 'parameters.list' under path '%s' is missing (ENOENT)"),
  ("novariants", "No supported os variant found in %s/variants.list"),
  ("noapi", "Required file 'ganeti_api_version' not found under path %s:"
            " No such file or directory"),
])
def test_invalid_definitions(osnode, breakage, message):
  d = os.path.join(osnode.OsSearchPath()[0], "test-api20")
  if breakage == "noexec":
    target = os.path.join(d, "rename")
    with open(target, "rb") as fh:
      data = fh.read()
    os.unlink(target)
    with open(target, "wb") as fh:
      fh.write(data)
    os.chmod(target, 0o644)
  elif breakage == "noparams":
    os.unlink(os.path.join(d, "parameters.list"))
  elif breakage == "novariants":
    with open(os.path.join(d, "variants.list"), "w") as fh:
      fh.write("# none\n\n")
  else:
    os.unlink(os.path.join(d, "ganeti_api_version"))
  row = [r for r in bos.DiagnoseOS() if r[0] == "test-api20"][0]
  assert row[2] is False
  assert row[3] == message % d
