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
    Demo realm's console, with the API keys tab on a user's page (tableauth admin theme):
                   http://localhost:$PORT/admin/demo/console/   user: demo-admin   password: demo-admin-password
    Demo realm:    demo   client: demo-app   Keycloak user: alice / alice-demo-password
    Demo app's users table (H2, $DEMO_DIR/appdata): bob@example.com, carol@example.com
                   password: correct horse battery staple   (dan@example.com is disabled)

BANNER

# The demo application's users table: an H2 file, created and seeded here before Keycloak starts, with the script
# runner of the H2 inside the bundle (its files name its relocated classes, so the bundle's H2 must write them).
# demo/app-users.sql only adds what is missing, so a re-run keeps changes. tableauth never lets a JDBC URL run a
# script itself (H2's INIT is refused): that would run a realm admin's code on the server.
export TABLEAUTH_DEMO_DATA="$PWD/$DEMO_DIR/appdata"
mkdir -p "$TABLEAUTH_DEMO_DATA"
echo "[demo] seeding the demo users table ($DEMO_DIR/appdata)"
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$(ls bundle/target/tableauth-keycloak-*.jar | grep -v original)" \
  io.tableauth.shaded.h2.tools.RunScript -url "jdbc:h2:file:$TABLEAUTH_DEMO_DATA/appdb" -user sa \
  -script demo/app-users.sql

export KC_BOOTSTRAP_ADMIN_USERNAME="$ADMIN_USER"
export KC_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
# declarative-ui: Keycloak's (experimental) admin-console extension feature, which shows the tableauth-settings
# tab under Realm settings. The tableauth-sql options are the server operator's: H2 files are off unless allowed, and
# auth configs may open them only in the demo's data folder.
exec bash "$KC_HOME/bin/kc.sh" start-dev --import-realm --http-host=127.0.0.1 --http-port="$PORT" \
  --features=declarative-ui \
  --spi-storage--tableauth-sql--allow-h2=true \
  --spi-storage--tableauth-sql--allowed-jdbc-urls="h2:file:$TABLEAUTH_DEMO_DATA/*,postgresql://*:*/*,mariadb://*:*/*"
