package io.tableauth.keycloak;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.WebAuthnRegistrationManager;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.util.exception.WebAuthnException;
import org.keycloak.common.util.Base64Url;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.WebAuthnCredentialModelInput;
import org.keycloak.credential.WebAuthnCredentialProvider;
import org.keycloak.crypto.Algorithm;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.WebAuthnPolicy;
import org.keycloak.models.credential.WebAuthnCredentialModel;

/**
 * Passkey ceremonies over JSON on Keycloak's own WebAuthn machinery: the realm's <i>WebAuthn Passwordless Policy</i>,
 * webauthn4j (as Keycloak ships it) and Keycloak's {@code webauthn-passwordless} credential, stored exactly as its
 * registration page stores it, so a passkey made here works on Keycloak's login page and the reverse. The bodies are
 * the W3C WebAuthn Level 3 JSON forms ({@code PublicKeyCredentialCreationOptionsJSON}, {@code RegistrationResponseJSON},
 * {@code PublicKeyCredentialRequestOptionsJSON}, {@code AuthenticationResponseJSON}). Re-check against Keycloak's
 * {@code WebAuthnRegister} and {@code WebAuthnAuthenticator} on upgrades.
 */
public final class Passkeys {

    /** Keycloak's credential type of passkeys (its passwordless WebAuthn). */
    public static final String TYPE = WebAuthnCredentialModel.TYPE_PASSWORDLESS;
    private static final String PROVIDER = "keycloak-webauthn-passwordless";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_TIMEOUT_MS = 300_000;

    /** A response that does not verify: its reason is for the event log only. */
    public static final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Where passkeys are bound: {@code rpId} (a registrable suffix of the app's and Keycloak's host) and the origins
     * whose ceremonies are accepted.
     */
    public record Party(String rpId, Set<String> origins) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final WebAuthnPolicy policy;

    public Passkeys(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.policy = realm.getWebAuthnPolicyPasswordless();
    }

    /** The realm's passwordless policy's RP ID, else Keycloak's host (what Keycloak's login page uses). */
    public String defaultRpId() {
        String rpId = policy.getRpId();
        return rpId == null || rpId.isBlank() ? session.getContext().getUri().getBaseUri().getHost() : rpId;
    }

    /** Keycloak's own origin and the policy's extra origins (what Keycloak's login page accepts). */
    public Set<String> defaultOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        java.net.URI base = session.getContext().getUri().getBaseUri();
        origins.add(base.getScheme() + "://" + base.getRawAuthority());
        if (policy.getExtraOrigins() != null) {
            origins.addAll(policy.getExtraOrigins());
        }
        return origins;
    }

    /** Whether the policy requires user verification (the passwordless default). */
    public boolean userVerificationRequired() {
        return "required".equals(policy.getUserVerificationRequirement());
    }

    /** The user's passkeys. */
    public List<CredentialModel> of(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(TYPE).toList();
    }

    /** {@code PublicKeyCredentialCreationOptionsJSON} for the user: a discoverable credential, their keys excluded. */
    public Map<String, Object> creationOptions(UserModel user, String challenge, Party party) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("rp", Map.of("id", party.rpId(), "name", rpName()));
        String name = user.getEmail() != null ? user.getEmail() : user.getUsername();
        options.put("user", Map.of("id", Base64Url.encode(user.getId().getBytes(StandardCharsets.UTF_8)), "name", name,
            "displayName", name));
        options.put("challenge", challenge);
        options.put("pubKeyCredParams", algorithms().stream()
            .map(alg -> Map.of("type", "public-key", "alg", alg)).toList());
        options.put("timeout", timeoutMillis());
        options.put("excludeCredentials", descriptors(user));
        Map<String, Object> selection = new LinkedHashMap<>();
        if (specified(policy.getAuthenticatorAttachment())) {
            selection.put("authenticatorAttachment", policy.getAuthenticatorAttachment());
        }
        selection.put("residentKey", "required");
        selection.put("requireResidentKey", true);
        selection.put("userVerification", userVerification());
        options.put("authenticatorSelection", selection);
        options.put("attestation", specified(policy.getAttestationConveyancePreference())
            ? policy.getAttestationConveyancePreference() : "none");
        return options;
    }

    /**
     * {@code PublicKeyCredentialRequestOptionsJSON} for a discoverable login: {@code allowCredentials} is empty for
     * everyone, so options asked for with an address say nothing of whose it is or which passkeys it has (a list of
     * real ids, their count and transports cannot be imitated for an address that is no one's).
     */
    public Map<String, Object> requestOptions(String challenge, Party party) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("challenge", challenge);
        options.put("timeout", timeoutMillis());
        options.put("rpId", party.rpId());
        options.put("allowCredentials", List.of());
        options.put("userVerification", userVerification());
        return options;
    }

    /**
     * Verifies a {@code RegistrationResponseJSON} against the challenge, RP ID and origins, as Keycloak's registration
     * page does, and stores the passkey as Keycloak's credential; {@link Refused} when anything does not hold (an id the
     * user already has too).
     */
    public CredentialModel register(UserModel user, String responseJson, String challenge, Party party, String label) {
        JsonNode credential = parse(responseJson);
        JsonNode response = credential.path("response");
        Set<String> transports = new LinkedHashSet<>();
        response.path("transports").forEach(t -> transports.add(t.asText()));
        RegistrationData data;
        try {
            // Keycloak's own manager for the policy: attestation formats and trust anchors, as its registration page
            WebAuthnRegistrationManager manager = PasskeyPolicy.manager(session, policy);
            data = manager.parse(new RegistrationRequest(bytes(response, "attestationObject"),
                bytes(response, "clientDataJSON"), transports));
            List<PublicKeyCredentialParameters> expected = algorithms().stream()
                .map(alg -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                    COSEAlgorithmIdentifier.create(alg))).toList();
            manager.verify(data, new RegistrationParameters(serverProperty(party, challenge), expected,
                userVerificationRequired()));
        } catch (WebAuthnException | IllegalArgumentException e) {
            throw new Refused("registration did not verify: " + e.getClass().getSimpleName());
        }
        JsonNode attachment = credential.path("authenticatorAttachment");
        PasskeyPolicy.verifyCompliance(data, policy, attachment.isTextual() ? attachment.asText() : null);
        byte[] id = data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData().getCredentialId();
        if (of(user).stream().anyMatch(c -> java.util.Arrays.equals(id, storedId(c))) || registeredInRealm(id)) {
            throw new Refused("this passkey is registered already");
        }
        WebAuthnCredentialModelInput input = new WebAuthnCredentialModelInput(TYPE);
        input.setAttestedCredentialData(data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData());
        input.setCount(data.getAttestationObject().getAuthenticatorData().getSignCount());
        input.setAttestationStatementFormat(data.getAttestationObject().getFormat());
        input.setTransports(data.getTransports() == null ? Set.of() : data.getTransports());
        WebAuthnCredentialProvider provider = provider();
        return provider.createCredential(realm, user, provider.getCredentialModelFromCredentialInput(input, label));
    }

    /** The user handle of an {@code AuthenticationResponseJSON} (the Keycloak user id it was made for), or null. */
    public static String userHandle(String responseJson) {
        JsonNode handle = parse(responseJson).path("response").path("userHandle");
        if (!handle.isTextual() || handle.asText().isEmpty()) {
            return null;
        }
        try {
            return new String(Base64Url.decode(handle.asText()), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw new Refused("malformed user handle");
        }
    }

    /**
     * Verifies an {@code AuthenticationResponseJSON} of one of the user's passkeys through Keycloak's credential
     * provider (signature, RP ID hash, origin, challenge, user presence and verification, signature counter: a
     * counter that did not grow is a cloned authenticator), which stores the new counter; {@link Refused} otherwise.
     * Returns whether the authenticator verified the user.
     */
    public boolean authenticate(UserModel user, String responseJson, String challenge, Party party) {
        JsonNode credential = parse(responseJson);
        JsonNode response = credential.path("response");
        byte[] rawId = bytes(credential, credential.has("rawId") ? "rawId" : "id");
        byte[] authenticatorData = bytes(response, "authenticatorData");
        AuthenticationRequest request = new AuthenticationRequest(rawId, authenticatorData,
            bytes(response, "clientDataJSON"), bytes(response, "signature"));
        CredentialModel stored = of(user).stream().filter(c -> java.util.Arrays.equals(rawId, storedId(c)))
            .findFirst().orElseThrow(() -> new Refused("not one of the user's passkeys"));
        long storedCount = counter(stored);
        long signCount = authenticatorData.length >= 37
            ? ByteBuffer.wrap(authenticatorData, 33, 4).getInt() & 0xffffffffL : -1;
        if (signCount < 0 || ((signCount > 0 || storedCount > 0) && signCount <= storedCount)) {
            // checked here too: Keycloak before 26.6 never stores a counter that started at 0, so never sees a clone
            throw new Refused("the signature counter did not grow: a cloned authenticator");
        }
        WebAuthnCredentialModelInput input = new WebAuthnCredentialModelInput(TYPE);
        input.setAuthenticationRequest(request);
        input.setAuthenticationParameters(new WebAuthnCredentialModelInput.KeycloakWebAuthnAuthenticationParameters(
            serverProperty(party, challenge), userVerificationRequired()));
        boolean valid;
        try {
            valid = user.credentialManager().isValid(input);
        } catch (WebAuthnException | IllegalArgumentException e) {
            throw new Refused("assertion did not verify: " + e.getClass().getSimpleName());
        }
        if (!valid) {
            throw new Refused("not one of the user's passkeys, or its counter went backwards");
        }
        CredentialModel after = user.credentialManager().getStoredCredentialById(stored.getId());
        if (after != null && counter(after) < signCount) {
            // what Keycloak 26.7 stores itself; earlier releases store storedCount + 1, and nothing from 0
            WebAuthnCredentialModel updated = WebAuthnCredentialModel.createFromCredentialModel(after);
            updated.updateCounter(signCount);
            user.credentialManager().updateStoredCredential(updated);
        }
        return authenticatorData.length > 32 && (authenticatorData[32] & 0x04) != 0; // flags: UV
    }

    /** The passkey's credential id as the browser knows it (base64url). */
    public static String browserId(CredentialModel credential) {
        return Base64Url.encode(storedId(credential));
    }

    private static long counter(CredentialModel credential) {
        return WebAuthnCredentialModel.createFromCredentialModel(credential).getWebAuthnCredentialData().getCounter();
    }

    /**
     * Whether a passkey with this credential id is registered for any user of the realm, Keycloak's own users or an
     * auth config's (whose credentials Keycloak keeps in its federated store): the WebAuthn rule that a credential id
     * is registered once (W3C WebAuthn, registration step 22), so that no one claims another's authenticator. Keycloak
     * keeps the id, Base64-encoded, in the credential's JSON; one query per table, at registration only.
     */
    private boolean registeredInRealm(byte[] id) {
        String pattern = "%\"credentialId\":\"" + java.util.Base64.getEncoder().encodeToString(id) + "\"%";
        jakarta.persistence.EntityManager em = session.getProvider(
            org.keycloak.connections.jpa.JpaConnectionProvider.class).getEntityManager();
        return !em.createQuery("select c.id from CredentialEntity c where c.user.realmId = :realm and c.type = :type "
                + "and c.credentialData like :pattern", String.class)
            .setParameter("realm", realm.getId()).setParameter("type", TYPE).setParameter("pattern", pattern)
            .setMaxResults(1).getResultList().isEmpty()
            || !em.createQuery("select c.id from FederatedUserCredentialEntity c where c.realmId = :realm "
                + "and c.type = :type and c.credentialData like :pattern", String.class)
            .setParameter("realm", realm.getId()).setParameter("type", TYPE).setParameter("pattern", pattern)
            .setMaxResults(1).getResultList().isEmpty();
    }

    private static byte[] storedId(CredentialModel credential) {
        String stored = WebAuthnCredentialModel.createFromCredentialModel(credential).getWebAuthnCredentialData()
            .getCredentialId();
        return java.util.Base64.getMimeDecoder().decode(stored);
    }

    private List<Map<String, Object>> descriptors(UserModel user) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CredentialModel c : of(user)) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("type", "public-key");
            d.put("id", browserId(c));
            Set<String> transports = WebAuthnCredentialModel.createFromCredentialModel(c).getWebAuthnCredentialData()
                .getTransports();
            if (transports != null && !transports.isEmpty()) {
                d.put("transports", List.copyOf(transports));
            }
            out.add(d);
        }
        return out;
    }

    private ServerProperty serverProperty(Party party, String challenge) {
        Set<Origin> origins = party.origins().stream().map(Origin::new).collect(Collectors.toSet());
        return new ServerProperty(origins, party.rpId(), new DefaultChallenge(challenge));
    }

    private WebAuthnCredentialProvider provider() {
        CredentialProvider<?> provider = session.getProvider(CredentialProvider.class, PROVIDER);
        if (!(provider instanceof WebAuthnCredentialProvider webAuthn)) {
            throw new IllegalStateException("Keycloak's WebAuthn feature is off on this server");
        }
        return webAuthn;
    }

    private String rpName() {
        return specified(policy.getRpEntityName()) ? policy.getRpEntityName()
            : realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
    }

    private String userVerification() {
        return specified(policy.getUserVerificationRequirement()) ? policy.getUserVerificationRequirement() : "preferred";
    }

    private int timeoutMillis() {
        return policy.getCreateTimeout() > 0 ? policy.getCreateTimeout() * 1000 : DEFAULT_TIMEOUT_MS;
    }

    /** The policy's algorithms as COSE ids; ES256 and RS256 when it names none (as Keycloak's registration). */
    private List<Long> algorithms() {
        List<String> names = policy.getSignatureAlgorithm() == null || policy.getSignatureAlgorithm().isEmpty()
            ? List.of(Algorithm.ES256, Algorithm.RS256) : policy.getSignatureAlgorithm();
        List<Long> ids = new ArrayList<>();
        for (String name : names) {
            switch (name) {
                case Algorithm.ES256 -> ids.add(COSEAlgorithmIdentifier.ES256.getValue());
                case Algorithm.RS256 -> ids.add(COSEAlgorithmIdentifier.RS256.getValue());
                case Algorithm.ES384 -> ids.add(COSEAlgorithmIdentifier.ES384.getValue());
                case Algorithm.RS384 -> ids.add(COSEAlgorithmIdentifier.RS384.getValue());
                case Algorithm.ES512 -> ids.add(COSEAlgorithmIdentifier.ES512.getValue());
                case Algorithm.RS512 -> ids.add(COSEAlgorithmIdentifier.RS512.getValue());
                case Algorithm.Ed25519 -> ids.add(COSEAlgorithmIdentifier.EdDSA.getValue());
                default -> {
                    // an algorithm passkeys do not use
                }
            }
        }
        return ids;
    }

    private static boolean specified(String value) {
        return value != null && !value.isBlank() && !"not specified".equals(value);
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = json == null ? null : JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new Refused("not a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new Refused("not JSON");
        }
    }

    private static byte[] bytes(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new Refused(field + " missing");
        }
        try {
            return Base64Url.decode(value.asText());
        } catch (RuntimeException e) {
            throw new Refused(field + " is not base64url");
        }
    }
}
