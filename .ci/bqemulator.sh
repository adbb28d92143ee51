#!/usr/bin/env bash
# The BigQuery emulator for the warehouse tests (issue 4). Source it:  . .ci/bqemulator.sh
# It lives in its own virtual environment under var/ (installed beside the app it would
# downgrade protobuf), works offline once DuckDB's spatial extension is imported from its wheel,
# listens on BQ_EMULATOR_PORT (default 9050) and exports BIGQUERY_EMULATOR_HOST for pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/var/emulators/bq"
port="${BQ_EMULATOR_PORT:-9050}"
if [ ! -x "$venv/bin/bqemulator" ]; then
  "${PYTHON:-python3.11}" -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/.ci/bqemulator-requirements.txt"
  "$venv/bin/python" -c "import duckdb; from duckdb_extensions import import_extension; import_extension('spatial', con=duckdb.connect())"
fi
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  nohup "$venv/bin/bqemulator" start --rest-host 127.0.0.1 --rest-port "$port" --grpc-port "$((port + 10))" \
    --log-level warning >"$root/var/emulators/bq.log" 2>&1 &
  for _ in $(seq 60); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 1; done
fi
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "BigQuery emulator did not start" >&2; return 1 2>/dev/null || exit 1; }
export BIGQUERY_EMULATOR_HOST="http://127.0.0.1:$port"
