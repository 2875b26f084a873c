#!/usr/bin/env bash
# Stops the services .ci/services/*.sh started (by PID, never by name).
set -uo pipefail
here="$(dirname "$0")"
bash "$here/docker.sh" stop
bash "$here/postgres.sh" stop
bash "$here/slurm.sh" stop
