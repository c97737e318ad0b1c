"""Deterministic, unbalanced test clusters in the htools text format.

``GenerateCluster(nodes, instances, seed)`` builds a single-group cluster
of identical nodes (64 GiB memory, 2 TiB disk, 16 cpus) and DRBD
instances of mixed sizes whose primaries are crowded on the first third
of the nodes, as a cluster looks after nodes were added to it.  The same
arguments always give the same text, so benchmarks and differential tests
against upstream's binaries are repeatable.
"""

import random

_MEMS = (512, 1024, 2048, 4096)
_DISKS = (10240, 20480, 51200)
_VCPUS = (1, 2, 4)

NODE_MEM = 65536
NODE_DISK = 2 * 1024 * 1024
NODE_CPUS = 16


def GenerateCluster(nodes=40, instances=400, seed=1):
  rng = random.Random(seed)
  names = ["node-%03d" % i for i in range(nodes)]
  free_mem = dict((n, NODE_MEM - 1024) for n in names)
  free_dsk = dict((n, NODE_DISK) for n in names)
  crowded = max(2, nodes // 3)
  ilines = []
  for num in range(instances):
    mem = rng.choice(_MEMS)
    dsk = rng.choice(_DISKS)
    vcpus = rng.choice(_VCPUS)
    for _ in range(1000):
      if rng.random() < 0.8:
        pnode = names[rng.randrange(crowded)]
      else:
        pnode = rng.choice(names)
      snode = rng.choice(names)
      if snode == pnode:
        continue
      if free_mem[pnode] > mem + 2048 and free_dsk[pnode] > dsk + 10240 and \
          free_dsk[snode] > dsk + 10240:
        break
    else:
      raise ValueError("Cannot place instance %d" % num)
    free_mem[pnode] -= mem
    free_dsk[pnode] -= dsk
    free_dsk[snode] -= dsk
    ilines.append("inst-%04d|%d|%d|%d|running|Y|%s|%s|drbd||1|-|N" %
                  (num, mem, dsk, vcpus, pnode, snode))
  nlines = ["%s|%d|1024|%d|%d|%d|%d|%s|uuid-group-1|1||N|0|1|1.0" %
            (n, NODE_MEM, free_mem[n], NODE_DISK, free_dsk[n], NODE_CPUS,
             "M" if i == 0 else "N") for (i, n) in enumerate(names)]
  policy = ("128,1,1024,1,1,1|128,1,1024,1,1,1;65536,16,1048576,16,8,12|"
            "drbd,plain,diskless,file,sharedfile,blockdev,rbd,ext|8.0|32.0")
  return "\n".join([
    "default|uuid-group-1|preferred||\n",
    "\n".join(nlines) + "\n",
    "\n".join(ilines) + "\n",
    "",
    "|" + policy + "\ndefault|" + policy + "\n",
  ])


def Main(argv=None):
  import sys
  args = sys.argv[1:] if argv is None else argv
  if len(args) not in (2, 3):
    sys.stderr.write("Usage: gencluster NODES INSTANCES [SEED]\n")
    return 1
  seed = int(args[2]) if len(args) == 3 else 1
  sys.stdout.write(GenerateCluster(int(args[0]), int(args[1]), seed))
  return 0


if __name__ == "__main__":
  import sys
  sys.exit(Main())
