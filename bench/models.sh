#!/usr/bin/env bash
# The generated models of GitHub's seven pinned events and Stripe's two, imported from
# tests/vendors/: lines, types and `cargo check` time of the models crate compiling only that
# vendor, with the types a vendor's schemas share generated once (one vendor folder) and without
# (one folder per schema, what a vendor needed before the generator shared types).
#
# Usage: bench/models.sh [shared|unshared ...]   (both by default)
# Works on a copy of the repository at HEAD in a temporary folder; its target folder is
# target/bench-models, so a second run compiles the dependencies no more.
set -euo pipefail

root=$(git rev-parse --show-toplevel)
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(shared unshared)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$root/target/bench-models"

cargo build -q --manifest-path "$root/Cargo.toml" -p hookschema-cli
hookschema="$CARGO_TARGET_DIR/debug/hookschema"

github="$root/tests/vendors/github/payload-schemas/api.github.com"
stripe="$root/tests/vendors/stripe/openapi/spec3.json"
events=(check_run issues ping pull_request push release workflow_run)

# Imports into $1: GitHub as one folder or one per schema, Stripe likewise.
import() {
    local out=$1 mode=$2 file
    if [ "$mode" = shared ]; then
        local files=()
        for event in "${events[@]}"; do files+=("$github/$event"/*.json); done
        "$hookschema" import jsonschema "${files[@]}" --root "$github" --vendor github --out "$out"
        "$hookschema" import openapi "$stripe" --component payment_intent --component charge \
            --envelope event:/data/object --vendor stripe --out "$out"
    else
        for event in "${events[@]}"; do
            for file in "$github/$event"/*.json; do
                local name
                name="github-${event//_/-}-$(basename "$file" .schema.json)"
                name=${name//_/-}
                "$hookschema" import jsonschema "$file" --root "$github" --vendor "$name" \
                    --out "$out"
            done
        done
        for component in payment_intent charge; do
            "$hookschema" import openapi "$stripe" --component "$component" \
                --envelope event:/data/object --vendor "stripe-${component//_/-}" --out "$out"
        done
    fi
    # Only the models are measured: the skeleton vendor files are not needed.
    rm -f "$out"/*/vendor.json
}

# Lines and types generated for the folders matching $1, and the seconds `cargo check` of the
# models crate takes with only their features on.
measure() {
    local pattern=$1 folders features
    folders=$(cd "$work/repo/crates/models/src/generated" && ls -d $pattern)
    features=$(cd "$work/repo/schemas" && ls -d $pattern | paste -sd, -)
    local lines types
    generated() { (cd "$work/repo/crates/models/src/generated" &&
        for folder in $folders; do cat "$folder"/*.rs; done); }
    lines=$(generated | wc -l)
    types=$(generated | grep -cE '^pub (struct|enum) ')
    (cd "$work/repo" && cargo check -q -p hookschema-models --no-default-features)
    local start end
    start=$(date +%s.%N)
    (cd "$work/repo" && cargo check -q -p hookschema-models --no-default-features \
        --features "$features")
    end=$(date +%s.%N)
    printf '%-8s %-9s %4d folder(s) %8d lines %6d types %7.1f s cargo check\n' \
        "$pattern" "$mode" "$(echo "$folders" | wc -l)" "$lines" "$types" \
        "$(echo "$end - $start" | bc)"
}

mkdir -p "$work/repo"
git -C "$root" archive HEAD | tar -x -C "$work/repo"
for mode in "${modes[@]}"; do
    rm -rf "$work/repo/schemas"/github* "$work/repo/schemas"/stripe*
    import "$work/repo/schemas" "$mode" >/dev/null
    (cd "$work/repo" && cargo xtask codegen --rust-only >/dev/null 2>&1)
    measure 'github*'
    measure 'stripe*'
done
