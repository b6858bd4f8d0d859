package io.tableauth.keycloak;

import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;

/**
 * The current HTTP request as Keycloak's token machinery expects to see it: a form POST whose parameters we chose
 * (grant type, username, password, client id...) instead of the JSON body that arrived. Keycloak's direct-grant
 * authenticators and client authenticators read their input from the request's form, so installing this through
 * {@code KeycloakContext.setHttpRequest} runs them unchanged on a JSON API call. Headers, connection and URI stay
 * those of the real request, except {@code Origin}: the REST API checks the caller's origin against the realm's own
 * list (tableauth settings), so the token endpoint must not judge it again by the client's web origins.
 */
final class FormRequest implements HttpRequest {

    private final HttpRequest delegate;
    private final MultivaluedMap<String, String> form;
    private final HttpHeaders headers;

    FormRequest(HttpRequest delegate, Map<String, String> params) {
        this.delegate = delegate;
        this.form = new MultivaluedHashMap<>();
        params.forEach((k, v) -> {
            if (v != null) {
                form.putSingle(k, v);
            }
        });
        this.headers = new FormHeaders(delegate.getHttpHeaders());
    }

    @Override
    public String getHttpMethod() {
        return "POST";
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return form;
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return new MultivaluedHashMap<>();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return headers;
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return delegate.getClientCertificateChain();
    }

    @Override
    public UriInfo getUri() {
        return delegate.getUri();
    }

    @Override
    public boolean isProxyTrusted() {
        return delegate.isProxyTrusted();
    }

    /** The real headers, except that the body is declared a form. */
    private record FormHeaders(HttpHeaders real) implements HttpHeaders {

        private static final String ORIGIN = "Origin";

        @Override
        public List<String> getRequestHeader(String name) {
            if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                return List.of(MediaType.APPLICATION_FORM_URLENCODED);
            }
            if (ORIGIN.equalsIgnoreCase(name)) {
                return null;
            }
            return real.getRequestHeader(name);
        }

        @Override
        public String getHeaderString(String name) {
            if (HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                return MediaType.APPLICATION_FORM_URLENCODED;
            }
            if (ORIGIN.equalsIgnoreCase(name)) {
                return null;
            }
            return real.getHeaderString(name);
        }

        @Override
        public MultivaluedMap<String, String> getRequestHeaders() {
            MultivaluedMap<String, String> copy = new MultivaluedHashMap<>();
            real.getRequestHeaders().forEach((k, v) -> {
                if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(k) && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(k)
                    && !ORIGIN.equalsIgnoreCase(k)) {
                    copy.put(k, v);
                }
            });
            copy.putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_FORM_URLENCODED);
            return copy;
        }

        @Override
        public List<MediaType> getAcceptableMediaTypes() {
            return real.getAcceptableMediaTypes();
        }

        @Override
        public List<Locale> getAcceptableLanguages() {
            return real.getAcceptableLanguages();
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.APPLICATION_FORM_URLENCODED_TYPE;
        }

        @Override
        public Locale getLanguage() {
            return real.getLanguage();
        }

        @Override
        public Map<String, Cookie> getCookies() {
            return real.getCookies();
        }

        @Override
        public Date getDate() {
            return real.getDate();
        }

        @Override
        public int getLength() {
            return -1;
        }
    }
}
