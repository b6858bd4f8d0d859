#!/usr/bin/env bash
# Where the last test run spent its time, from the reports it left: each failsafe execution and surefire module with
# its total, the slowest test classes and tests, and each Keycloak server start. Run after `./mvnw -B verify` (or
# `bash .ci/run`): bash tools/ci-time.sh [how many of the slowest to list, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
top="${1:-25}"
python3 - "$top" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
top = int(sys.argv[1])
runs, classes, tests = {}, [], []
for report in sorted(glob.glob('*/target/surefire-reports/TEST-*.xml') + glob.glob('*/target/failsafe-reports/TEST-*.xml')
                     + glob.glob('*/target/failsafe-reports/*/TEST-*.xml')):
    parts = report.split(os.sep)
    module, kind = parts[0], parts[2].split('-')[0]
    run = f"{module} {kind}" + (f" {parts[3]}" if len(parts) > 4 else (" main" if kind == 'failsafe' else ''))
    suite = ET.parse(report).getroot()
    seconds = float(suite.get('time') or 0)
    name = suite.get('name', '?').rsplit('.', 1)[-1]
    runs.setdefault(run, [0.0, 0])
    runs[run][0] += seconds
    runs[run][1] += int(suite.get('tests') or 0)
    classes.append((seconds, run, name))
    for case in suite.iter('testcase'):
        tests.append((float(case.get('time') or 0), run, name + '.' + case.get('name', '?')))
if not runs:
    sys.exit('no test reports under */target: run ./mvnw -B verify first')
def minutes(s):
    return f"{int(s // 60):3d}:{int(s % 60):02d}"
print('run (reports)                              tests   time')
for run, (seconds, count) in sorted(runs.items(), key=lambda r: -r[1][0]):
    print(f"{run:<42} {count:5d} {minutes(seconds)}")
print(f"{'all':<42} {sum(c for _, c in runs.values()):5d} {minutes(sum(s for s, _ in runs.values()))}")
starts = 'integration-tests/target/failsafe-reports/server-starts.tsv'
if os.path.exists(starts):
    print('\nKeycloak server starts (inside the time of the first class each met)')
    for line in open(starts):
        engine, version, seconds = line.rstrip('\n').split('\t')
        print(f"  {engine:<12} {version:<10} {float(seconds):7.1f} s")
print(f'\nslowest {top} classes')
for seconds, run, name in sorted(classes, reverse=True)[:top]:
    print(f"  {seconds:7.1f} s  {name:<34} {run}")
print(f'\nslowest {top} tests')
for seconds, run, name in sorted(tests, reverse=True)[:top]:
    print(f"  {seconds:7.1f} s  {name:<90.90} {run}")
PY
