#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for the test run.
#   pg-cluster.sh start DIR   -> writes DIR/url (postgresql://roundtable@127.0.0.1:PORT/roundtable_test)
#   pg-cluster.sh stop DIR
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' user.
# When the server binaries are absent it writes no url and exits 0: the tests
# that need PostgreSQL then skip and say why. With RT_REQUIRE_POSTGRES (or CI)
# set it fails instead: CI installs the server and must test it.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

run() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    "$0" stop "$dir" || true
    mkdir -p "$dir"
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        required=${RT_REQUIRE_POSTGRES:-}
        if [ -z "$required" ] && [ -n "${CI:-}" ]; then required=1; fi
        if [ -n "$required" ] && [ "$required" != 0 ]; then
            echo "PostgreSQL server not installed (no initdb), but RT_REQUIRE_POSTGRES/CI is set: CI must test PostgreSQL." >&2
            echo "Install Debian's 'postgresql' package (scripts/install-deps.sh does)." >&2
            exit 1
        fi
        echo "PostgreSQL server not installed (no initdb); PostgreSQL tests will skip." >&2
        exit 0
    fi
    # The cluster lives under /tmp: the build tree may sit below a directory
    # (such as /root) that the postgres user cannot enter.
    pgdir=$(mktemp -d /tmp/roundtable-pg.XXXXXX)
    echo "$pgdir" >"$dir/pgdir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$pgdir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
    run "$bindir/initdb" -D "$pgdir/data" -A trust -U roundtable >"$dir/initdb.log" 2>&1
    run "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
    run "$bindir/createdb" -h 127.0.0.1 -p "$port" -U roundtable roundtable_test
    echo "postgresql://roundtable@127.0.0.1:$port/roundtable_test" >"$dir/url.tmp"
    mv "$dir/url.tmp" "$dir/url"
    echo "PostgreSQL test cluster on port $port"
    ;;
stop)
    if [ -f "$dir/pgdir" ]; then
        pgdir=$(cat "$dir/pgdir")
        if [ -n "$bindir" ] && [ -d "$pgdir/data" ]; then
            run "$bindir/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null || true
        fi
        rm -rf "$pgdir"
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
