package io.tableauth.it.sql;

import io.tableauth.it.support.TestDatabase;

/** {@link DjangoOtpContract} with Django's tables on PostgreSQL. */
class PostgresDjangoOtpIT extends DjangoOtpContract {

    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRESQL;
    }
}
