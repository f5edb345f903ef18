#!/usr/bin/env bash
# Installs the local Spark used by the Spark suite (npm run test:spark) into .venv/ (git-ignored).
# Idempotent: reinstalls only when deploy/spark/requirements.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=deploy/spark/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "Spark environment up to date ($(.venv/bin/python -c 'import pyspark; print("pyspark", pyspark.__version__)'))"
  exit 0
fi

command -v java >/dev/null || { echo "Java is required for Spark (Java 17); install a JDK and retry" >&2; exit 1; }
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
echo "Spark environment ready: $(.venv/bin/python -c 'import pyspark; print("pyspark", pyspark.__version__)') in .venv/"
