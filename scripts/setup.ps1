# Set up officekit on a Windows PC, from the repository folder (PowerShell 5.1 or 7):
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1          # to use it
#   powershell -ExecutionPolicy Bypass -File scripts\setup.ps1 -Test    # also the test tools
# Python 3.11+ from python.org or winget; a virtual environment .venv with officekit installed
# from this checkout. LibreOffice is optional: without it, PDFs are made by Word when Word is
# installed (officekit report --pdf); -LibreOffice installs it through winget.
# Safe to run again: winget and pip skip what is already there.
param([switch]$Test, [switch]$LibreOffice)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '..')
# Chinese in this window and in officekit's output, whatever the console's code page
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$env:PYTHONUTF8 = '1'

function Find-Python {
    # each candidate is a command and its first arguments: on PATH, or where the python.org /
    # winget installers put it without touching PATH (`+= ,@(...)` keeps each one an array)
    $candidates = @(,@('py', '-3'))
    $candidates += ,@('python')
    $candidates += ,@('python3')
    foreach ($found in @(Get-ChildItem -ErrorAction SilentlyContinue -Path `
            "$env:LOCALAPPDATA\Programs\Python\Python3*\python.exe",
            "$env:ProgramFiles\Python3*\python.exe")) {
        $candidates += ,@($found.FullName)
    }
    foreach ($candidate in $candidates) {
        $exe = $candidate[0]
        if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { continue }
        $rest = @($candidate | Select-Object -Skip 1)
        try {
            $ok = & $exe @rest -c 'import sys; print(sys.version_info >= (3, 11))' 2>$null
        } catch { continue }
        if ($ok -eq 'True') { return ,$candidate }
    }
    return $null
}

$python = Find-Python
if (-not $python) {
    if (Get-Command winget -ErrorAction SilentlyContinue) {
        Write-Host '安装 Python 3.12（winget）/ installing Python 3.12 with winget'
        winget install --exact --id Python.Python.3.12 --scope user --silent `
            --accept-package-agreements --accept-source-agreements
        $env:Path = [Environment]::GetEnvironmentVariable('Path', 'User') + ';' + $env:Path
        $python = Find-Python
    }
    if (-not $python) {
        Write-Error ('需要 Python 3.11 或更新版本：从 https://www.python.org/downloads/windows/ ' +
            '下载安装（勾选 "Add python.exe to PATH"），再运行本脚本。/ Python 3.11+ is needed: ' +
            'install it from python.org (tick "Add python.exe to PATH") and run this again.')
    }
}

function Find-LibreOffice {
    @("$env:ProgramFiles\LibreOffice\program\soffice.exe",
      "${env:ProgramFiles(x86)}\LibreOffice\program\soffice.exe") |
        Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
}

$soffice = Find-LibreOffice
if (-not $soffice -and $LibreOffice -and (Get-Command winget -ErrorAction SilentlyContinue)) {
    Write-Host '安装 LibreOffice（winget）/ installing LibreOffice with winget'
    winget install --exact --id TheDocumentFoundation.LibreOffice --silent `
        --accept-package-agreements --accept-source-agreements
    $soffice = Find-LibreOffice
}
$word = Test-Path 'Registry::HKEY_CLASSES_ROOT\Word.Application'
if (-not $soffice -and -not $word) {
    Write-Host ('提示：没有 LibreOffice 也没有 Word，--pdf 无法生成 PDF（Word 文档不受影响）。' +
        '/ note: neither LibreOffice nor Word found; --pdf cannot make PDFs (Word files are fine).')
}

$exe = $python[0]
$rest = @($python | Select-Object -Skip 1)
& $exe @rest -m venv .venv
if ($LASTEXITCODE) { exit $LASTEXITCODE }
$venv = Join-Path (Get-Location) '.venv\Scripts\python.exe'
& $venv -m pip install -q --upgrade pip
# -Test: the extras setup.sh --test installs (the PostgreSQL tests skip without a server)
if ($Test) {
    & $venv -m pip install -q -e '.[test,bench,postgres,distributed]'
} else {
    & $venv -m pip install -q -e .
}
exit $LASTEXITCODE
