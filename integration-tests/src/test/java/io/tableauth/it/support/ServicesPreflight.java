package io.tableauth.it.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs before the integration tests (exec-maven-plugin, pre-integration-test): checks that the local
 * PostgreSQL and MariaDB servers answer, and otherwise stops the build with the commands that fix it.
 */
public final class ServicesPreflight {

    private ServicesPreflight() {
    }

    public static void main(String[] args) {
        List<String> problems = new ArrayList<>();
        for (TestDatabase.Kind kind : TestDatabase.Kind.values()) {
            if (!kind.server()) {
                continue;
            }
            try (Connection c = kind.connectAdmin()) {
                c.isValid(5);
            } catch (SQLException e) {
                problems.add(unreachable(kind, e));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("\n\nThe integration tests need local PostgreSQL and MariaDB servers.\n\n"
                + String.join("\n\n", problems)
                + "\n\nOr run only the unit tests: ./mvnw -B verify -DskipITs\n");
        }
        System.out.println("[tableauth] PostgreSQL and MariaDB are reachable on 127.0.0.1");
    }

    static String unreachable(TestDatabase.Kind kind, SQLException cause) {
        return switch (kind) {
            case POSTGRESQL -> "PostgreSQL is not reachable at 127.0.0.1:5432 as user 'postgres' without a password ("
                + cause.getMessage() + ").\n"
                + "  Debian/Ubuntu: sudo apt-get install -y postgresql && sudo pg_ctlcluster --skip-systemctl-redirect "
                + "$(ls /etc/postgresql) main start\n"
                + "    then allow password-less local TCP logins: 'host all all 127.0.0.1/32 trust' in pg_hba.conf, and reload.\n"
                + "  Docker: docker run -d -p 127.0.0.1:5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16";
            case MARIADB -> "MariaDB is not reachable at 127.0.0.1:3306 as user 'root' without a password ("
                + cause.getMessage() + ").\n"
                + "  Debian/Ubuntu: sudo apt-get install -y mariadb-server && sudo start-stop-daemon --start --oknodo "
                + "--background --exec /usr/sbin/mariadbd\n"
                + "    then let root log in over TCP without a password: "
                + "sudo mariadb -e \"ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')\"\n"
                + "  Docker: docker run -d -p 127.0.0.1:3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 mariadb:11";
            case H2 -> "H2 database file could not be opened (" + cause.getMessage() + ")";
        };
    }
}
