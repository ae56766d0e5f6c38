#!/usr/bin/env bash
# Installs the real Prometheus, promtool, Alertmanager, amtool and VictoriaMetrics (the second
# backend of the metrics-API tests) from Debian's packages when any of them is missing from PATH.
# Tests and the demo run these binaries on loopback.
set -euo pipefail
need=()
for tool in prometheus promtool prometheus-alertmanager amtool victoria-metrics; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing ${need[*]} and apt-get is not available." >&2
  echo "Install Prometheus (prometheus, promtool), Alertmanager (prometheus-alertmanager, amtool)" >&2
  echo "and VictoriaMetrics single-node (victoria-metrics)" >&2
  echo "with your system's package manager and put them on PATH, then run make again." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing Prometheus, Alertmanager and VictoriaMetrics from Debian's packages (missing: ${need[*]})"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus prometheus-alertmanager victoria-metrics >/dev/null
# The packages may start system services; the project runs its own instances on free ports.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter victoria-metrics; do
  $sudo service "$svc" stop >/dev/null 2>&1 || true
done
for tool in prometheus promtool prometheus-alertmanager amtool victoria-metrics; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool still missing after install" >&2; exit 1; }
done
