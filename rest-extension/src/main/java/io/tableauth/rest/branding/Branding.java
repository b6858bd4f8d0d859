package io.tableauth.rest.branding;

import java.net.URI;
import java.util.Locale;

import io.tableauth.authenticator.Hooks;
import io.tableauth.rest.core.TableauthSettings;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;

/**
 * A realm's login page branding, set on the tableauth-settings tab: a logo shown above the realm's display name, a
 * primary colour (buttons, links, the card's top border) and a page background. The tableauth login theme links the
 * stylesheet {@link #css()} makes, so a change shows on the next page load, without rebuilding anything.
 *
 * @param logoUrl         https URL, or a path on this server, or null
 * @param primaryColor    {@code #rrggbb} or null
 * @param backgroundColor {@code #rrggbb} or null
 */
public record Branding(String logoUrl, String primaryColor, String backgroundColor) {

    public static final String LOGO_URL = "brandLogoUrl";
    public static final String PRIMARY_COLOR = "brandPrimaryColor";
    public static final String BACKGROUND_COLOR = "brandBackgroundColor";

    private static final String COLOR = "#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}";

    /** The realm's branding; all null when none is set. */
    public static Branding of(RealmModel realm) {
        return Hooks.settingsComponent(realm).map(Branding::from).orElse(new Branding(null, null, null));
    }

    public static Branding from(ComponentModel model) {
        return new Branding(TableauthSettings.blankToNull(model.get(LOGO_URL)), TableauthSettings.blankToNull(model.get(PRIMARY_COLOR)),
            TableauthSettings.blankToNull(model.get(BACKGROUND_COLOR)));
    }

    /** Null when every value is usable, else what is wrong, worded for the admin console. */
    public String problem() {
        if (primaryColor != null && !primaryColor.matches(COLOR)) {
            return "Primary colour must be a hex colour such as #1f6feb.";
        }
        if (backgroundColor != null && !backgroundColor.matches(COLOR)) {
            return "Background colour must be a hex colour such as #0d1117.";
        }
        if (logoUrl != null && !logoUsable(logoUrl)) {
            return "Logo URL must be an https:// URL or a path on this server starting with /, without quotes, "
                + "spaces, parentheses or backslashes.";
        }
        return null;
    }

    private static boolean logoUsable(String url) {
        // It goes into a CSS url("..."): refuse anything that could end the string or the declaration.
        if (!url.matches("[^\\s\"'()\\\\<>;{}]+")) {
            return false;
        }
        if (url.startsWith("/") && !url.startsWith("//")) {
            return true;
        }
        try {
            URI uri = URI.create(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                || "http".equalsIgnoreCase(uri.getScheme()) && "localhost".equalsIgnoreCase(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The stylesheet: PatternFly 5's primary colour variables, Keycloak's card colour, the background and the logo.
     * Values that do not pass {@link #problem()} are left out (the tab refuses them on save anyway).
     */
    public String css() {
        StringBuilder css = new StringBuilder("/* tableauth login branding (Realm settings → tableauth-settings) */\n");
        String primary = primaryColor != null && primaryColor.matches(COLOR) ? expand(primaryColor) : null;
        String background = backgroundColor != null && backgroundColor.matches(COLOR) ? expand(backgroundColor) : null;
        if (primary != null) {
            String hover = shade(primary, 0.8);
            css.append(":root, :root.pf-v5-theme-dark {\n")
                .append("    --pf-v5-global--primary-color--100: ").append(primary).append(";\n")
                .append("    --pf-v5-global--primary-color--200: ").append(hover).append(";\n")
                .append("    --pf-v5-global--link--Color: ").append(primary).append(";\n")
                .append("    --pf-v5-global--link--Color--hover: ").append(hover).append(";\n")
                .append("    --pf-v5-global--active-color--100: ").append(primary).append(";\n")
                .append("    --keycloak-card-top-color: ").append(primary).append(";\n")
                .append("}\n")
                // PatternFly 6's brand token, for Keycloak 27's keycloak.v3 login theme (inert on 26.x)
                .append(":root, :root.pf-v6-theme-dark {\n")
                .append("    --pf-t--global--color--brand--default: ").append(primary).append(";\n")
                .append("}\n");
        }
        if (background != null) {
            css.append(".login-pf body {\n    background: ").append(background).append(" none;\n}\n")
                .append("#kc-header-wrapper {\n    color: ").append(light(background) ? "#151515" : "#ffffff")
                .append(" !important;\n}\n");
        }
        if (logoUrl != null && logoUsable(logoUrl)) {
            css.append("#kc-header-wrapper::before {\n    content: \"\";\n    display: block;\n    height: 64px;\n")
                .append("    margin-bottom: 12px;\n    background: url(\"").append(logoUrl)
                .append("\") no-repeat center / contain;\n}\n");
        }
        return css.toString();
    }

    private static String expand(String color) {
        String c = color.toLowerCase(Locale.ROOT);
        return c.length() == 4
            ? "#" + c.charAt(1) + c.charAt(1) + c.charAt(2) + c.charAt(2) + c.charAt(3) + c.charAt(3)
            : c;
    }

    private static int[] rgb(String hex) {
        return new int[] {Integer.parseInt(hex.substring(1, 3), 16), Integer.parseInt(hex.substring(3, 5), 16),
            Integer.parseInt(hex.substring(5, 7), 16)};
    }

    /** The colour darkened by {@code factor} (hover and pressed states). */
    static String shade(String hex, double factor) {
        int[] c = rgb(hex);
        return String.format(Locale.ROOT, "#%02x%02x%02x", (int) Math.round(c[0] * factor),
            (int) Math.round(c[1] * factor), (int) Math.round(c[2] * factor));
    }

    /** True when dark text reads better on this colour (WCAG relative luminance above the midpoint). */
    static boolean light(String hex) {
        int[] c = rgb(hex);
        double[] lin = new double[3];
        for (int i = 0; i < 3; i++) {
            double s = c[i] / 255.0;
            lin[i] = s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.179;
    }
}
