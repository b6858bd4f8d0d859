package io.tableauth.rest;

/** Serves {@code /realms/{realm}/auth/...}: the Baasix, SlashApi and Directus dialects. */
public class AuthPathProviderFactory extends RealmPathProviderFactory {

    /** Path segment and provider id. */
    public static final String PROVIDER_ID = "auth";

    public AuthPathProviderFactory() {
        super(PROVIDER_ID, AuthRootResource::new);
    }
}
