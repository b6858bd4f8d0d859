package io.tableauth.rest.core;

import java.util.function.Consumer;

import org.keycloak.models.UserModel;

/** A sign-up request in dialect-neutral terms; {@code extra} writes what a dialect adds to the new user. */
public record Signup(String username, String email, String firstName, String lastName, String password,
                     Consumer<UserModel> extra) {
}
