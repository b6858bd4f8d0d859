package io.tableauth.it.sql;

import io.tableauth.it.support.TestDatabase;

/** {@link DjangoOtpContract} with Django's tables on MariaDB. */
class MariaDbDjangoOtpIT extends DjangoOtpContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.MARIADB;
    }
}
