#!/usr/bin/env bash
# Submit a proofgen run to a running Ray cluster with `ray job submit`.
#
#   cluster/submit.sh http://HEAD:8265 /mnt/proofgen/runs/setmm-seed1 [proofgen generate options]
#
# The driver runs on the head node and joins the cluster (--address auto);
# workers write straight to OUT, which must be a folder every node sees at
# the same path (a shared file system).  Submitting the same command again
# resumes the run.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 RAY_DASHBOARD_URL OUT [proofgen generate options...]" >&2
    exit 1
fi
address=$1
out=$2
shift 2
exec ray job submit --address "$address" -- \
    proofgen generate --executor ray --address auto --out "$out" "$@"
