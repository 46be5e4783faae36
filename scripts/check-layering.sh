#!/usr/bin/env bash
# Fails when a module under Sources/ imports what the layering forbids, naming file and line.
#
#   scripts/check-layering.sh [SOURCES_ROOT]      default: Sources/ of this repository
#
# Reads every `import` line of every .swift file under SOURCES_ROOT/<Module>, in any form:
# `import X`, `@testable import X`, `@_exported import X`, `import struct X.Y`, `public import X`.
# Dependencies point one way; a module may import only what its row below names, plus the
# system modules every module may use. Third-party modules are rows' entries too, so Yams, say,
# stays in the one module that reads YAML. A module folder of the table that does not exist is
# skipped; a Swift module folder the table does not name is an error (add its row).
set -euo pipefail

# The layering: what each module may import, "ours | third-party". Nothing else.
OURS="SiteManifest SiteSource TemplateKit MediaPipeline Publisher StockLedger Announce SiteBuilder LiveStock PreviewServer EdgeProbe MarketReport CCmarkGFM CHeif CWebP CZlib"
declare -A ALLOWED=(
    [SourceRevision]="                                                         |"
    [SiteManifest]="                                                           | Crypto"
    [SiteSource]="SiteManifest                                                 | Yams"
    [TemplateKit]="                                                            |"
    [MediaPipeline]="SiteManifest CHeif CWebP                                  | Crypto"
    [Publisher]="SiteManifest SiteSource                                       | Crypto AsyncHTTPClient NIOCore NIOHTTP1 NIOPosix FoundationXML"
    [StockLedger]="SiteManifest SiteSource                                     | Crypto"
    [SiteBuilder]="SiteManifest SiteSource TemplateKit MediaPipeline StockLedger CCmarkGFM CZlib | Crypto"
    [Announce]="SiteManifest SiteSource Publisher TemplateKit                 | Crypto AsyncHTTPClient NIOCore NIOHTTP1"
    [LiveStock]="StockLedger Publisher SiteBuilder SiteManifest SiteSource Announce | Crypto Hummingbird HTTPTypes NIOCore Logging ServiceLifecycle"
    [PreviewServer]="SiteManifest SiteSource SiteBuilder StockLedger           | Hummingbird HTTPTypes NIOCore Logging"
    [EdgeProbe]="SiteManifest                                                  | NIOCore NIOPosix NIOTLS NIOSSL"
    [MarketReport]="SiteBuilder SiteManifest SiteSource StockLedger EdgeProbe  |"
    [dropgen]="$OURS | ArgumentParser"
)
# The toolchain's own modules: any module may use them.
SYSTEM="Swift Foundation Dispatch Glibc Darwin Musl Synchronization _Concurrency"

if [[ $# -gt 0 ]]; then root=${1%/}; else cd "$(dirname "$0")/.." && root=Sources; fi
[[ -d $root ]] || { echo "check-layering: no such folder: $root" >&2; exit 2; }

# C modules: a module map and a header, no Swift to read.
C_MODULES="CCmarkGFM CHeif CWebP CZlib"

failures=0
shopt -s nullglob
for folder in "$root"/*/; do
    folder=${folder%/}
    module=$(basename "$folder")
    [[ " $C_MODULES " == *" $module "* ]] && continue
    mapfile -t files < <(find "$folder" -name '*.swift' -type f | sort)
    [[ ${#files[@]} -eq 0 ]] && continue
    if [[ ! -v ALLOWED[$module] ]]; then
        echo "$folder: module $module is not in the layering table of scripts/check-layering.sh; add its row"
        failures=$((failures + 1))
        continue
    fi
    row=${ALLOWED[$module]//|/ }
    allowed=" $SYSTEM $row "
    listed=$(echo $row)
    listed=${listed:-nothing but the system modules}
    # file:line:imported-module, one per import (several on a line split at `;`).
    while IFS=: read -r file line imported; do
        if [[ $imported == "$module" ]]; then continue; fi
        if [[ $allowed != *" $imported "* ]]; then
            echo "$file:$line: $module may not import $imported (allowed: $listed)"
            failures=$((failures + 1))
        fi
    done < <(awk '
        {
            n = split($0, parts, ";")
            for (i = 1; i <= n; i++) {
                text = parts[i]
                # Attributes (@testable, @_exported, @preconcurrency, @_spi(X)) and access levels.
                if (text !~ /^[[:space:]]*((@[A-Za-z_]+(\([^)]*\))?|public|package|internal|fileprivate|private)[[:space:]]+)*import[[:space:]]/) continue
                sub(/^[[:space:]]*((@[A-Za-z_]+(\([^)]*\))?|public|package|internal|fileprivate|private)[[:space:]]+)*import[[:space:]]+/, "", text)
                sub(/^(typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+/, "", text)
                if (match(text, /^[A-Za-z_][A-Za-z0-9_]*/)) print FILENAME ":" FNR ":" substr(text, RSTART, RLENGTH)
            }
        }' "${files[@]}")
done

if [[ $failures -gt 0 ]]; then
    echo "check-layering: $failures forbidden import(s); the allowed edges are the table at the top of scripts/check-layering.sh" >&2
    exit 1
fi
