"""The node RPC procedures, declared in one table.

Both ends use this table: the master's :mod:`ganeti.rpc.node` builds its
``call_<name>`` methods from it, and ``ganeti-noded`` accepts exactly these
procedure names (anything else is HTTP 404).

Each entry is ``(name, multi, timeout, args, doc)``:

* ``multi``: True if called on many nodes at once (the caller passes a node
  list), False for a single node;
* ``timeout``: read timeout class in seconds, or a callable computing it
  from the positional arguments;
* ``args``: ``(arg_name, encoder)`` pairs in wire order.  The encoder names
  how the master turns the Python value into JSON before sending it
  (see ``ganeti.rpc.node``); ``None`` means "send as is".

Argument shapes on the wire (what the backend functions receive):

* ``ED_INST_DICT``: the instance as ``objects.Instance.ToDict()`` with
  ``hvparams``, ``beparams`` and ``osparams`` filled from the cluster
  defaults, ``disk_template`` set, and ``disks_info`` holding the instance's
  disk dicts (``objects.Disk.ToDict()``) in index order;
* ``ED_INST_DICT_HVP_BEP_DP``: ``[instance dict as above, hvp override,
  bep override]``;
* ``ED_INST_DICT_OSP_DP``: ``[instance dict as above, osparams override]``;
* ``ED_OBJECT_DICT``: any config object's ``ToDict()``;
* ``ED_DISKS_DICT_DP``/``ED_OBJECT_DICT_LIST``: a list of such dicts;
* ``ED_COMPRESS``: ``[encoding, data]`` with encoding 0 (plain text) or 1
  (zlib level 3, then base64);
* ``ED_IMPEXP_IO``: ``[ieio, ieioargs]`` with disk objects in ieioargs
  turned into disk dicts (see ``ganeti.backend.impexp``);
* ``ED_FINALIZE_EXPORT_DISKS``: a list of disk dicts or ``false``;
* ``ED_FILE_DETAILS``: ``[virtual_path, [enc, data], mode, owner, group,
  atime, mtime]`` for upload_file.
"""

ED_OBJECT_DICT = "object_dict"
ED_OBJECT_DICT_LIST = "object_dict_list"
ED_INST_DICT = "inst_dict"
ED_INST_DICT_HVP_BEP_DP = "inst_dict_hvp_bep_dp"
ED_INST_DICT_OSP_DP = "inst_dict_osp_dp"
ED_DISKS_DICT_DP = "disks_dict_dp"
ED_SINGLE_DISK_DICT_DP = "single_disk_dict_dp"
ED_COMPRESS = "compress"
ED_FILE_DETAILS = "file_details"
ED_QUEUE_PATH = "queue_path"
ED_IMPEXP_IO = "impexp_io"
ED_FINALIZE_EXPORT_DISKS = "finalize_export_disks"
#: [[disk, new logical id], ...] (blockdev_rename); disks as per node
ED_BLOCKDEV_RENAME = "blockdev_rename"
#: a disk (as ED_SINGLE_DISK_DICT_DP) or a NIC (its ToDict())
ED_DEVICE_DICT = "device_dict"

TMO_URGENT = 60
TMO_FAST = 5 * 60
TMO_NORMAL = 15 * 60
TMO_SLOW = 3600
TMO_4HRS = 4 * 3600
TMO_1DAY = 86400


def _TestDelayTimeout(args):
  return int(args[0]) + 5


def _OobTimeout(args):
  return int(args[3]) + 5


CALLS = [
  # Nodes and master role
  ("version", True, TMO_URGENT, [], "Query node version"),
  ("master_info", True, TMO_URGENT, [],
   "Query master info: [netdev, ip, master_name, ip_family, netmask]"),
  ("node_info", True, TMO_URGENT,
   [("storage_units", None), ("hv_specs", None)],
   "Return node information: [bootid, [storage dicts], [hv dicts]];"
   " storage_units is a list of [type, key, params], hv_specs a list of"
   " [hypervisor, hvparams]"),
  ("node_verify", True, TMO_NORMAL,
   [("checkdict", None), ("cluster_name", None), ("all_hvparams", None)],
   "Run node verification checks named in checkdict"),
  ("node_has_ip_address", False, TMO_FAST, [("address", None)],
   "Check whether the node has the given IP address"),
  ("node_leave_cluster", False, TMO_NORMAL, [("modify_ssh_setup", None)],
   "Remove all cluster data from the node and stop its daemons"),
  ("node_demote_from_mc", False, TMO_FAST, [],
   "Remove the config and queue from a node no longer master candidate"),
  ("node_start_master_daemons", False, TMO_FAST, [("no_voting", None)],
   "Start the master daemons on the node"),
  ("node_stop_master", False, TMO_FAST, [], "Stop the master daemons"),
  ("node_activate_master_ip", False, TMO_FAST,
   [("master_params", ED_OBJECT_DICT), ("use_external_mip_script", None)],
   "Activate the master IP on the node"),
  ("node_deactivate_master_ip", False, TMO_FAST,
   [("master_params", ED_OBJECT_DICT), ("use_external_mip_script", None)],
   "Deactivate the master IP on the node"),
  ("bridges_exist", False, TMO_URGENT, [("bridges_list", None)],
   "Check whether the given bridges exist"),
  # Instances
  ("instance_info", False, TMO_URGENT,
   [("instance", None), ("hname", None), ("hvparams", None)],
   "Information about one instance: dict with memory, vcpus, state, time"
   " or {} if it is not running"),
  ("all_instances_info", True, TMO_URGENT,
   [("hypervisor_list", None), ("all_hvparams", None)],
   "Information about all running instances: {name: info dict}"),
  ("instance_list", True, TMO_URGENT,
   [("hypervisor_list", None), ("hvparams", None)],
   "List of running instance names"),
  ("instance_start", False, TMO_NORMAL,
   [("instance_hvp_bep", ED_INST_DICT_HVP_BEP_DP), ("startup_paused", None),
    ("reason", None)], "Start an instance"),
  ("instance_shutdown", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("timeout", None), ("reason", None)],
   "Stop an instance"),
  ("instance_reboot", False, TMO_NORMAL,
   [("inst", ED_INST_DICT), ("reboot_type", None),
    ("shutdown_timeout", None), ("reason", None)], "Reboot an instance"),
  ("instance_os_add", False, TMO_1DAY,
   [("instance_osp", ED_INST_DICT_OSP_DP), ("reinstall", None),
    ("debug", None)], "Run the OS create script for an instance"),
  ("instance_run_rename", False, TMO_SLOW,
   [("instance", ED_INST_DICT), ("old_name", None), ("debug", None)],
   "Run the OS rename script for an instance"),
  # Migration (hypervisor side) and disk copy for move
  ("instance_migratable", False, TMO_NORMAL, [("instance", ED_INST_DICT)],
   "Check whether the instance can be migrated (it must be running)"),
  ("migration_info", False, TMO_NORMAL, [("instance", ED_INST_DICT)],
   "Source: the hypervisor's migration information (opaque text)"),
  ("accept_instance", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("info", None), ("target", None)],
   "Target: prepare to receive the instance (info from migration_info,"
   " target is the target node's address)"),
  ("instance_finalize_migration_dst", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("info", None), ("success", None)],
   "Target: finish (or undo) receiving a migrated instance"),
  ("instance_migrate", False, TMO_SLOW,
   [("cluster_name", None), ("instance", ED_INST_DICT), ("target", None),
    ("live", None)],
   "Source: start migrating the instance to target (an address)"),
  ("instance_finalize_migration_src", False, TMO_SLOW,
   [("instance", ED_INST_DICT), ("success", None), ("live", None)],
   "Source: finish (or undo) sending a migrated instance"),
  ("instance_get_migration_status", False, TMO_SLOW,
   [("instance", ED_INST_DICT)],
   "Source: migration status dict: status, transferred_ram, total_ram"),
  ("hotplug_device", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("action", None), ("dev_type", None),
    ("device", ED_DEVICE_DICT), ("extra", None), ("seq", None)],
   "Hot-add, -remove or -modify a disk or NIC of a running instance"
   " (action hotadd/hotremove/hotmod, dev_type disk/nic; extra is"
   " [link, uri] of an added disk)"),
  ("hotplug_supported", False, TMO_NORMAL, [("instance", ED_INST_DICT)],
   "Fail unless devices of the running instance can be hotplugged"),
  ("instance_balloon_memory", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("memory", None)],
   "Set the runtime memory (MiB) of a running instance"),
  ("blockdev_read_chunk", False, TMO_NORMAL,
   [("disk", ED_SINGLE_DISK_DICT_DP), ("offset", None), ("length", None)],
   "Read length bytes at offset of a disk: [size of the disk in bytes,"
   " bytes read, data] with data null for a chunk of zeros, else"
   " base64 of the zlib-compressed bytes"),
  ("blockdev_write_chunk", False, TMO_NORMAL,
   [("disk", ED_SINGLE_DISK_DICT_DP), ("offset", None), ("length", None),
    ("data", None)],
   "Write a chunk read by blockdev_read_chunk at offset of a disk (data"
   " null: length zero bytes, left sparse)"),
  # Block devices and file storage
  ("blockdev_create", False, TMO_NORMAL,
   [("bdev", ED_SINGLE_DISK_DICT_DP), ("size", None), ("owner", None),
    ("on_primary", None), ("info", None), ("excl_stor", None)],
   "Create a block device; returns its unique id"),
  ("blockdev_remove", False, TMO_NORMAL, [("bdev", ED_SINGLE_DISK_DICT_DP)],
   "Remove a block device"),
  ("blockdev_assemble", False, TMO_NORMAL,
   [("disk", ED_SINGLE_DISK_DICT_DP), ("instance", ED_INST_DICT),
    ("on_primary", None), ("idx", None)],
   "Assemble a block device: returns [dev_path, link_name, uri]"),
  ("blockdev_shutdown", False, TMO_NORMAL, [("disk", ED_SINGLE_DISK_DICT_DP)],
   "Shut down a block device"),
  ("blockdev_find", False, TMO_NORMAL, [("disk", ED_SINGLE_DISK_DICT_DP)],
   "Find a block device: BlockDevStatus dict or null"),
  ("blockdev_getmirrorstatus", False, TMO_NORMAL,
   [("disks", ED_DISKS_DICT_DP)],
   "Mirror status of disks: list of [success, BlockDevStatus dict]"),
  ("drbd_disconnect_net", True, TMO_NORMAL, [("disks", ED_DISKS_DICT_DP)],
   "Disconnect DRBD disks from their peers (StandAlone)"),
  ("drbd_attach_net", True, TMO_NORMAL,
   [("disks", ED_DISKS_DICT_DP), ("instance_name", None),
    ("multimaster", None)],
   "Reconnect StandAlone DRBD disks (dual-primary if multimaster)"),
  ("drbd_wait_sync", True, TMO_SLOW, [("disks", ED_DISKS_DICT_DP)],
   "DRBD resync state: [all_done, lowest sync percent]"),
  ("drbd_needs_activation", False, TMO_NORMAL,
   [("disks", ED_DISKS_DICT_DP)],
   "UUIDs of the DRBD disks that need activation"),
  ("drbd_helper", True, TMO_URGENT, [], "The DRBD usermode helper"),
  ("file_storage_dir_create", False, TMO_FAST, [("file_storage_dir", None)],
   "Create the given file storage directory"),
  ("file_storage_dir_remove", False, TMO_FAST, [("file_storage_dir", None)],
   "Remove the given (empty) file storage directory"),
  ("file_storage_dir_rename", False, TMO_FAST,
   [("old_file_storage_dir", None), ("new_file_storage_dir", None)],
   "Rename a file storage directory"),
  ("storage_list", True, TMO_NORMAL,
   [("su_name", None), ("su_args", None), ("name", None), ("fields", None)],
   "List storage units: list of rows of field values"),
  ("blockdev_grow", False, TMO_NORMAL,
   [("cf_bdev", ED_SINGLE_DISK_DICT_DP), ("amount", None), ("dryrun", None),
    ("backingstore", None), ("excl_stor", None)],
   "Grow a block device by amount MiB (dryrun: only check)"),
  ("blockdev_rename", False, TMO_NORMAL, [("devlist", ED_BLOCKDEV_RENAME)],
   "Rename block devices; devlist is [[disk dict, new logical id], ...]"),
  ("blockdev_snapshot", False, TMO_NORMAL,
   [("cf_bdev", ED_SINGLE_DISK_DICT_DP)],
   "Snapshot a block device; returns the snapshot's logical id"),
  ("blockdev_wipe", False, TMO_SLOW,
   [("bdev", ED_SINGLE_DISK_DICT_DP), ("offset", None), ("size", None)],
   "Zero size MiB of a block device from offset MiB"),
  ("blockdev_close", False, TMO_NORMAL,
   [("instance_name", None), ("disks", ED_DISKS_DICT_DP)],
   "Close block devices and remove the instance's disk symlinks"),
  ("blockdev_open", False, TMO_NORMAL,
   [("instance_name", None), ("disks", ED_DISKS_DICT_DP),
    ("exclusive", None)],
   "Open block devices (exclusive unless migrating) and link them"),
  ("blockdev_getdimensions", False, TMO_NORMAL,
   [("disks", ED_DISKS_DICT_DP)],
   "Sizes and spindles of disks: list of [bytes, spindles] or null"),
  ("blockdev_setinfo", False, TMO_NORMAL,
   [("disk", ED_SINGLE_DISK_DICT_DP), ("info", None)],
   "Set metadata (originstname+<instance>) on a block device"),
  ("blockdev_pause_resume_sync", False, TMO_NORMAL,
   [("disks", ED_DISKS_DICT_DP), ("pause", None)],
   "Pause or resume the resync of disks: list of [success, message]"),
  ("blockdev_addchildren", False, TMO_NORMAL,
   [("bdev", ED_SINGLE_DISK_DICT_DP), ("ndevs", ED_DISKS_DICT_DP)],
   "Attach new child devices (DRBD: data and meta LVs) to a device"),
  ("blockdev_removechildren", False, TMO_NORMAL,
   [("bdev", ED_SINGLE_DISK_DICT_DP), ("ndevs", ED_DISKS_DICT_DP)],
   "Detach child devices (DRBD: its local storage) from a device"),
  ("lv_list", True, TMO_URGENT, [("vg_name", None)],
   "Logical volumes: {\"vg/lv\": [size, inactive, online]}"),
  ("vg_list", True, TMO_URGENT, [], "Volume groups: {name: size in MiB}"),
  ("node_volumes", True, TMO_FAST, [],
   "All LVs: list of {name, size, dev, vg}, one per LV and PV"),
  ("bdev_sizes", True, TMO_URGENT, [("devices", None)],
   "Sizes in MiB of the given block devices: {path: size}"),
  # OS
  ("os_diagnose", True, TMO_FAST, [],
   "List OSes: [name, path, status, diagnose, variants, parameters,"
   " api_versions, trusted]"),
  ("os_get", False, TMO_FAST, [("name", None)],
   "Return a single OS definition as an objects.OS dict"),
  ("os_validate", True, TMO_FAST,
   [("required", None), ("name", None), ("checks", None), ("params", None),
    ("force_variant", None)], "Validate an OS and its parameters"),
  # Import/export (backup)
  ("import_start", False, TMO_NORMAL,
   [("opts", None), ("instance", ED_INST_DICT), ("component", None),
    ("dest", ED_IMPEXP_IO)],
   "Start an import helper; returns the transfer name"),
  ("export_start", False, TMO_NORMAL,
   [("opts", None), ("host", None), ("port", None),
    ("instance", ED_INST_DICT), ("component", None),
    ("source", ED_IMPEXP_IO)],
   "Start an export helper; returns the transfer name"),
  ("impexp_status", False, TMO_FAST, [("names", None)],
   "Status dicts of transfers (null for unknown ones)"),
  ("impexp_abort", False, TMO_NORMAL, [("name", None)],
   "Abort a transfer"),
  ("impexp_cleanup", False, TMO_NORMAL, [("name", None)],
   "Stop a transfer's helper and remove its status directory"),
  ("export_info", False, TMO_FAST, [("path", None)],
   "The config.ini text of an export"),
  ("export_list", True, TMO_FAST, [], "List the node's exports"),
  ("export_remove", False, TMO_FAST, [("export", None)],
   "Remove an export"),
  ("finalize_export", False, TMO_NORMAL,
   [("instance", ED_INST_DICT), ("snap_disks", ED_FINALIZE_EXPORT_DISKS)],
   "Write an export's config.ini and move it into place"),
  # Hooks and misc
  ("hooks_runner", True, TMO_NORMAL,
   [("hpath", None), ("phase", None), ("env", None)],
   "Run hooks scripts: list of [script, status, output]"),
  ("test_delay", True, _TestDelayTimeout, [("duration", None)],
   "Sleep for a while"),
  ("hypervisor_validate_params", True, TMO_NORMAL,
   [("hvname", None), ("hvparams", None)],
   "Check a hypervisor's full parameters on the node (syntax, then"
   " validity there); fails with the hypervisor's message"),
  ("iallocator_runner", False, TMO_NORMAL,
   [("name", None), ("idata", None)],
   "Run the iallocator script 'name' on the input message text idata;"
   " returns its standard output"),
  # Job queue replication
  ("jobqueue_update", True, TMO_URGENT,
   [("file_name", ED_QUEUE_PATH), ("content", ED_COMPRESS)],
   "Write a job queue file"),
  ("jobqueue_purge", False, TMO_NORMAL, [], "Purge the job queue"),
  ("jobqueue_rename", True, TMO_URGENT, [("rename", None)],
   "Rename job queue files: list of [old, new] (virtual paths)"),
  ("jobqueue_set_drain_flag", True, TMO_URGENT, [("flag", None)],
   "Set or unset the queue drain flag"),
  # Config distribution
  ("upload_file", True, TMO_NORMAL, [("file_details", ED_FILE_DETAILS)],
   "Upload an allowed file to the node"),
  ("write_ssconf_files", True, TMO_NORMAL, [("values", None)],
   "Write the ssconf files: {key: value}"),
  # Node operations: storage units, powercycle, out-of-band
  ("storage_modify", False, TMO_NORMAL,
   [("su_name", None), ("su_args", None), ("name", None),
    ("changes", None)],
   "Change a storage unit: changes is {field: value} (lvm-pv:"
   " allocatable)"),
  ("storage_execute", False, TMO_NORMAL,
   [("su_name", None), ("su_args", None), ("name", None), ("op", None)],
   "Run an operation on a storage unit (lvm-vg: fix-consistency)"),
  ("node_powercycle", False, TMO_NORMAL,
   [("hypervisor", None), ("hvparams", None)],
   "Schedule a hard reboot of the node through its hypervisor; returns"
   " a message"),
  ("run_oob", False, _OobTimeout,
   [("oob_program", None), ("command", None), ("remote_node", None),
    ("timeout", None)],
   "Run the out-of-band program (on the master) for a node; returns its"
   " standard output"),
  # Master role
  ("node_change_master_netmask", False, TMO_FAST,
   [("old_netmask", None), ("netmask", None), ("master_ip", None),
    ("master_netdev", None)],
   "Change the netmask of the (active) master IP"),
  # renew-crypto (pyganeti: all nodes share server.pem)
  ("node_replace_cluster_cert", True, TMO_NORMAL,
   [("content", ED_COMPRESS)],
   "Replace server.pem with the given key and certificate PEM data"),
  # Watcher
  ("get_watcher_pause", False, TMO_URGENT, [],
   "Until when the watcher is paused (UNIX time) or null"),
  ("set_watcher_pause", True, TMO_URGENT, [("until", None)],
   "Pause the watcher until a UNIX time; null resumes it"),
]

CALLS_BY_NAME = dict((c[0], c) for c in CALLS)
