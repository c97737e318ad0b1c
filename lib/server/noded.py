"""ganeti-noded: the node daemon answering the master's RPC calls.

Every connection is served by a forked child (see
:mod:`ganeti.http.server`); a request ``POST /<procedure>`` with the JSON
argument list runs the backend function of that procedure (exactly the
names of :data:`ganeti.rpc.defs.CALLS`) and answers ``[true, payload]`` or
``[false, message]``.
"""

import logging
import optparse
import os
import signal

from ganeti import backend
from ganeti import constants
from ganeti import daemon
from ganeti import errors
from ganeti import http
from ganeti import pathutils
from ganeti import serializer
from ganeti.backend import bdev
from ganeti.backend import disk_copy
from ganeti.backend import bdev_children
from ganeti.backend import crypto as backend_crypto
from ganeti.backend import drbd as backend_drbd
from ganeti.backend import export
from ganeti.backend import files
from ganeti.backend import hooks
from ganeti.backend import hotplug
from ganeti.backend import hv_params
from ganeti.backend import iallocator
from ganeti.backend import impexp
from ganeti.backend import instance
from ganeti.backend import jstore
from ganeti.backend import master as backend_master
from ganeti.backend import migration
from ganeti.backend import node
from ganeti.backend import os as backend_os
from ganeti.backend import storage_units
from ganeti.backend import node_storage
from ganeti.backend import node_oob
from ganeti.backend import watcher as backend_watcher
from ganeti.http import server as http_server
from ganeti.rpc import defs

# procedure name -> backend function taking the wire arguments in order
PROCEDURES = {
  "version": node.GetVersion,
  "master_info": node.GetMasterInfo,
  "node_info": node.GetNodeInfo,
  "node_verify": node.VerifyNode,
  "node_has_ip_address": node.NodeHasIpAddress,
  "node_leave_cluster": node.LeaveCluster,
  "node_demote_from_mc": node.DemoteFromMC,
  "node_start_master_daemons": node.StartMasterDaemons,
  "node_stop_master": node.StopMasterDaemons,
  "node_activate_master_ip": node.ActivateMasterIp,
  "node_deactivate_master_ip": node.DeactivateMasterIp,
  "bridges_exist": node.BridgesExist,
  "instance_info": instance.GetInstanceInfo,
  "all_instances_info": instance.GetAllInstancesInfo,
  "instance_list": instance.GetInstanceList,
  "instance_start": instance.StartInstance,
  "instance_shutdown": instance.InstanceShutdown,
  "instance_reboot": instance.InstanceReboot,
  "instance_os_add": backend_os.InstanceOsAdd,
  "instance_run_rename": backend_os.RunRenameInstance,
  "instance_migratable": migration.GetInstanceMigratable,
  "migration_info": migration.MigrationInfo,
  "accept_instance": migration.AcceptInstance,
  "instance_finalize_migration_dst": migration.FinalizeMigrationDst,
  "instance_migrate": migration.MigrateInstance,
  "instance_finalize_migration_src": migration.FinalizeMigrationSource,
  "instance_get_migration_status": migration.GetMigrationStatus,
  "instance_balloon_memory": migration.InstanceBalloonMemory,
  "blockdev_read_chunk": disk_copy.BlockdevReadChunk,
  "blockdev_write_chunk": disk_copy.BlockdevWriteChunk,
  "blockdev_create": bdev.BlockdevCreate,
  "blockdev_remove": bdev.BlockdevRemove,
  "blockdev_assemble": bdev.BlockdevAssemble,
  "blockdev_shutdown": bdev.BlockdevShutdown,
  "blockdev_find": bdev.BlockdevFind,
  "blockdev_getmirrorstatus": bdev.BlockdevGetmirrorstatus,
  "drbd_disconnect_net": backend_drbd.DrbdDisconnectNet,
  "drbd_attach_net": backend_drbd.DrbdAttachNet,
  "drbd_wait_sync": backend_drbd.DrbdWaitSync,
  "drbd_needs_activation": backend_drbd.DrbdNeedsActivation,
  "drbd_helper": backend_drbd.GetDrbdUsermodeHelper,
  "file_storage_dir_create": bdev.FileStorageDirCreate,
  "file_storage_dir_remove": bdev.FileStorageDirRemove,
  "file_storage_dir_rename": bdev.FileStorageDirRename,
  "storage_list": storage_units.StorageList,
  "blockdev_grow": bdev.BlockdevGrow,
  "blockdev_rename": bdev.BlockdevRename,
  "blockdev_snapshot": bdev.BlockdevSnapshot,
  "blockdev_wipe": bdev.BlockdevWipe,
  "blockdev_close": bdev.BlockdevClose,
  "blockdev_open": bdev.BlockdevOpen,
  "blockdev_getdimensions": bdev.BlockdevGetdimensions,
  "blockdev_setinfo": bdev.BlockdevSetinfo,
  "blockdev_pause_resume_sync": bdev.BlockdevPauseResumeSync,
  "blockdev_addchildren": bdev_children.BlockdevAddchildren,
  "blockdev_removechildren": bdev_children.BlockdevRemovechildren,
  "lv_list": storage_units.LvList,
  "vg_list": storage_units.VgList,
  "node_volumes": storage_units.NodeVolumes,
  "bdev_sizes": storage_units.GetBlockDevSizes,
  "os_diagnose": backend_os.DiagnoseOS,
  "os_get": backend_os.GetOS,
  "os_validate": backend_os.ValidateOS,
  "import_start": impexp.StartImport,
  "export_start": impexp.StartExport,
  "impexp_status": impexp.GetStatus,
  "impexp_abort": impexp.Abort,
  "impexp_cleanup": impexp.Cleanup,
  "export_info": export.ExportInfo,
  "export_list": export.ListExports,
  "export_remove": export.RemoveExport,
  "finalize_export": export.FinalizeExport,
  "hooks_runner": hooks.RunHooks,
  "test_delay": node.TestDelay,
  "hotplug_device": hotplug.HotplugDevice,
  "hotplug_supported": hotplug.HotplugSupported,
  "hypervisor_validate_params": hv_params.ValidateHVParams,
  "iallocator_runner": iallocator.RunIAllocator,
  "jobqueue_update": jstore.JobQueueUpdate,
  "jobqueue_purge": jstore.JobQueuePurge,
  "jobqueue_rename": jstore.JobQueueRename,
  "jobqueue_set_drain_flag": jstore.JobQueueSetDrainFlag,
  "upload_file": files.UploadFile,
  "write_ssconf_files": files.WriteSsconfFiles,
  "storage_modify": node_storage.ModifyStorage,
  "storage_execute": node_storage.ExecuteStorageOp,
  "node_powercycle": node_oob.PowercycleNode,
  "run_oob": node_oob.RunOob,
  # master role (ganeti.backend.master)
  "node_change_master_netmask": backend_master.ChangeMasterNetmask,
  "node_replace_cluster_cert": backend_crypto.ReplaceClusterCert,
  "get_watcher_pause": backend_watcher.GetWatcherPause,
  "set_watcher_pause": backend_watcher.SetWatcherPause,
}

assert set(PROCEDURES) == set(defs.CALLS_BY_NAME), \
  "noded procedures differ from rpc.defs: %s" % \
  sorted(set(PROCEDURES) ^ set(defs.CALLS_BY_NAME))


class _RequestState:
  """Per-child flag: quit the daemon after answering."""
  quit_daemon = False


def ExecuteProcedure(name, args):
  """Run procedure ``name`` with the decoded argument list.

  @return: the wire result ``[success, payload_or_message]``
  """
  fn = PROCEDURES[name]
  nargs = len(defs.CALLS_BY_NAME[name][3])
  if not isinstance(args, list) or len(args) != nargs:
    return [False, "Procedure %s expects %d arguments, got %r" %
            (name, nargs, args)]
  try:
    return [True, fn(*args)]
  except backend.RPCFail as err:
    return [False, str(err)]
  except errors.QuitGanetiException as err:
    logging.info("Shutting down the node daemon, arguments: %s",
                 str(err.args))
    _RequestState.quit_daemon = True
    return list(err.args)
  except Exception as err:  # every other error goes back to the master
    logging.exception("Error in RPC call %s", name)
    return [False, "Error while executing backend function: %s" % str(err)]


def HandleRequest(method, path, headers, body):
  """HTTP handler: POST /<procedure> with a JSON argument list."""
  if method != http.HTTP_POST:
    raise http.HttpError(http.HTTP_BAD_REQUEST,
                         "Only the POST method is supported")
  name = path.lstrip("/")
  if name not in PROCEDURES:
    raise http.HttpError(http.HTTP_NOT_FOUND, "Unknown procedure '%s'" %
                         name)
  try:
    args = serializer.LoadJson(body) if body.strip() else []
  except ValueError as err:
    raise http.HttpError(http.HTTP_BAD_REQUEST, "Invalid JSON body: %s" %
                         err)
  logging.debug("Calling %s", name)
  result = ExecuteProcedure(name, args)
  return (http.HTTP_OK, serializer.DumpJson(result))


def _AfterResponse():
  if _RequestState.quit_daemon:
    os.kill(os.getppid(), signal.SIGTERM)
    return True
  return False


def _MlockAll():
  import ctypes
  import ctypes.util
  libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6",
                     use_errno=True)
  mcl_current, mcl_future = 1, 2
  if libc.mlockall(mcl_current | mcl_future) != 0:
    logging.warning("Cannot set memory lock: %s",
                    os.strerror(ctypes.get_errno()))


def CheckNoded(options, args):
  if args:
    print("Usage: ganeti-noded [-f] [-d] [-p port] [-b ADDRESS]")
    raise SystemExit(constants.EXIT_FAILURE)


def PrepNoded(options, args):
  """Bind the server socket and prepare the TLS context."""
  if options.ssl:
    ctx = http.MakeServerContext(options.ssl_cert, options.ssl_key)
    digest = http.LoadCertDigest(options.ssl_cert)
    # renew-crypto replaces the certificate: use it for new connections
    watcher = http.CertWatcher(options.ssl_cert, options.ssl_key,
                               http.MakeServerContext)
  else:
    (ctx, digest, watcher) = (None, None, None)
  child_init = _MlockAll if options.mlock else None
  server = http_server.ForkingHttpServer(
    options.bind_address, options.port, HandleRequest, ssl_ctx=ctx,
    cert_digest=digest, child_init=child_init,
    after_response=_AfterResponse, cert_watcher=watcher)
  logging.info("Listening on %s:%s", *server.address)
  return server


def ExecNoded(options, args, server):
  daemon.SetupSignalHandlers(server.Stop)
  server.Serve()


def Main():
  parser = optparse.OptionParser(
    description="Ganeti node daemon",
    usage="%prog [-f] [-d] [-p port] [-b ADDRESS] [-i INTERFACE]",
    version="%%prog (ganeti) %s" % constants.RELEASE_VERSION)
  parser.add_option("--no-mlock", dest="mlock",
                    help="Do not mlock the node memory in ram",
                    default=True, action="store_false")
  cert = pathutils.Get().NODED_CERT_FILE
  daemon.GenericMain(constants.NODED, parser, CheckNoded, PrepNoded,
                     ExecNoded, default_ssl_cert=cert, default_ssl_key=cert)
