# Services the test suite needs; sourced by .ci/run.
# A real MLflow tracking server on loopback: sqlite backend, artifact proxy on. Tests that stop and restart
# a server, or need basic auth, start their own from the same installation (LAYERWISE_TEST_MLFLOW_BIN).
MLFLOW_VERSION=3.17.2
MLFLOW_VENV="$PWD/.cache/mlflow-venv"
MLFLOW_DIR="$PWD/.cache/ci-mlflow"
MLFLOW_PORT="${LAYERWISE_CI_MLFLOW_PORT:-5055}"

install_mlflow() {
  if [ ! -f "$MLFLOW_VENV/.mlflow-$MLFLOW_VERSION" ]; then
    echo "[ci] installing mlflow[auth]==$MLFLOW_VERSION into $MLFLOW_VENV"
    python3 -m venv "$MLFLOW_VENV"
    "$MLFLOW_VENV/bin/pip" install --quiet "mlflow[auth]==$MLFLOW_VERSION"
    touch "$MLFLOW_VENV/.mlflow-$MLFLOW_VERSION"
  fi
}

start_services() {
  install_mlflow
  stop_services # one left by an earlier run that was killed before its trap
  rm -rf "$MLFLOW_DIR" && mkdir -p "$MLFLOW_DIR"
  # exec: the recorded pid is the server's own, and setsid makes it the leader of a process group
  # that holds its workers too, so stop_services can end them all.
  (cd "$MLFLOW_DIR" && exec setsid "$MLFLOW_VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$MLFLOW_DIR/mlflow.db" --artifacts-destination "$MLFLOW_DIR/artifacts" \
    --serve-artifacts --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 >"$MLFLOW_DIR/server.log" 2>&1) &
  echo $! >"$MLFLOW_DIR/pid"
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$MLFLOW_PORT/health" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  if ! curl -fsS "http://127.0.0.1:$MLFLOW_PORT/health" >/dev/null 2>&1; then
    echo "[ci] mlflow server did not start:" >&2; cat "$MLFLOW_DIR/server.log" >&2; return 1
  fi
  echo "[ci] mlflow $MLFLOW_VERSION serving on http://127.0.0.1:$MLFLOW_PORT"
  export LAYERWISE_TEST_MLFLOW_URI="http://127.0.0.1:$MLFLOW_PORT"
  export LAYERWISE_TEST_MLFLOW_BIN="$MLFLOW_VENV/bin/mlflow"
}

stop_services() {
  [ -f "$MLFLOW_DIR/pid" ] || return 0
  local pid
  pid=$(cat "$MLFLOW_DIR/pid")
  kill -- -"$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 -- -"$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- -"$pid" 2>/dev/null || true
  rm -f "$MLFLOW_DIR/pid"
}
