package io.tableauth.rest;

/** Serves {@code /realms/{realm}/api/...}: the MaskAPI and Mavibase dialects, API keys, forward-auth. */
public class ApiPathProviderFactory extends RealmPathProviderFactory {

    /** Path segment and provider id. */
    public static final String PROVIDER_ID = "api";

    public ApiPathProviderFactory() {
        super(PROVIDER_ID, ApiRootResource::new);
    }
}
