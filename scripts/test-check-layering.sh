#!/usr/bin/env bash
# Tests scripts/check-layering.sh on small trees of its own: each case a Sources/ folder, the
# exit status it must give and the lines it must print (file:line and the edge).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0

# tree NAME FILE=TEXT ...: a Sources/ tree under $scratch/NAME (TEXT with \n for line breaks).
tree() {
    local name=$1; shift
    mkdir -p "$scratch/$name"
    for spec in "$@"; do
        local file=${spec%%=*} text=${spec#*=}
        mkdir -p "$(dirname "$scratch/$name/$file")"
        printf '%b' "$text" >"$scratch/$name/$file"
    done
}

# expect NAME STATUS [LINE ...]: the script on tree NAME exits STATUS and prints exactly LINEs.
expect() {
    local name=$1 status=$2; shift 2
    local output actual=0
    output=$(cd "$scratch" && bash "$here/check-layering.sh" "$name" 2>/dev/null) || actual=$?
    local wanted=""
    [[ $# -gt 0 ]] && wanted=$(printf '%s\n' "$@")
    if [[ $actual -ne $status || "$output" != "$wanted" ]]; then
        echo "FAIL $name: exit $actual (wanted $status)"
        echo "  printed: ${output:-<nothing>}"
        echo "  wanted:  ${wanted:-<nothing>}"
        failed=1
    fi
}

# Allowed edges only; SiteSource and TemplateKit not made yet: passes.
tree allowed \
    "SiteManifest/A.swift=import Crypto\nimport Foundation\n" \
    "SiteBuilder/B.swift=import Foundation\n@testable import SiteManifest\nimport MediaPipeline\n#if canImport(Glibc)\nimport Glibc\n#endif\n" \
    "PreviewServer/C.swift=import Hummingbird\nimport SiteBuilder\n" \
    "dropgen/D.swift=import ArgumentParser\nimport Publisher\nimport PreviewServer\n" \
    "CZlib/module.modulemap=module CZlib {}\n"
expect allowed 0

# The edge the layering exists for, in each spelling of an import.
tree forbidden \
    "SiteBuilder/Feeds.swift=import Foundation\n@testable import Publisher\n" \
    "SiteBuilder/Deep/More.swift=// import Publisher (a comment)\nimport struct Publisher.PublishConfig\n" \
    "PreviewServer/P.swift=@_exported import Publisher\n" \
    "SiteManifest/M.swift=import Foundation; import SiteBuilder\n" \
    "TemplateKit/T.swift=public import Yams\n" \
    "MediaPipeline/X.swift=@preconcurrency import ArgumentParser\n"
expect forbidden 1 \
    "forbidden/MediaPipeline/X.swift:1: MediaPipeline may not import ArgumentParser (allowed: SiteManifest CHeif CWebP Crypto)" \
    "forbidden/PreviewServer/P.swift:1: PreviewServer may not import Publisher (allowed: SiteManifest SiteSource SiteBuilder StockLedger Hummingbird HTTPTypes NIOCore Logging)" \
    "forbidden/SiteBuilder/Deep/More.swift:2: SiteBuilder may not import Publisher (allowed: SiteManifest SiteSource TemplateKit MediaPipeline StockLedger CCmarkGFM CZlib Crypto)" \
    "forbidden/SiteBuilder/Feeds.swift:2: SiteBuilder may not import Publisher (allowed: SiteManifest SiteSource TemplateKit MediaPipeline StockLedger CCmarkGFM CZlib Crypto)" \
    "forbidden/SiteManifest/M.swift:1: SiteManifest may not import SiteBuilder (allowed: Crypto)" \
    "forbidden/TemplateKit/T.swift:1: TemplateKit may not import Yams (allowed: nothing but the system modules)"

# A Swift module the table does not know.
tree unknown "Reports/R.swift=import Foundation\n"
expect unknown 1 "unknown/Reports: module Reports is not in the layering table of scripts/check-layering.sh; add its row"

# This repository's own tree.
output=$(bash "$here/check-layering.sh" 2>&1) || { echo "FAIL the repository's Sources/:"; echo "$output"; failed=1; }

if [[ $failed -ne 0 ]]; then exit 1; fi
echo "check-layering: all cases pass"
