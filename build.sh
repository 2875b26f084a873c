#!/usr/bin/env bash
# Thin bootstrapper: the build itself is the C# project in build/ (./build.sh --help lists targets).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
exec dotnet run --project build/Build.csproj -- "$@"
