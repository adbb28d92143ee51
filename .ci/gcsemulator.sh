#!/usr/bin/env bash
# The Google Cloud Storage emulator for the lake tests (issue 4). Source it:  . .ci/gcsemulator.sh
# Own virtual environment under var/, in-memory storage, port GCS_EMULATOR_PORT (default 9023);
# exports STORAGE_EMULATOR_HOST for pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/var/emulators/gcs"
port="${GCS_EMULATOR_PORT:-9023}"
if [ ! -x "$venv/bin/gcp-storage-emulator" ]; then
  "${PYTHON:-python3.11}" -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/.ci/gcsemulator-requirements.txt"
fi
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  nohup "$venv/bin/gcp-storage-emulator" start --host 127.0.0.1 --port "$port" --in-memory \
    >"$root/var/emulators/gcs.log" 2>&1 &
  for _ in $(seq 30); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 1; done
fi
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "GCS emulator did not start" >&2; return 1 2>/dev/null || exit 1; }
export STORAGE_EMULATOR_HOST="http://127.0.0.1:$port"
