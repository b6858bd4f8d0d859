#!/usr/bin/env bash
# Compiles tableauth's main sources against another Keycloak release's own jars (the lib/ of its distribution),
# with every other dependency from the build: where a release changed a signature tableauth calls or overrides,
# javac names the line. The bundle itself is built against 26.7.0 (pom.xml); differences go to keycloak-internals.
#
#   tools/compile-against-keycloak.sh 26.6.4      # fetches keycloak-quarkus-dist 26.6.4 from Maven Central
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: $0 <keycloak version>}"
work="target/compile-against-$version"
rm -rf "$work" && mkdir -p "$work/classes"
./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" -DoutputDirectory="$work"
unzip -q -o "$work/keycloak-quarkus-dist-$version.zip" "keycloak-$version/lib/lib/main/*" -d "$work"
modules=(keycloak-internals user-storage-provider hooks authenticator-totp rest-extension themes)
others=""
for m in "${modules[@]}"; do
  ./mvnw -B -q dependency:build-classpath -pl "$m" -Dmdep.outputFile="$PWD/$work/cp-$m.txt" >/dev/null
  others+=":$(tr ':' '\n' < "$work/cp-$m.txt" | grep -v '/org/keycloak/' | paste -sd: -)"
done
keycloak=$(ls "$work/keycloak-$version/lib/lib/main/"*.jar | paste -sd: -)
sources=$(for m in "${modules[@]}"; do [ -d "$m/src/main/java" ] && find "$m/src/main/java" -name '*.java'; done)
# shellcheck disable=SC2086
if javac -nowarn -proc:none -encoding UTF-8 --release 17 -cp "$keycloak$others" -d "$work/classes" $sources; then
  echo "tableauth compiles against Keycloak $version as it is"
else
  echo "the errors above are what Keycloak $version changed (see keycloak-internals' KeycloakInternals)"
  exit 1
fi
