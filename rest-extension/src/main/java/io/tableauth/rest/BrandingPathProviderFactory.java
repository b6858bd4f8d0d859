package io.tableauth.rest;

import io.tableauth.rest.branding.BrandingResource;

/** Serves {@code /realms/{realm}/tableauth/...}: what the tableauth themes load from the realm (its branding). */
public class BrandingPathProviderFactory extends RealmPathProviderFactory {

    /** Path segment and provider id. */
    public static final String PROVIDER_ID = "tableauth";

    public BrandingPathProviderFactory() {
        super(PROVIDER_ID, BrandingResource::new);
    }
}
