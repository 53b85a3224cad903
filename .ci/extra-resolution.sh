#!/usr/bin/env bash
# The optional extra lvrgd-common[async] must not move boto3 or botocore (aiobotocore's
# extra pins botocore to a three-patch window; ours pins nothing). Resolve the base
# install and the install with the extra, from uv.lock (what the project tests) and
# afresh from the index for the lowest and a recent Python (what a user installing today
# gets), and compare each pair: the same boto3 and botocore, and httpx and anyio only
# with the extra.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export_lock() {
    uv export --frozen --no-dev --no-hashes --no-emit-project --no-header --no-annotate "$@"
}
export_lock >"$work/lock.base"
export_lock --extra async >"$work/lock.async"
compile() {  # PYTHON NAME [uv pip compile options]: the resolution from the index, into NAME
    local python=$1 name=$2
    shift 2
    uv pip compile --quiet --no-header --no-annotate --python-version "$python" "$@" \
        pyproject.toml >"$work/$name"
}
pids=()
for python in 3.10 3.13; do
    compile "$python" "index-py$python.base" & pids+=($!)
    compile "$python" "index-py$python.async" --extra async & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

python3 - "$work" <<'PY'
import pathlib, re, sys

work = pathlib.Path(sys.argv[1])
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;]+)")


def pins(path: pathlib.Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


failures = []
for base_file in sorted(work.glob("*.base")):
    name = base_file.stem
    base, extra = pins(base_file), pins(base_file.with_suffix(".async"))
    shared = {lib: (base.get(lib), extra.get(lib)) for lib in ("boto3", "botocore")}
    print(f"{name}: " + ", ".join(f"{lib} {a} / {b}" for lib, (a, b) in shared.items()))
    for lib, (a, b) in shared.items():
        if a is None or a != b:
            failures.append(f"{name}: {lib} is {a} in the base install but {b} with [async]")
    for lib in ("httpx", "anyio"):
        if lib in base:
            failures.append(f"{name}: the base install brings {lib}")
        if lib not in extra:
            failures.append(f"{name}: lvrgd-common[async] does not bring {lib}")
if failures:
    sys.exit("\n".join(failures))
print("the base install and lvrgd-common[async] resolve the same boto3 and botocore")
PY
