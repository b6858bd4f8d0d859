package io.tableauth.keycloak;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

import com.webauthn4j.WebAuthnRegistrationManager;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.verifier.attestation.trustworthiness.certpath.CertPathTrustworthinessVerifier;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegister;
import org.keycloak.authentication.requiredactions.WebAuthnPasswordlessRegisterFactory;
import org.keycloak.authentication.requiredactions.WebAuthnRegister;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.WebAuthnPolicy;

/**
 * The realm's WebAuthn Passwordless Policy applied to a passkey made over REST exactly as Keycloak's own registration
 * step applies it. Keycloak's code is used where it can be reached:
 * <ul>
 *   <li>the attestation verifiers, the trust anchors of Keycloak's truststore (its factory builds them) and the rule
 *       that self attestation is refused when acceptable AAGUIDs are set: {@code WebAuthnRegister}'s own
 *       {@code createWebAuthnRegistrationManager}, reached through a subclass (it is protected; 26.4 and 26.5 take
 *       the attestation preference, 26.6 on the policy);</li>
 *   <li>signature algorithms and user verification: the {@code RegistrationParameters} {@link Passkeys} passes.</li>
 * </ul>
 * Written anew, because Keycloak keeps them in a package-private class ({@code WebAuthnRegister.PolicyVerifier}): the
 * acceptable-AAGUID check (a {@code none} attestation proves no model) and the authenticator attachment check, both
 * as 26.7's. Avoid-same-authenticator holds always: the creation options exclude the user's passkeys, and an id the
 * user has already is refused.
 */
final class PasskeyPolicy {

    private PasskeyPolicy() {
    }

    /** Keycloak's registration manager for the policy: its attestation verifiers and trust anchors. */
    static WebAuthnRegistrationManager manager(KeycloakSession session, WebAuthnPolicy policy) {
        return ((Registrar) new Factory().create(session)).manager(policy);
    }

    /** What the policy asks beyond the attestation; {@link Passkeys.Refused} when it does not hold. */
    static void verifyCompliance(RegistrationData data, WebAuthnPolicy policy, String authenticatorAttachment) {
        List<String> acceptable = policy.getAcceptableAaguids();
        if (acceptable != null && !acceptable.isEmpty()) {
            if (NoneAttestationStatement.FORMAT.equals(data.getAttestationObject().getFormat())) {
                throw new Passkeys.Refused("acceptable AAGUIDs need an attestation other than none");
            }
            String aaguid = data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData().getAaguid()
                .toString();
            if (acceptable.stream().noneMatch(aaguid::equalsIgnoreCase)) {
                throw new Passkeys.Refused("not an acceptable authenticator model (AAGUID " + aaguid + ")");
            }
        }
        String required = policy.getAuthenticatorAttachment();
        if (required == null || required.isBlank() || "not specified".equals(required)
            || authenticatorAttachment == null || authenticatorAttachment.isBlank()) {
            return; // the client reports it, and need not (as Keycloak: best effort)
        }
        if (!List.of("platform", "cross-platform").contains(authenticatorAttachment)) {
            throw new Passkeys.Refused("unexpected authenticator attachment");
        }
        if (!required.equals(authenticatorAttachment)) {
            throw new Passkeys.Refused("the policy requires a " + required + " authenticator");
        }
    }

    /** Keycloak's passwordless registration factory, making the subclass below with the trust anchors it builds. */
    private static final class Factory extends WebAuthnPasswordlessRegisterFactory {
        @Override
        protected WebAuthnRegister createProvider(KeycloakSession session, CertPathTrustworthinessVerifier trust) {
            return new Registrar(session, trust);
        }
    }

    /** Reaches Keycloak's protected {@code createWebAuthnRegistrationManager}, whichever form the release has. */
    private static final class Registrar extends WebAuthnPasswordlessRegister {

        Registrar(KeycloakSession session, CertPathTrustworthinessVerifier trust) {
            super(session, trust);
        }

        WebAuthnRegistrationManager manager(WebAuthnPolicy policy) {
            try {
                for (Method m : WebAuthnRegister.class.getDeclaredMethods()) {
                    if (!m.getName().equals("createWebAuthnRegistrationManager") || m.getParameterCount() != 1) {
                        continue;
                    }
                    Class<?> type = m.getParameterTypes()[0];
                    Object argument = type == WebAuthnPolicy.class ? policy
                        : type == String.class ? policy.getAttestationConveyancePreference() : null;
                    if (argument != null) {
                        m.setAccessible(true);
                        return (WebAuthnRegistrationManager) m.invoke(this, argument);
                    }
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("Keycloak's WebAuthn registration manager could not be made", e);
            }
            throw new LinkageError("Keycloak has no WebAuthnRegister.createWebAuthnRegistrationManager tableauth knows");
        }
    }
}
