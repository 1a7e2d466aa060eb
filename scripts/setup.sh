#!/usr/bin/env bash
# Sets up layerwise on a machine that reaches only the npm registry and PyPI:
#   1. installs the npm dependencies without their install scripts,
#   2. takes libtensorflow (shared libraries + C headers) from the tensorflow-cpu wheel on PyPI,
#      cached under $LAYERWISE_CACHE, and stages it where @tensorflow/tfjs-node's installer looks,
#   3. lets tfjs-node build its native addon from source (node-gyp, offline, system Node headers),
#   4. compiles layerwise and checks that the native backend loads.
# Idempotent: a second run reuses the cached wheel and the built addon.
# With a normal internet connection `npm install && npm run build` is the standard route instead.
set -euo pipefail
cd "$(dirname "$0")/.."

TF_VERSION="${LAYERWISE_TF_VERSION:-2.21.0}"
CACHE="${LAYERWISE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/layerwise}"
TFJS_NODE=node_modules/@tensorflow/tfjs-node
say() { printf '[setup] %s\n' "$*"; }

addon_loads() {
  node -e "process.exit(require('./$TFJS_NODE').getBackend() === 'tensorflow' ? 0 : 1)" >/dev/null 2>&1
}

# npm ci deletes node_modules (and the built addon with it): skip it while package-lock.json is unchanged.
lock_stamp=node_modules/.layerwise-lock
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$lock_stamp" ] && [ "$(cat "$lock_stamp")" = "$lock_hash" ]; then
  say "npm packages up to date"
else
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$lock_hash" > "$lock_stamp"
fi

if addon_loads; then
  say "native addon already built"
else
  wheel_dir="$CACHE/wheels"
  lib_dir="$CACHE/libtensorflow-$TF_VERSION"
  if [ ! -f "$lib_dir/.complete" ]; then
    mkdir -p "$wheel_dir"
    wheel=$(ls "$wheel_dir"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -n1 || true)
    if [ -z "$wheel" ]; then
      say "downloading tensorflow-cpu==$TF_VERSION from PyPI (once; cached in $wheel_dir)"
      python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d "$wheel_dir" "tensorflow-cpu==$TF_VERSION"
      wheel=$(ls "$wheel_dir"/tensorflow_cpu-"$TF_VERSION"-*.whl | head -n1)
    fi
    say "extracting libtensorflow from $(basename "$wheel")"
    rm -rf "$lib_dir.tmp" && mkdir -p "$lib_dir.tmp"
    python3 - "$wheel" "$lib_dir.tmp" <<'PY'
import sys, zipfile, os, shutil
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
            dest = os.path.join(out, 'lib', os.path.basename(name))
        elif name.startswith('tensorflow/include/') and not name.endswith('/'):
            dest = os.path.join(out, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(name) as src, open(dest, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
    # grep reads all of nm's output (no -q): under pipefail an early exit would fail nm with SIGPIPE.
    if ! nm -D --defined-only "$lib_dir.tmp/lib/libtensorflow_cc.so.2" | grep -E ' T TFE_NewContext(@@.*)?$' >/dev/null; then
      echo "[setup] error: libtensorflow_cc.so.2 in tensorflow-cpu==$TF_VERSION does not export the TensorFlow C API" >&2
      exit 1
    fi
    touch "$lib_dir.tmp/.complete"
    rm -rf "$lib_dir" && mv "$lib_dir.tmp" "$lib_dir"
  fi

  say "staging libtensorflow $TF_VERSION into $TFJS_NODE/deps"
  rm -rf "$TFJS_NODE/deps" && mkdir -p "$TFJS_NODE/deps/lib"
  cp -r "$lib_dir/include" "$TFJS_NODE/deps/include"
  for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
    ln "$lib_dir/lib/$f" "$TFJS_NODE/deps/lib/$f" 2>/dev/null || cp "$lib_dir/lib/$f" "$TFJS_NODE/deps/lib/$f"
  done
  # tfjs-node links -ltensorflow and checks for libtensorflow.so.<its pinned version> before downloading.
  (cd "$TFJS_NODE/deps/lib" && ln -sf libtensorflow_cc.so.2 libtensorflow.so \
    && ln -sf libtensorflow_framework.so.2 libtensorflow_framework.so \
    && ln -sf libtensorflow_cc.so.2 "libtensorflow.so.$(node -p "require('./../../scripts/deps-constants.js').LIBTENSORFLOW_VERSION")")

  say "building the tfjs-node addon from source (node-gyp)"
  nodedir=$(node -p "require('path').resolve(process.execPath, '../..')")
  [ -f "$nodedir/include/node/node_api.h" ] || nodedir=/usr
  npm_config_nodedir="$nodedir" npm rebuild @tensorflow/tfjs-node --foreground-scripts >/dev/null
  addon_loads || { echo "[setup] error: the tfjs-node addon was built but does not load" >&2; exit 1; }
fi

say "compiling layerwise"
npm run --silent build
node bin/layerwise.js backend
say "done: try 'npx layerwise --help'"
