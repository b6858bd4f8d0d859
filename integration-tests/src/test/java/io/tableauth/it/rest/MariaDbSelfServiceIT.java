package io.tableauth.it.rest;

import io.tableauth.it.support.TestDatabase;

/** {@link SelfServiceIT} with the users tables on MariaDB: deleting the row and changing its e-mail there. */
class MariaDbSelfServiceIT extends SelfServiceIT {

    @Override
    protected TestDatabase usersDatabase() {
        return TestDatabase.mariadb();
    }
}
