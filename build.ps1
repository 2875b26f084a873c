#!/usr/bin/env pwsh
# Thin bootstrapper: the build itself is the C# project in build/ (./build.ps1 --help lists targets).
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
dotnet run --project build/Build.csproj -- @args
exit $LASTEXITCODE
