#!/usr/bin/env bash
# Install the PostgreSQL server binaries the store tests start a throwaway server from
# (tests/pg.py: initdb into a temp dir, a free port, stopped at the end). Nothing is started here
# and no cluster is created. Does nothing when /usr/lib/postgresql/*/bin/initdb is already there.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "postgresql present: $(ls /usr/lib/postgresql/*/bin/initdb | tail -1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "error: the PostgreSQL binaries are missing and this user cannot run apt-get" >&2
    echo "fix: as root run: apt-get update && apt-get install -y postgresql" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# postgresql-common would create and start a cluster on install; the tests need neither.
$SUDO mkdir -p /etc/postgresql-common
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
$SUDO apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold postgresql
echo "installed: $(ls /usr/lib/postgresql/*/bin/initdb | tail -1)"
