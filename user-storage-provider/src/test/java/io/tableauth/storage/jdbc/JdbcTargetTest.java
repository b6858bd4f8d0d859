package io.tableauth.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentValidationException;

/** What a realm admin may write as a JDBC URL, and the one URL the driver then gets. */
class JdbcTargetTest {

    private static String refusal(String url) {
        return assertThrows(ComponentValidationException.class, () -> JdbcTarget.parse(url), url).getMessage();
    }

    private static Object[] parameters(String url) {
        return assertThrows(ComponentValidationException.class, () -> JdbcTarget.parse(url), url).getParameters();
    }

    @Test
    void harmlessUrlsAreWrittenBackFromTheirCheckedParts() {
        assertEquals("jdbc:postgresql://db.example.com:5432/app",
            JdbcTarget.parse("jdbc:postgresql://db.example.com/app").canonicalUrl());
        assertEquals("jdbc:postgresql://10.0.0.1:6543,[::1]:5432/app?ApplicationName=my%20app&sslmode=verify-full",
            JdbcTarget.parse("jdbc:postgresql://10.0.0.1:6543,[::1]/app?sslmode=verify-full&ApplicationName=my%20app")
                .canonicalUrl());
        assertEquals("jdbc:mariadb://db:3306/app?tcpKeepAlive=true&allowLocalInfile=false",
            JdbcTarget.parse("jdbc:mysql://DB/app?permitMysqlScheme&tcpKeepAlive").canonicalUrl());
        assertEquals("jdbc:mariadb:sequential://a:3306,b:3307/app?allowLocalInfile=false",
            JdbcTarget.parse("jdbc:mariadb:sequential://a,b:3307/app").canonicalUrl());
        assertEquals("jdbc:h2:file:/data/app;AUTO_SERVER=true",
            JdbcTarget.parse("jdbc:h2:/data/x/../app;auto_server=TRUE").canonicalUrl());
        assertEquals("postgresql://db:5432/app", JdbcTarget.parse("jdbc:postgresql://db/app?ssl=true").describe());
    }

    @Test
    void classLoadingFileAndCredentialParametersAreNeverAllowed() {
        for (String url : List.of(
            "jdbc:postgresql://db/app?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext",
            "jdbc:postgresql://db/app?sslfactory=x.Y&sslfactoryarg=http://evil/",
            "jdbc:postgresql://db/app?sslhostnameverifier=x.Y",
            "jdbc:postgresql://db/app?sslpasswordcallback=x.Y",
            "jdbc:postgresql://db/app?authenticationPluginClassName=x.Y",
            "jdbc:postgresql://db/app?sslrootcert=/etc/passwd",
            "jdbc:postgresql://db/app?loggerFile=/tmp/x.jsp&loggerLevel=DEBUG",
            "jdbc:postgresql://db/app?service=other",
            "jdbc:postgresql://db/app?SocketFactory=x.Y",
            "jdbc:postgresql://db/app?password=secret",
            "jdbc:mariadb://db/app?allowLocalInfile=true",
            "jdbc:mariadb://db/app?ALLOWLOCALINFILE=true",
            "jdbc:mariadb://db/app?socketFactory=x.Y",
            "jdbc:mariadb://db/app?localSocket=/run/mysqld/mysqld.sock",
            "jdbc:mariadb://db/app?credentialType=ENV",
            "jdbc:mariadb://db/app?serverSslCert=/etc/ssl/private/key.pem",
            "jdbc:mariadb://db/app?allowMultiQueries=true",
            "jdbc:mariadb://db/app?initSql=DROP TABLE x",
            "jdbc:mysql://db/app?autoDeserialize=true",
            "jdbc:h2:file:/data/app;INIT=RUNSCRIPT FROM '/etc/passwd'",
            "jdbc:h2:/data/app;init=CREATE ALIAS X AS $$ void x() {} $$",
            "jdbc:h2:file:/data/app;TRACE_LEVEL_FILE=4")) {
            assertEquals("tableauthJdbcParameterForbidden", refusal(url), url);
        }
    }

    @Test
    void otherParametersAreRefusedByNameWithTheListThatIsAllowed() {
        Object[] p = parameters("jdbc:postgresql://db/app?prepareThreshold=5&binaryTransferEnable=x");
        assertEquals("\"binaryTransferEnable\"", p[0]);
        assertTrue(p[2].toString().contains("sslmode"), p[2].toString());
        // PostgreSQL's driver compares names exactly, so another spelling is not the harmless parameter
        assertEquals("tableauthJdbcParameterNotAllowed", refusal("jdbc:postgresql://db/app?SSLMODE=require"));
        assertEquals("tableauthJdbcParameterValue", refusal("jdbc:postgresql://db/app?sslmode=bogus"));
        assertEquals("tableauthJdbcParameterValue", refusal("jdbc:postgresql://db/app?cancelSignalTimeout=-1"));
        // the config's own timeout fields bound every wait: the URL may not loosen them
        for (String timeout : List.of("connectTimeout=5", "socketTimeout=0", "loginTimeout=600")) {
            assertEquals("tableauthJdbcParameterIsSetting", refusal("jdbc:postgresql://db/app?" + timeout));
        }
        assertEquals("tableauthJdbcParameterIsSetting", refusal("jdbc:mariadb://db/app?SocketTimeout=0"));
        assertEquals("tableauthJdbcParameterValue", refusal("jdbc:postgresql://db/app?ApplicationName=a%26socketFactory%3Dx"));
        assertEquals("tableauthJdbcParameterValue", refusal("jdbc:mariadb://db/app?timezone=a%26b"));
        assertEquals("tableauthJdbcParameterTwice", refusal("jdbc:postgresql://db/app?ssl=true&ssl=false"));
    }

    @Test
    void onlyTheThreeBundledDatabasesInTheirPlainFormsAreAccepted() {
        assertEquals("tableauthJdbcUnsupported", refusal("jdbc:sqlserver://db;databaseName=app"));
        assertEquals("tableauthJdbcUnsupported", refusal("jdbc:sqlite:/etc/passwd"));
        assertEquals("tableauthJdbcUnsupported", refusal("postgresql://db/app"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:postgresql:app"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:postgresql://db"));
        assertEquals("tableauthJdbcHost", refusal("jdbc:mariadb://address=(host=db)(port=3306)(type=primary)/app"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:mariadb:aurora://db/app"));
        assertEquals("tableauthJdbcHost", refusal("jdbc:postgresql://db:99999/app"));
        assertEquals("tableauthJdbcHost", refusal("jdbc:postgresql://user@db/app"));
        assertEquals("tableauthJdbcDatabaseName", refusal("jdbc:postgresql://db/a%27pp"));
        assertEquals("tableauthJdbcDatabaseName", refusal("jdbc:postgresql://db/app/extra"));
        assertEquals("tableauthH2Memory", refusal("jdbc:h2:mem:x;INIT=RUNSCRIPT FROM 'x'"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:h2:tcp://evil:9092/x"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:h2:zip:/tmp/a.zip!/db"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:h2:~/db"));
        assertEquals("tableauthJdbcUrlForm", refusal("jdbc:h2:file:/data/a:b"));
    }

    @Test
    void theOperatorsPatternsDecideHostsPortsDatabasesAndFiles() {
        DatabaseAllowList list = DatabaseAllowList.of(List.of("postgresql://*.db.internal:5432/{realm}_*",
            "mariadb://10.0.0.5:*/app", "h2:file:/srv/apps/*"), true);
        list.check(JdbcTarget.parse("jdbc:postgresql://a.db.internal/acme_users"), "acme");
        list.check(JdbcTarget.parse("jdbc:mysql://10.0.0.5:3307/app"), "acme");
        list.check(JdbcTarget.parse("jdbc:h2:file:/srv/apps/acme"), "acme");
        for (String refused : List.of("jdbc:postgresql://a.db.internal/other_users", // another realm's database
            "jdbc:postgresql://a.db.internal:5433/acme_users",                       // another port
            "jdbc:postgresql://a.db.internal,evil.example/acme_users",               // one host not allowed
            "jdbc:postgresql://db.internal.evil.example/acme_users",
            "jdbc:mariadb://10.0.0.5/other",
            "jdbc:h2:file:/srv/apps/../../etc/app",
            "jdbc:h2:file:/srv/apps/sub/app")) {
            ComponentValidationException e = assertThrows(ComponentValidationException.class,
                () -> list.check(JdbcTarget.parse(refused), "acme"), refused);
            assertEquals("tableauthJdbcTargetNotAllowed", e.getMessage(), refused);
            assertEquals("--spi-storage--tableauth-sql--allowed-jdbc-urls", e.getParameters()[1]);
        }
        // Without patterns any PostgreSQL or MariaDB server may be named; H2 only when switched on.
        DatabaseAllowList.defaults().check(JdbcTarget.parse("jdbc:postgresql://anywhere/app"), "acme");
        ComponentValidationException h2 = assertThrows(ComponentValidationException.class,
            () -> DatabaseAllowList.defaults().check(JdbcTarget.parse("jdbc:h2:file:/srv/apps/acme"), "acme"));
        assertEquals("tableauthH2NotAllowed", h2.getMessage());
        assertEquals("--spi-storage--tableauth-sql--allow-h2=true", h2.getParameters()[0]);
        assertThrows(IllegalArgumentException.class, () -> DatabaseAllowList.of(List.of("db.internal"), false));
        assertThrows(IllegalArgumentException.class, () -> DatabaseAllowList.of(List.of("oracle://db/x"), false));
    }
}
