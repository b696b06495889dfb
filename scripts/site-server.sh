#!/usr/bin/env bash
# Serves a generated site (scripts/generate-site.py) with nginx on 127.0.0.1.
#
# Usage: scripts/site-server.sh start SITE_DIR [--port P] [--run-dir DIR]
#        scripts/site-server.sh stop   [--port P] [--run-dir DIR]
#        scripts/site-server.sh status [--port P] [--run-dir DIR]
#
# nginx runs with its own configuration and pid file in the run directory
# (default /tmp/asyncurl-nginx-PORT), never touching /etc/nginx; `stop` ends
# it by the pid it wrote. The site's nginx-redirects.conf, when present, is
# included. Prints the base URL on start. Fails if the port is taken.
# Workers run as the invoking user, so a site under a private home
# directory is readable (a root master would otherwise drop to `nobody`).
set -euo pipefail

command=${1:-}
shift || true
site=""
port=8080
run_dir=""
while (($#)); do
    case "$1" in
        --port) port=$2; shift 2 ;;
        --run-dir) run_dir=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) site=$1; shift ;;
    esac
done
run_dir=${run_dir:-/tmp/asyncurl-nginx-$port}
pid_file="$run_dir/nginx.pid"

nginx_binary() {
    for candidate in /usr/sbin/nginx /usr/bin/nginx; do
        if [[ -x $candidate ]]; then echo "$candidate"; return; fi
    done
    echo "nginx is not installed; run scripts/install-deps.sh" >&2
    exit 1
}

is_running() {
    [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

case "$command" in
start)
    [[ -n $site && -d $site ]] || { echo "usage: $0 start SITE_DIR [--port P]" >&2; exit 2; }
    site=$(cd "$site" && pwd)
    if is_running; then echo "already running (pid $(cat "$pid_file"))" >&2; exit 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port on 127.0.0.1 is already taken" >&2
        exit 1
    fi
    mkdir -p "$run_dir/tmp"
    redirects=""
    if [[ -f $site/nginx-redirects.conf ]]; then redirects="include $site/nginx-redirects.conf;"; fi
    cat > "$run_dir/nginx.conf" <<CONF
daemon on;
user $(id -un);
worker_processes auto;
pid $pid_file;
error_log $run_dir/error.log warn;
events { worker_connections 8192; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path $run_dir/tmp/body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $site;
        $redirects
    }
}
CONF
    "$(nginx_binary)" -c "$run_dir/nginx.conf" -p "$run_dir" -e "$run_dir/error.log"
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "http://127.0.0.1:$port/"
            exit 0
        fi
        sleep 0.05
    done
    echo "nginx did not start; see $run_dir/error.log" >&2
    exit 1
    ;;
stop)
    if is_running; then
        pid=$(cat "$pid_file")
        kill "$pid"
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
    fi
    rm -f "$pid_file"
    ;;
status)
    if is_running; then echo "running (pid $(cat "$pid_file")) on http://127.0.0.1:$port/"; else echo "stopped"; exit 1; fi
    ;;
*)
    sed -n '2,12p' "$0"
    exit 2
    ;;
esac
