#!/usr/bin/env bash
# tableauth demo: builds the bundle, fetches and unpacks the official Keycloak distribution (Maven Central),
# installs the bundle into its providers/, imports the demo realm and starts Keycloak in dev mode (embedded H2)
# on http://localhost:8080. Ctrl-C stops it; running it again keeps the realm and users (target/demo/).
# Needs only JDK 17+ (Maven comes through ./mvnw).
set -euo pipefail
cd "$(dirname "$0")"

PORT="${TABLEAUTH_DEMO_PORT:-8080}"
ADMIN_USER="${TABLEAUTH_DEMO_ADMIN:-admin}"
ADMIN_PASSWORD="${TABLEAUTH_DEMO_ADMIN_PASSWORD:-admin}"
KC_VERSION="$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml)"
DEMO_DIR="target/demo"
KC_HOME="$DEMO_DIR/keycloak-$KC_VERSION"

echo "[demo] building the tableauth bundle"
./mvnw -B -q -DskipTests package

if [ ! -f "$KC_HOME/bin/kc.sh" ]; then
  echo "[demo] fetching Keycloak $KC_VERSION (keycloak-quarkus-dist) into $DEMO_DIR"
  ./mvnw -B -q -N dependency:unpack \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$DEMO_DIR"
fi

echo "[demo] installing the bundle and the demo realm"
rm -f "$KC_HOME"/providers/tableauth-keycloak-*.jar
cp bundle/target/tableauth-keycloak-*.jar "$KC_HOME/providers/"
# Keycloak's directory import wants <realm>-realm.json; the folder is the demo's own.
mkdir -p "$KC_HOME/data/import"
rm -f "$KC_HOME"/data/import/*.json
cp demo/demo-realm.json "$KC_HOME/data/import/"

cat <<BANNER

  tableauth demo — Keycloak $KC_VERSION with $(cd bundle/target && ls tableauth-keycloak-*.jar)
    Keycloak:      http://localhost:$PORT   (up once Keycloak logs that it listens on port $PORT)
    Admin console: http://localhost:$PORT/admin   user: $ADMIN_USER   password: $ADMIN_PASSWORD
    Demo realm:    demo   client: demo-app   user: alice / alice-demo-password

BANNER

export KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER"
export KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
exec bash "$KC_HOME/bin/kc.sh" start-dev --import-realm --http-host=127.0.0.1 --http-port="$PORT"
