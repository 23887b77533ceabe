#!/usr/bin/env bash
# Builds Roundtable and starts it: the window when a display is available;
# otherwise a short terminal demo against the bundled Ollama simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target roundtable roundtable-ollama-sim
bin=build/default/bin
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$bin/roundtable" "$@"
fi
echo "No display found, so here is Roundtable in the terminal, talking to its bundled Ollama simulator."
echo "(On a desktop, this command opens the window; with a real Ollama running, the window uses it.)"
sim_out=$(mktemp)
"$bin/roundtable-ollama-sim" --port 0 --quiet --max-seconds 120 --tps 40 >"$sim_out" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null || true; rm -f "$sim_out"' EXIT
for _ in $(seq 50); do grep -q listening "$sim_out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$sim_out" | head -n 1)
echo; echo "\$ roundtable models list --ollama-host $url"
"$bin/roundtable" models list --ollama-host "$url"
echo; echo "\$ roundtable chat --ollama-host $url --model llama3.2:1b \"Why do teams argue?\""
"$bin/roundtable" chat --no-save --ollama-host "$url" --model llama3.2:1b "Why do teams argue?"
